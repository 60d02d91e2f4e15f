from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WindowConfig(AppConfig):
    name = "onestop.window"
    label = "window"
    verbose_name = _("Comprehensive window")
