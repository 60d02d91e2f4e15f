from django.apps import AppConfig


class KioskConfig(AppConfig):
    name = "onestop.kiosk"
    label = "kiosk"

    def ready(self) -> None:
        from onestop.kiosk import signals  # noqa: F401  (connects the receivers)
