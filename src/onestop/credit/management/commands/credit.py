"""`onestop credit verify-report FILE --vkey VKEY --keys FILE`: check a saved report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.credit.verify import verify_report


class Command(BaseCommand):
    help = "Check a saved credit report offline, with no database."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        verify = commands.add_parser(
            "verify-report",
            help="Check the report signature, each proof bundle and each record hash.",
        )
        verify.add_argument("file", help="The report JSON saved from /credit/reports.")
        verify.add_argument(
            "--vkey",
            required=True,
            help="The ledger verifier key (from `onestop ledger vkey`), or a file "
            "containing it.",
        )
        verify.add_argument(
            "--keys",
            required=True,
            help="The published keys file, saved from /.well-known/onestop-keys.json.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        signed = _read_json(options["file"], "report")
        public_keys = _read_json(options["keys"], "published keys")
        check = verify_report(
            signed, public_keys=public_keys, vkey=_read_vkey(options["vkey"])
        )

        for finding in check.findings:
            self.stdout.write(finding)
        summary = f"checked {check.records_checked} records; "
        summary += f"{len(check.findings)} problems"
        if not check.ok:
            raise CommandError(summary, returncode=1)
        self.stdout.write(f"report verified: {summary}")


def _read_json(path: str, what: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise CommandError(f"cannot read the {what} file {path}: {error}") from error
    except (ValueError, UnicodeDecodeError) as error:
        raise CommandError(f"the {what} file {path} is not JSON: {error}") from error


def _read_vkey(value: str) -> str:
    path = Path(value)
    if "+" not in value and path.is_file():
        return path.read_text(encoding="utf-8").strip()
    return value.strip()
