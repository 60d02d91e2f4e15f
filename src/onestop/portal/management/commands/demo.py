"""`onestop demo`: provision the demo centre 佛山市禅城区 and print its URLs and logins."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onestop.core.management.base import OneStopCommand
from onestop.core.progress import progress_bar
from onestop.portal.demo import PASSWORD, DemoAccount, demo_accounts, provision_demo


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
        with progress_bar(_("Provisioning 佛山市禅城区")) as progress:
            result, accounts = provision_demo(progress=progress)

        self.stdout.write(_("Demo centre: %(summary)s") % {"summary": result.message()})
        self.print_logins(accounts)

    def print_logins(self, accounts: list[DemoAccount]) -> None:
        url = settings.ONESTOP_PUBLIC_URL.rstrip("/")
        places = [
            (_("Portal (applicants)"), f"{url}/portal/"),
            (_("Window workbench"), f"{url}/window/"),
            (_("Department queue"), f"{url}/office/"),
            (_("Supervision"), f"{url}/supervise/"),
            (_("API and OpenAPI"), f"{url}/api/v1/docs  {url}/api/v1/openapi.json"),
            (_("Django admin"), f"{url}/admin/"),
        ]
        label_width = max(display_width(label) for label, _address in places) + 2
        for label, address in places:
            self.stdout.write(f"  {pad(label + ':', label_width)} {address}")
        # Provisioning sets the password of new accounts only. Checking each account's
        # hash against it costs one PBKDF2 run per account, which would slow each start.
        self.stdout.write(
            _(
                "Demo logins (each created with the password %(password)s; an account "
                "whose password was changed since keeps the new one):"
            )
            % {"password": PASSWORD}
        )
        rows = [
            (account.username, account.role_label, str(account.description))
            for account in accounts
        ]
        name_width = max((display_width(row[0]) for row in rows), default=0)
        role_width = max((display_width(row[1]) for row in rows), default=0)
        for username, role, description in rows:
            self.stdout.write(
                f"  {pad(username, name_width)} {pad(role, role_width)} {description}"
            )


def display_width(text: str) -> int:
    """Return the columns `text` takes in a terminal: 2 for each East Asian wide or
    full-width character (unicodedata.east_asian_width W or F), 1 for the others."""
    return sum(
        2 if unicodedata.east_asian_width(character) in ("W", "F") else 1
        for character in text
    )


def pad(text: str, width: int) -> str:
    """Return `text` followed by spaces up to `width` display columns."""
    return text + " " * max(width - display_width(text), 0)
