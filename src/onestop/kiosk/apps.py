from django.apps import AppConfig


class KioskConfig(AppConfig):
    name = "onestop.kiosk"
    label = "kiosk"
