"""`onestop pack validate PATH`, `onestop pack import-listing FILE` and `onestop pack upgrade`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from onestop.catalog.packs import PackError, validate_pack
from onestop.catalog.packs.listing import ListingImportFailed, import_listing
from onestop.catalog.upgrade import run_upgrade_command
from onestop.core.management.base import OneStopCommand
from onestop.core.progress import progress_bar


class Command(OneStopCommand):
    help = gettext_lazy("Work with catalogue packs (标准事项包).")
    # Validating files needs neither the database nor the URL configuration.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)

        validate = subcommands.add_parser(
            "validate",
            help=_("List every error of a pack folder or .zip; exit 1 on any."),
        )
        validate.add_argument("path", help=_("Path of the pack folder or .zip file."))

        listing = subcommands.add_parser(
            "import-listing",
            help=_("Write a pack of guide-only matters from a JSON matter listing."),
        )
        listing.add_argument("file", type=Path, help=_("Path of the JSON listing."))
        listing.add_argument(
            "--mapping",
            type=Path,
            required=True,
            help=_(
                "YAML file mapping listed departments to role keys and task types "
                "to matter types."
            ),
        )
        listing.add_argument(
            "--out",
            type=Path,
            required=True,
            help=_("New or empty folder to write the pack into."),
        )

        upgrade = subcommands.add_parser(
            "upgrade",
            help=_("Move a centre to a newer version of its pack with a 3-way merge."),
        )
        upgrade.add_argument("--region", required=True, help=_("GB/T 2260 county code"))
        upgrade.add_argument(
            "--pack", required=True, type=Path, help=_("pack folder or .zip")
        )
        upgrade.add_argument(
            "--bindings", type=Path, help=_("YAML file binding new department roles")
        )
        upgrade.add_argument(
            "--dry-run", action="store_true", help=_("Print the plan; write nothing.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "validate":
            self.validate(options["path"])
        elif options["subcommand"] == "import-listing":
            self.import_listing(options["file"], options["mapping"], options["out"])
        elif options["subcommand"] == "upgrade":
            run_upgrade_command(self.stdout, options)

    def validate(self, path: str) -> None:
        """Print every error of the pack at `path`, and raise CommandError if any."""
        errors = validate_pack(path)
        if errors:
            self.fail(
                errors,
                ngettext(
                    "%(path)s has %(count)d error.",
                    "%(path)s has %(count)d errors.",
                    len(errors),
                )
                % {"path": path, "count": len(errors)},
            )
        self.stdout.write(_("The pack %(path)s is valid.") % {"path": path})

    def import_listing(self, listing: Path, mapping: Path, out: Path) -> None:
        """Import `listing` into the folder `out`, printing every error on failure."""
        try:
            with progress_bar(_("Checking %(path)s") % {"path": out}) as progress:
                report = import_listing(listing, mapping, out, progress)
        except ListingImportFailed as failure:
            count = len(failure.errors)
            self.fail(
                failure.errors,
                ngettext(
                    "Nothing was written to %(out)s: the listing and its mapping have "
                    "%(count)d error.",
                    "Nothing was written to %(out)s: the listing and its mapping have "
                    "%(count)d errors.",
                    count,
                )
                % {"out": out, "count": count},
            )

        matters = ngettext(
            "%(count)s guide-only matter",
            "%(count)s guide-only matters",
            report.matter_count,
        ) % {"count": report.matter_count}
        roles = ngettext("%(count)s role", "%(count)s roles", len(report.roles)) % {
            "count": len(report.roles)
        }
        self.stdout.write(
            _("Wrote %(matters)s of %(roles)s to %(path)s.")
            % {"matters": matters, "roles": roles, "path": out}
        )

    def fail(self, errors: list[PackError], summary: str) -> NoReturn:
        """Print each error on its own line, then raise CommandError with `summary`."""
        for error in errors:
            self.stdout.write(str(error))
        raise CommandError(summary, returncode=1)
