"""Files of a certificate: its PDF for the holder, served by the portal page and the
API alike, and its ledger proof bundle for verifiers."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from onestop.certificates.documents import render_certificate_pdf
from onestop.certificates.identifiers import normalise_identifier
from onestop.certificates.models import Certificate
from onestop.certificates.queries import certificate_document, certificate_proof_bundle


def certificate_pdf_response(certificate: Certificate) -> HttpResponse:
    """Render the certificate as a PDF with its verification QR code."""
    response = HttpResponse(
        render_certificate_pdf(certificate_document(certificate)),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="{certificate.identifier}.pdf"'
    return response


def proof_bundle_response(identifier: str, *, as_attachment: bool) -> HttpResponse:
    """Serve the certificate's ledger proof bundle as UTF-8 text.

    As an attachment it is named `<identifier>.proof.txt`, so a browser saves it as a
    file that phones and desktops open as text. Otherwise scripts get it inline.
    Raises the errors of `certificate_proof_bundle`.
    """
    bundle = certificate_proof_bundle(identifier)
    response = HttpResponse(bundle, content_type="text/plain; charset=utf-8")
    if as_attachment:
        file_name = f"{normalise_identifier(identifier)}.proof.txt"
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=file_name
        )
    return response
