"""`onestop certificates verify FILE` and `onestop certificates export IDENTIFIER`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onestop.certificates import actions
from onestop.certificates.identifiers import parse_identifier
from onestop.certificates.queries import (
    RESULT_LABELS,
    VerificationResult,
    get_certificate,
)
from onestop.core.errors import OneStopError
from onestop.core.json_errors import describe_json_error
from onestop.core.management.base import OneStopCommand
from onestop.core.signing import public_keys_for, verify_document


class Command(OneStopCommand):
    help = gettext_lazy(
        "Verify an exported certificate file, or export a certificate as one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)

        verify = commands.add_parser(
            "verify",
            help=_("Check the signature and the current status of a certificate file."),
        )
        verify.add_argument(
            "file", type=Path, help=_("JSON file with document and signature.")
        )
        verify.add_argument(
            "--keys",
            type=Path,
            help=_(
                "Key set file, as served at /.well-known/onestop-keys.json, to check "
                "the signature with instead of this deployment's keys."
            ),
        )
        verify.add_argument(
            "--offline",
            action="store_true",
            help=_(
                "Check only the signature, not the status stored on this deployment."
            ),
        )

        export = commands.add_parser(
            "export",
            help=_("Write a certificate's signed document as a certificate file."),
        )
        export.add_argument("identifier", help=_("GB/T 36904 certificate identifier."))
        export.add_argument(
            "--output", type=Path, help=_("File to write; default stdout.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["command"] == "export":
            self._export(options["identifier"], options.get("output"))
        else:
            self._verify(options["file"], options.get("keys"), options["offline"])

    def _export(self, identifier: str, output: Path | None) -> None:
        try:
            parsed = parse_identifier(identifier)
        except OneStopError as error:
            raise CommandError(str(error), returncode=1) from None
        certificate = get_certificate(str(parsed))
        if certificate is None:
            raise CommandError(
                _("No certificate with the identifier %(identifier)s was found.")
                % {"identifier": identifier}
            )
        content = json.dumps(
            {"document": certificate.document, "signature": certificate.signature},
            ensure_ascii=False,
            indent=2,
        )
        if output is None:
            self.stdout.write(content)
        else:
            _write_output(output, content + "\n")

    def _verify(self, path: Path, keys_path: Path | None, offline: bool) -> None:
        document, signature = _read_certificate_file(path)
        identifier = str(document.get("identifier", ""))
        keys = _read_json(keys_path) if keys_path else public_keys_for()

        if not verify_document(document, signature, keys):
            raise CommandError(
                _(
                    "The signature of %(identifier)s is invalid: the file was changed "
                    "or was not signed by a known key."
                )
                % {"identifier": identifier}
            )
        self.stdout.write(
            _("Signature valid: %(identifier)s") % {"identifier": identifier}
        )
        if offline:
            return

        try:
            verification = actions.verify_certificate(
                identifier, actor=None, channel="command"
            )
        except OneStopError as error:
            raise CommandError(error.render_for_command()) from error
        stored = verification.certificate
        if stored is not None and stored.document != document:
            raise CommandError(
                _(
                    "The file's document differs from the stored certificate "
                    "%(identifier)s. Export the certificate again."
                )
                % {"identifier": identifier}
            )
        if verification.result != VerificationResult.VALID:
            raise CommandError(
                _("The certificate %(identifier)s is not valid: %(result)s.")
                % {
                    "identifier": identifier,
                    "result": RESULT_LABELS[verification.result],
                }
            )
        self.stdout.write(
            _("Status valid: %(identifier)s") % {"identifier": identifier}
        )


def _write_output(path: Path, content: str) -> None:
    try:
        path.write_text(content, encoding="utf-8")
    except OSError as error:
        raise CommandError(
            _("Cannot write %(path)s: %(error)s. Check that its folder exists.")
            % {"path": path, "error": error.strerror}
        ) from None


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise CommandError(
            _("Cannot read %(path)s as JSON: %(error)s")
            % {"path": path, "error": describe_json_error(error)}
        ) from error
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(
            _("Cannot read %(path)s as JSON: %(error)s")
            % {"path": path, "error": error}
        ) from error


def _read_certificate_file(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    content = _read_json(path)
    document = content.get("document") if isinstance(content, dict) else None
    signature = content.get("signature") if isinstance(content, dict) else None
    if not isinstance(document, dict) or not isinstance(signature, dict):
        raise CommandError(
            _(
                "%(path)s is not a certificate file: it needs the objects document and "
                "signature, as `onestop certificates export` writes them."
            )
            % {"path": path}
        )
    return document, signature
