from django.urls import path

from onestop.supervise import views

app_name = "supervise"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path(
        "extensions/<int:extension_id>/decide",
        views.decide_extension,
        name="decide-extension",
    ),
]
