from django.urls import path

from onestop.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.matters, name="matters"),
    path("<slug:slug>/conflicts/", views.conflicts, name="conflicts"),
    path("<slug:slug>/matters/new/", views.new_local_matter, name="new-local"),
    path("<slug:slug>/matters/<str:pack_id>/", views.edit_overlay, name="overlay"),
    path("<slug:slug>/matters/<str:pack_id>/diff/", views.diff, name="diff"),
]
