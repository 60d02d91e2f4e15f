"""`onestop demo`: provision the demo centre 佛山市禅城区 and print its URLs and logins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from rich.progress import Progress

from onestop.portal.demo import PASSWORD, demo_accounts, provision_demo


class Command(BaseCommand):
    help = "Provision the demo centre 佛山市禅城区 (440604) and its demo accounts."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--logins-only",
            action="store_true",
            help="print the URLs and logins of a demo centre provisioned before",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["logins_only"]:
            self.print_logins(demo_accounts())
            return
        with Progress(transient=True) as progress:
            task = progress.add_task("provisioning 佛山市禅城区", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            result, accounts = provision_demo(progress=advance)

        self.stdout.write(f"Demo centre: {result.message()}")
        self.print_logins(accounts)

    def print_logins(self, accounts: list[Any]) -> None:
        url = settings.ONESTOP_PUBLIC_URL.rstrip("/")
        self.stdout.write(f"  Portal (applicants):   {url}/portal/")
        self.stdout.write(f"  Window workbench:      {url}/window/")
        self.stdout.write(f"  Department queue:      {url}/office/")
        self.stdout.write(f"  Supervision:           {url}/supervise/")
        self.stdout.write(
            f"  API and OpenAPI:       {url}/api/v1/docs  {url}/api/v1/openapi.json"
        )
        self.stdout.write(f"  Django admin:          {url}/admin/")
        self.stdout.write(f"Demo logins (password for all: {PASSWORD}):")
        width = max((len(account.username) for account in accounts), default=24)
        for account in accounts:
            self.stdout.write(
                f"  {account.username:<{width}} {account.role:<18} {account.description}"
            )
