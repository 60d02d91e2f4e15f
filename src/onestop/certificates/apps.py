from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "onestop.certificates"
    label = "certificates"
