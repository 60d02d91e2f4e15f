from django.urls import path

from onestop.window import views_windows

app_name = "windows"
urlpatterns = [
    path("", views_windows.index, name="index"),
    path("<slug:slug>/", views_windows.centre_windows, name="centre"),
]
