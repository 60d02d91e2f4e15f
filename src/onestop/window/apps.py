from django.apps import AppConfig


class WindowConfig(AppConfig):
    name = "onestop.window"
    label = "window"
