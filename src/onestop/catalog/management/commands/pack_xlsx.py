"""`onestop pack_xlsx export PACK --out FILE` and `onestop pack_xlsx import FILE --out DIR`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from onestop.catalog.packs import InvalidPack
from onestop.catalog.packs.xlsx.errors import XlsxImportFailed
from onestop.catalog.packs.xlsx.exporter import export_xlsx
from onestop.catalog.packs.xlsx.importer import import_xlsx
from onestop.core.management.base import OneStopCommand
from onestop.core.progress import progress_bar


class Command(OneStopCommand):
    help = gettext_lazy(
        "Export a catalogue pack as an .xlsx 实施清单, or import one into a pack."
    )
    # Converting files needs neither the database nor the URL configuration.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)

        export = subcommands.add_parser(
            "export", help=_("Write the matters of a pack as an .xlsx workbook.")
        )
        export.add_argument(
            "pack", type=Path, help=_("Path of the pack folder or .zip.")
        )
        export.add_argument(
            "--out",
            type=Path,
            required=True,
            help=_("Path of the .xlsx file to write."),
        )

        imported = subcommands.add_parser(
            "import", help=_("Read an .xlsx workbook into a new pack folder.")
        )
        imported.add_argument("file", type=Path, help=_("Path of the .xlsx workbook."))
        imported.add_argument(
            "--pack",
            type=Path,
            help=_(
                "Pack folder or .zip whose metadata, departments and certificate "
                "types to use instead of the workbook's sheet 事项包."
            ),
        )
        imported.add_argument(
            "--out",
            type=Path,
            required=True,
            help=_("New or empty folder to write the pack into."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "export":
            self.export(options["pack"], options["out"])
        else:
            self.import_workbook(options["file"], options["out"], options["pack"])

    def export(self, pack: Path, out: Path) -> None:
        """Export `pack` to `out`, printing every pack error on failure."""
        try:
            with progress_bar(_("Reading %(path)s") % {"path": pack}) as progress:
                count = export_xlsx(pack, out, progress)
        except InvalidPack as failure:
            self.fail(str(pack), [str(error) for error in failure.errors])
        except OSError as error:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s. Choose another path with --out.")
                % {"path": out, "error": error.strerror or error},
                returncode=1,
            ) from None
        self.stdout.write(
            ngettext(
                "Wrote %(count)s matter to %(path)s.",
                "Wrote %(count)s matters to %(path)s.",
                count,
            )
            % {"count": count, "path": out}
        )

    def import_workbook(self, workbook: Path, out: Path, pack: Path | None) -> None:
        """Import `workbook` into `out`, printing every bad row on failure."""
        try:
            with progress_bar(_("Checking %(path)s") % {"path": out}) as progress:
                count = import_xlsx(workbook, out, base_pack=pack, progress=progress)
        except InvalidPack as failure:
            self.fail(str(pack), [str(error) for error in failure.errors])
        except XlsxImportFailed as failure:
            self.fail(str(workbook), [str(error) for error in failure.errors])
        self.stdout.write(
            ngettext(
                "Wrote a pack of %(count)s matter to %(path)s.",
                "Wrote a pack of %(count)s matters to %(path)s.",
                count,
            )
            % {"count": count, "path": out}
        )

    def fail(self, path: str, errors: list[str]) -> None:
        """Print each error on its own line, then raise CommandError (exit status 1)."""
        for error in errors:
            self.stdout.write(error)

        raise CommandError(
            ngettext(
                "%(path)s has %(count)d error.",
                "%(path)s has %(count)d errors.",
                len(errors),
            )
            % {"path": path, "count": len(errors)},
            returncode=1,
        )
