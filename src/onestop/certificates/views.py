"""The public verification page of a certificate (证照核验), open without an account."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from onestop.certificates import actions, ratelimit
from onestop.certificates.identifiers import (
    CertificateIdCheckFailed,
    InvalidCertificateId,
    normalise_identifier,
    parse_identifier,
)
from onestop.certificates.models import Certificate
from onestop.certificates.queries import RESULT_LABELS, VerificationResult
from onestop.core.errors import OneStopError
from onestop.core.pages import render_error

# Only an unknown identifier is a 404. Every other result (valid, expired, revoked,
# superseded, signature invalid) is a 200 page that states the result in its heading.
STATUS_OF_RESULT = {VerificationResult.NOT_FOUND: 404}


@require_safe
def verify_form(request: HttpRequest) -> HttpResponse:
    """Show a form to type an identifier in, and send a typed one on to its check."""
    typed = request.GET.get("identifier", "")
    identifier = normalise_identifier(typed)
    if not identifier:
        return render(request, "certificates/verify_form.html")
    try:
        parse_identifier(identifier)
    except (InvalidCertificateId, CertificateIdCheckFailed):
        # The check runs here, so the form shows the error beside the text as typed.
        # This also covers a slash, which a URL path segment cannot contain.
        return _check_identifier(request, identifier, typed=typed)
    return redirect("certificates:verify", identifier=identifier)


@require_safe
def verify_certificate(request: HttpRequest, identifier: str) -> HttpResponse:
    """Show whether a certificate is genuine and valid, with its masked summary."""
    return _check_identifier(request, identifier, typed=identifier)


def _check_identifier(
    request: HttpRequest, identifier: str, *, typed: str
) -> HttpResponse:
    """Check `identifier` and show the result, or show the form again with the error
    beside `typed` when the identifier is malformed."""
    try:
        ratelimit.check_rate(request)
        verification = actions.verify_certificate(
            identifier, actor=request.user, channel="page"
        )
    except (InvalidCertificateId, CertificateIdCheckFailed) as error:
        context = {"error": error, "typed": typed}
        return render(
            request, "certificates/verify_form.html", context, status=error.status
        )
    except OneStopError as error:
        response = render_error(request, error)
        if error.status == 429:
            response["Retry-After"] = str(error.details.get("retry_after", 60))
        return response

    summary = verification.as_public_dict()
    context = {
        "verification": verification,
        "summary": summary,
        "latest_result_label": RESULT_LABELS.get(summary.get("latest_version_result")),
        "proof_url": _proof_url(verification.certificate),
    }
    status = STATUS_OF_RESULT.get(verification.result, 200)
    response = render(request, "certificates/verify.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _proof_url(certificate: Certificate | None) -> str:
    """Return the URL of the certificate's ledger proof bundle, or "" without one."""
    if certificate is None or certificate.ledger_entry_id is None:
        return ""
    proof_url = reverse("api-v1:certificate_proof", args=[certificate.identifier])
    return f"{proof_url}?download=1"
