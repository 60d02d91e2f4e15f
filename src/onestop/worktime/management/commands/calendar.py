"""`onestop calendar import|seed|missing`: load and check the work calendar."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from onestop.core.errors import OneStopError
from onestop.core.management.base import OneStopCommand
from onestop.worktime.actions import load_schedule, region_label, seed_calendar
from onestop.worktime.queries import (
    check_calendar_region,
    check_region_code,
    missing_years,
)
from onestop.worktime.schedule import MAX_FILE_BYTES, parse_schedule


class Command(OneStopCommand):
    help = gettext_lazy(
        "Import a year's schedule, seed from chinesecalendar, or list missing years."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)

        load = commands.add_parser(
            "import",
            help=_("Load one year's holidays and make-up workdays from CSV or JSON."),
        )
        load.add_argument(
            "file", type=Path, help=_("Path of the CSV or JSON schedule file.")
        )
        load.add_argument(
            "--region",
            default="",
            help=_(
                "Six-digit GB/T 2260 region code; empty (the default) is nationwide."
            ),
        )
        load.add_argument(
            "--replace",
            action="store_true",
            help=_("Overwrite the year if it is already loaded for that region."),
        )

        commands.add_parser(
            "seed", help=_("Load the national years that chinesecalendar covers, once.")
        )

        missing = commands.add_parser(
            "missing",
            help=_("List the years up to a date without an official schedule."),
        )
        missing.add_argument(
            "--region",
            default="",
            help=_("Six-digit region code; empty is nationwide."),
        )
        missing.add_argument(
            "--upto",
            type=dt.date.fromisoformat,
            default=None,
            help=_(
                "Last date to check, YYYY-MM-DD. Default: 31 December of next year."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        handlers = {
            "import": self._import,
            "seed": self._seed,
            "missing": self._missing,
        }
        try:
            handlers[options["subcommand"]](options)
        except OneStopError as error:
            raise CommandError(f"{error.code}: {error.render_for_command()}") from error

    def _import(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        check_calendar_region(options["region"])
        try:
            with path.open("rb") as handle:
                content = handle.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            message = _(
                "Cannot read %(path)s: %(error)s. Check the path and try again."
            )
            raise CommandError(
                message % {"path": path, "error": error.strerror}
            ) from error

        schedule = parse_schedule(content, path.name)
        result = load_schedule(
            schedule,
            actor=None,
            region_code=options["region"],
            replace=options["replace"],
        )
        self.stdout.write(result.message())

    def _seed(self, options: dict[str, Any]) -> None:
        result = seed_calendar(actor=None)
        if not result.years:
            self.stdout.write(_("Every chinesecalendar year is already loaded."))
            return
        years = ngettext("%(count)s year", "%(count)s years", len(result.years)) % {
            "count": len(result.years)
        }
        days = ngettext("%(count)s day", "%(count)s days", result.days) % {
            "count": result.days
        }
        message = _("Loaded %(first)s–%(last)s: %(years)s, %(days)s.")
        self.stdout.write(
            message
            % {
                "first": result.years[0],
                "last": result.years[-1],
                "years": years,
                "days": days,
            }
        )

    def _missing(self, options: dict[str, Any]) -> None:
        region_code = check_region_code(options["region"])
        today = timezone.localdate()
        upto = options["upto"] or dt.date(today.year + 1, 12, 31)
        years = missing_years(region_code, upto)
        if not years:
            message = _("Every year up to %(upto)s is loaded (%(region)s).")
            self.stdout.write(
                message
                % {"upto": upto.isoformat(), "region": region_label(region_code)}
            )
            return
        message = _(
            "No official schedule for %(years)s (%(region)s). Deadlines in those years "
            "are provisional until the schedule is imported with `onestop calendar "
            "import`."
        )
        listed = ", ".join(str(year) for year in years)
        self.stdout.write(
            message % {"years": listed, "region": region_label(region_code)}
        )
