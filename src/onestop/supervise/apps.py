from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuperviseConfig(AppConfig):
    name = "onestop.supervise"
    label = "supervise"
    verbose_name = _("Supervision")
