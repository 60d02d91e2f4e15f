from django.urls import path

from onestop.core.staff import views

app_name = "staff"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.centre_staff, name="centre"),
]
