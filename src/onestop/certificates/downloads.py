"""A certificate as a PDF for its holder, served by the portal page and the API alike."""

from __future__ import annotations

from django.http import HttpResponse

from onestop.certificates.documents import render_certificate_pdf
from onestop.certificates.models import Certificate
from onestop.certificates.queries import certificate_document


def certificate_pdf_response(certificate: Certificate) -> HttpResponse:
    """Render the certificate as a PDF with its verification QR code."""
    response = HttpResponse(
        render_certificate_pdf(certificate_document(certificate)),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="{certificate.identifier}.pdf"'
    return response
