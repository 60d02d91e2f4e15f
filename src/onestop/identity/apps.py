from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "onestop.identity"
    label = "identity"
    verbose_name = _("Identity")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from onestop.identity.initial_password import on_sign_in

        user_logged_in.connect(on_sign_in, dispatch_uid="onestop.initial_password")
