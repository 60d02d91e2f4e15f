"""`onestop ledger verify | integrate | vkey`: operate and audit the ledger."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.core.ledger.checkpoint import get_vkey
from onestop.core.ledger.integrity import check_ledger
from onestop.core.ledger.tasks import run_sequencer


class Command(BaseCommand):
    help = "Verify the ledger, run the sequencer or print the verifier key."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        commands.add_parser(
            "verify",
            help="Recompute the tree from the entries; report changed or deleted rows.",
        )
        integrate = commands.add_parser(
            "integrate", help="Integrate pending entries and publish a due checkpoint."
        )
        integrate.add_argument(
            "--batch-size", type=int, default=1000, help="Entries per transaction."
        )
        commands.add_parser(
            "vkey", help="Print the verifier key of checkpoint signatures."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options["subcommand"]
        if subcommand == "verify":
            self._verify()
        elif subcommand == "integrate":
            count, checkpoint = run_sequencer(options["batch_size"])
            size = checkpoint.size if checkpoint else "none"
            self.stdout.write(
                f"integrated {count} entries; new checkpoint size: {size}"
            )
        elif subcommand == "vkey":
            self.stdout.write(get_vkey())

    def _verify(self) -> None:
        report = check_ledger()
        for finding in report.findings:
            self.stdout.write(str(finding))
        summary = (
            f"tree size {report.tree_size}: checked {report.entries_checked} entries, "
            f"{report.tiles_checked} tiles, {report.checkpoints_checked} checkpoints; "
            f"{len(report.findings)} problems"
        )
        if not report.ok:
            raise CommandError(summary, returncode=1)
        self.stdout.write(summary)
