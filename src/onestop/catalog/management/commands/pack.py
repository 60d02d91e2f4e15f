"""`onestop pack validate PATH`: check a catalogue pack and list every error."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from onestop.catalog.packs import validate_pack


class Command(BaseCommand):
    help = "Work with catalogue packs (标准事项包)."
    # Validating files needs neither the database nor the URL configuration.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        validate = subcommands.add_parser(
            "validate", help="List every error of a pack folder or .zip; exit 1 on any."
        )
        validate.add_argument("path", help="Path of the pack folder or .zip file.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "validate":
            self.validate(options["path"])

    def validate(self, path: str) -> None:
        """Print every error of the pack at `path`, and raise CommandError if any."""
        errors = validate_pack(path)
        for error in errors:
            self.stdout.write(str(error))

        if errors:
            raise CommandError(
                ngettext(
                    "The pack %(path)s has %(count)d error.",
                    "The pack %(path)s has %(count)d errors.",
                    len(errors),
                )
                % {"path": path, "count": len(errors)},
                returncode=1,
            )
        self.stdout.write(_("The pack %(path)s is valid.") % {"path": path})
