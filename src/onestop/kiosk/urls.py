from django.urls import path

from onestop.kiosk import views

app_name = "kiosk"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("cases/<str:number>/", views.case, name="case"),
    path("<slug:slug>/matters/", views.matters, name="matters"),
    path("<slug:slug>/matters/<str:matter_id>/", views.guide, name="guide"),
    path("<slug:slug>/matters/<str:matter_id>/apply/", views.apply, name="apply"),
]
