from django.urls import path

from onestop.identity import views

app_name = "identity"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("profile/", views.profile, name="profile"),
    path("password/", views.password_change, name="password-change"),
    path("enterprises/", views.enterprise, name="enterprise"),
]
