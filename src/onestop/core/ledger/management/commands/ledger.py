"""`onestop ledger verify | verify-bundle | integrate | vkey`: operate and audit the
ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from onestop.core.errors import OneStopError
from onestop.core.ledger.bundle import verify_proof_bundle
from onestop.core.ledger.checkpoint import get_vkey
from onestop.core.ledger.integrity import check_ledger
from onestop.core.ledger.tasks import run_sequencer
from onestop.core.management.base import OneStopCommand
from onestop.core.progress import progress_bar

# A bundle contains one entry, at most 64 proof hashes and a signed checkpoint: a few KB.
MAX_BUNDLE_BYTES = 1024 * 1024


class Command(OneStopCommand):
    help = gettext_lazy(
        "Verify the ledger, run the sequencer or print the verifier key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        commands.add_parser(
            "verify",
            help=_(
                "Recompute the tree from the entries; report changed or deleted rows."
            ),
        )
        bundle = commands.add_parser(
            "verify-bundle",
            help=_(
                "Check an offline proof bundle (a .tlog-proof file) against a verifier "
                "key; needs no database when --vkey is given."
            ),
        )
        bundle.add_argument("file", type=Path, help=_("Path of the proof bundle."))
        bundle.add_argument(
            "--vkey",
            default="",
            help=_(
                "The verifier key that signs the checkpoints (default: this "
                "deployment's, read from its database)."
            ),
        )
        integrate = commands.add_parser(
            "integrate",
            help=_("Integrate pending entries and publish a due checkpoint."),
        )
        integrate.add_argument(
            "--batch-size", type=int, default=1000, help=_("Entries per transaction.")
        )
        commands.add_parser(
            "vkey", help=_("Print the verifier key of checkpoint signatures.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options["subcommand"]
        try:
            if subcommand == "verify":
                self._verify()
            elif subcommand == "verify-bundle":
                self._verify_bundle(options["file"], options["vkey"])
            elif subcommand == "integrate":
                self._integrate(options["batch_size"])
            elif subcommand == "vkey":
                self.stdout.write(get_vkey())
        except OneStopError as error:
            raise CommandError(f"{error.code}: {error.render_for_command()}") from None

    def _verify_bundle(self, path: Path, vkey: str) -> None:
        """Print what a valid bundle proves, or raise CommandError with the reason."""
        try:
            data = path.read_bytes()
        except OSError as error:
            message = _("Cannot read %(path)s: %(reason)s.") % {
                "path": path,
                "reason": error.strerror or error,
            }
            raise CommandError(f"ledger.bundle_unreadable: {message}") from None
        if len(data) > MAX_BUNDLE_BYTES:
            message = _(
                "%(path)s has %(size)s bytes, more than a proof bundle's %(limit)s."
            ) % {"path": path, "size": len(data), "limit": MAX_BUNDLE_BYTES}
            raise CommandError(f"ledger.bundle_invalid: {message}")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            message = _("%(path)s is not UTF-8 text, so it is not a proof bundle.") % {
                "path": path
            }
            raise CommandError(f"ledger.bundle_invalid: {message}") from None
        verified = verify_proof_bundle(text, vkey or get_vkey())
        self.stdout.write(
            _(
                "valid: entry %(index)s is in the log %(origin)s of size %(size)s, "
                "signed by %(key)s; its data: %(data)s"
            )
            % {
                "index": verified.index,
                "origin": verified.checkpoint.origin,
                "size": verified.checkpoint.size,
                "key": (vkey or get_vkey()).split("+")[0],
                "data": verified.data.decode("utf-8"),
            }
        )

    def _integrate(self, batch_size: int) -> None:
        count, checkpoint = run_sequencer(batch_size)
        if checkpoint is None:
            message = ngettext(
                "integrated %(count)s entry; no new checkpoint",
                "integrated %(count)s entries; no new checkpoint",
                count,
            )
        else:
            message = ngettext(
                "integrated %(count)s entry; new checkpoint size: %(size)s",
                "integrated %(count)s entries; new checkpoint size: %(size)s",
                count,
            )
        size = checkpoint.size if checkpoint else None
        self.stdout.write(message % {"count": count, "size": size})

    def _verify(self) -> None:
        with progress_bar(_("Checking the ledger")) as progress:
            report = check_ledger(progress)
        for finding in report.findings:
            self.stdout.write(str(finding))
        summary = _(
            "tree size %(size)s: checked %(entries)s, %(tiles)s, %(checkpoints)s; "
            "%(problems)s"
        ) % {
            "size": report.tree_size,
            "entries": ngettext(
                "%(count)s entry", "%(count)s entries", report.entries_checked
            )
            % {"count": report.entries_checked},
            "tiles": ngettext("%(count)s tile", "%(count)s tiles", report.tiles_checked)
            % {"count": report.tiles_checked},
            "checkpoints": ngettext(
                "%(count)s checkpoint",
                "%(count)s checkpoints",
                report.checkpoints_checked,
            )
            % {"count": report.checkpoints_checked},
            "problems": ngettext(
                "%(count)s problem", "%(count)s problems", len(report.findings)
            )
            % {"count": len(report.findings)},
        }
        if not report.ok:
            raise CommandError(summary, returncode=1)
        self.stdout.write(summary)
