from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "onestop.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from onestop.cases.upload_names import material_name_for_request
        from onestop.core.multipart import MATERIAL_NAMERS

        if material_name_for_request not in MATERIAL_NAMERS:
            MATERIAL_NAMERS.append(material_name_for_request)
