"""`onestop credit verify-report FILE --vkey VKEY --keys FILE`: check a saved report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from onestop.core.json_errors import describe_json_error
from onestop.core.management.base import OneStopCommand
from onestop.credit.verify import verify_report


class Command(OneStopCommand):
    help = gettext_lazy("Check a saved credit report offline, with no database.")

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        verify = commands.add_parser(
            "verify-report",
            help=_(
                "Check the report signature, each proof bundle and each record hash."
            ),
        )
        verify.add_argument(
            "file", help=_("The report JSON saved from /credit/reports.")
        )
        verify.add_argument(
            "--vkey",
            required=True,
            help=_(
                "The ledger verifier key (from `onestop ledger vkey`), or a file "
                "containing it."
            ),
        )
        verify.add_argument(
            "--keys",
            required=True,
            help=_(
                "The published keys file, saved from /.well-known/onestop-keys.json."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        signed = _read_json(options["file"])
        public_keys = _read_json(options["keys"])
        check = verify_report(
            signed, public_keys=public_keys, vkey=_read_vkey(options["vkey"])
        )

        for finding in check.findings:
            self.stdout.write(finding)
        counts = {
            "records": ngettext(
                "%(count)s record", "%(count)s records", check.records_checked
            )
            % {"count": check.records_checked},
            "problems": ngettext(
                "%(count)s problem", "%(count)s problems", len(check.findings)
            )
            % {"count": len(check.findings)},
        }
        if not check.ok:
            raise CommandError(
                _("checked %(records)s; %(problems)s") % counts,
                returncode=1,
            )
        self.stdout.write(
            _("report verified: checked %(records)s; %(problems)s") % counts
        )


def _read_json(path: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise CommandError(
            _("Cannot read the file %(path)s: %(error)s")
            % {"path": path, "error": error.strerror or error}
        ) from error
    except ValueError as error:
        if isinstance(error, json.JSONDecodeError):
            problem: Any = describe_json_error(error)
        else:
            problem = error
        raise CommandError(
            _("The file %(path)s is not UTF-8 JSON: %(error)s")
            % {"path": path, "error": problem}
        ) from error


def _read_vkey(value: str) -> str:
    path = Path(value)
    if "+" not in value and path.is_file():
        return path.read_text(encoding="utf-8").strip()
    return value.strip()
