from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "onestop.credit"
    label = "credit"
