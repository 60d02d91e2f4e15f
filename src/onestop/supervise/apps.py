from django.apps import AppConfig


class SuperviseConfig(AppConfig):
    name = "onestop.supervise"
    label = "supervise"
