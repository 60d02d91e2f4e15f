from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "onestop.core"
    label = "core"
    verbose_name = _("Centres and staff")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.utils.module_loading import autodiscover_modules

        from onestop.core.session_generation import on_sign_in

        # Each app's tasks.py registers its outbox handlers when it is imported.
        autodiscover_modules("tasks")
        user_logged_in.connect(on_sign_in, dispatch_uid="onestop.session_generation")
