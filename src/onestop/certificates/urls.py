"""Public pages of certificates, to be included under /verify/."""

from django.urls import path

from onestop.certificates import views

app_name = "certificates"

urlpatterns = [
    path("", views.verify_form, name="verify_form"),
    path("<str:identifier>", views.verify_certificate, name="verify"),
]
