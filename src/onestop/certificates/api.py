"""GET /api/v1/certificates/<identifier>/verification, open to anyone."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from onestop.certificates import actions, ratelimit
from onestop.certificates.errors import CertificateNotFound
from onestop.certificates.queries import VerificationResult

router = Router(tags=["certificates"])


class VerificationOut(Schema):
    identifier: str
    result: str
    valid: bool
    checked_at: str
    type_code: str | None = None
    type_name: str | None = None
    issuer_name: str | None = None
    issuer_uscc: str | None = None
    holder_name: str | None = None
    holder_code: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    issued_at: str | None = None
    status_changed_at: str | None = None
    latest_version: str | None = None


@router.get("/{identifier}/verification", auth=None, response=VerificationOut)
def get_verification(request: HttpRequest, identifier: str) -> dict:
    """Check a certificate and return its masked public summary.

    The result is valid, expired, revoked, superseded or signature_invalid. An unknown
    identifier is a 404 with the code certificate.not_found.
    """
    ratelimit.check_rate(request)
    actor = getattr(request, "user", None)
    verification = actions.verify_certificate(identifier, actor=actor, channel="api")
    if verification.result == VerificationResult.NOT_FOUND:
        raise CertificateNotFound(identifier=verification.identifier)
    return verification.as_public_dict()
