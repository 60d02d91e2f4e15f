from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "onestop.ratings"
    label = "ratings"
