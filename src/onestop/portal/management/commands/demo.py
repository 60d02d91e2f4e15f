"""`onestop demo`: provision the demo centre 佛山市禅城区 and print its URLs and logins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rich.progress import Progress

from onestop.core.management.base import OneStopCommand
from onestop.portal.demo import PASSWORD, demo_accounts, provision_demo


class Command(OneStopCommand):
    help = gettext_lazy(
        "Provision the demo centre 佛山市禅城区 (440604) and its demo accounts."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--logins-only",
            action="store_true",
            help=_("print the URLs and logins of a demo centre provisioned before"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["logins_only"]:
            self.print_logins(demo_accounts())
            return
        with Progress(transient=True) as progress:
            task = progress.add_task(_("Provisioning 佛山市禅城区"), total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            result, accounts = provision_demo(progress=advance)

        self.stdout.write(_("Demo centre: %(summary)s") % {"summary": result.message()})
        self.print_logins(accounts)

    def print_logins(self, accounts: list[Any]) -> None:
        url = settings.ONESTOP_PUBLIC_URL.rstrip("/")
        places = [
            (_("Portal (applicants)"), f"{url}/portal/"),
            (_("Window workbench"), f"{url}/window/"),
            (_("Department queue"), f"{url}/office/"),
            (_("Supervision"), f"{url}/supervise/"),
            (_("API and OpenAPI"), f"{url}/api/v1/docs  {url}/api/v1/openapi.json"),
            (_("Django admin"), f"{url}/admin/"),
        ]
        for label, address in places:
            self.stdout.write(f"  {label + ':':<22} {address}")
        self.stdout.write(
            _("Demo logins (password for all: %(password)s):") % {"password": PASSWORD}
        )
        width = max((len(account.username) for account in accounts), default=24)
        for account in accounts:
            self.stdout.write(
                f"  {account.username:<{width}} {account.role:<18} {account.description}"
            )
