from django.urls import path

from onestop.ratings import views

app_name = "ratings"
urlpatterns = [
    path("screen/<str:token>/", views.screen, name="screen"),
    path("visits/new/", views.new_visit, name="new-visit"),
    path("visits/<int:visit_id>/", views.visit, name="visit"),
    path("cases/<str:number>/fix/", views.rate_fix, name="rate-fix"),
    path("rectifications/", views.rectification_list, name="rectifications"),
    path(
        "rectifications/<int:rectification_id>/",
        views.rectification,
        name="rectification",
    ),
    path("stats/", views.statistics, name="stats"),
    path("stats/export.xlsx", views.statistics_export, name="stats-export"),
    path("public/", views.public_summary, name="public"),
]
