from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KioskConfig(AppConfig):
    name = "onestop.kiosk"
    label = "kiosk"
    verbose_name = _("Self-service kiosks")

    def ready(self) -> None:
        from onestop.kiosk import signals  # noqa: F401  (connects the receivers)
