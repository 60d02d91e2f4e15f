from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "onestop.core"
    label = "core"
    verbose_name = "OneStop core"

    def ready(self) -> None:
        # Each app's tasks.py registers its outbox handlers when it is imported.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
