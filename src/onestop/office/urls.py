from django.urls import path

from onestop.office import views

app_name = "office"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("cases/<str:number>/", views.case, name="case"),
]
