from django.urls import path

from onestop.supervise import views

app_name = "supervise"
urlpatterns = [path("", views.dashboard, name="dashboard")]
