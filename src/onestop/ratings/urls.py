from django.urls import path

from onestop.ratings import pad_views, policy_views, views

app_name = "ratings"
urlpatterns = [
    path("screen/<str:token>/", views.screen, name="screen"),
    path("pad/", pad_views.pad, name="pad"),
    path("pad/panel/", pad_views.pad_panel, name="pad-panel"),
    path("pad/rate/", pad_views.pad_rate, name="pad-rate"),
    path("pads/", pad_views.pads, name="pads"),
    path("policy/", policy_views.index, name="policy-index"),
    path("policy/<slug:slug>/", policy_views.centre_policy, name="policy"),
    path("pads/<int:pad_id>/revoke/", pad_views.revoke, name="pad-revoke"),
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
