"""`onestop account reset-password|deactivate|reactivate`: account care by an operator."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onestop.core.errors import OneStopError
from onestop.core.management.base import OneStopCommand
from onestop.core.staff import accounts


class Command(OneStopCommand):
    help = gettext_lazy(
        "Reset the password of an account, or deactivate and reactivate its sign-in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        for name, text in (
            (
                "reset-password",
                _("Print a new initial password once and revoke every API token."),
            ),
            ("deactivate", _("Stop the account's sign-in and revoke its API tokens.")),
            ("reactivate", _("Let a deactivated account sign in again.")),
        ):
            subcommand = commands.add_parser(name, help=text)
            subcommand.add_argument(
                "--user", required=True, help=_("User name of the account.")
            )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._run(options["subcommand"], options["user"])
        except OneStopError as error:
            raise CommandError(f"{error.code}: {error.render()}") from None

    def _run(self, subcommand: str, username: str) -> None:
        user = accounts.get_account(username)
        if subcommand == "reset-password":
            password = accounts.reset_password(actor=None, user=user, centre=None)
            self.stdout.write(
                _(
                    "Reset the password of %(username)s. Its new initial password, "
                    "shown only now: %(password)s"
                )
                % {"username": user.username, "password": password}
            )
        elif subcommand == "deactivate":
            if accounts.deactivate_account(actor=None, user=user, centre=None):
                message = _("Deactivated the account %(username)s.")
            else:
                message = _(
                    "The account %(username)s is inactive already; nothing changed."
                )
            self.stdout.write(message % {"username": user.username})
        else:
            if accounts.reactivate_account(actor=None, user=user, centre=None):
                message = _("Reactivated the account %(username)s.")
            else:
                message = _(
                    "The account %(username)s is active already; nothing changed."
                )
            self.stdout.write(message % {"username": user.username})
