from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "onestop.office"
    label = "office"
