"""Certificate endpoints under /api/v1/certificates: the public verification and proof,
the signed file and PDF for the holder, and revocation for admins."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from onestop.certificates import actions, ratelimit
from onestop.certificates.downloads import (
    certificate_pdf_response,
    proof_bundle_response,
)
from onestop.certificates.errors import CertificateNotFound
from onestop.certificates.queries import (
    VerificationResult,
    find_certificate,
    get_certificate_for,
)
from onestop.core.schemas import ApiDate, ApiDateTime, InputSchema

router = Router(tags=["certificates"])


class VerificationOut(Schema):
    identifier: str
    result: str
    valid: bool
    checked_at: ApiDateTime
    type_code: str | None = None
    type_name: str | None = None
    issuer_name: str | None = None
    issuer_uscc: str | None = None
    holder_name: str | None = None
    holder_code: str | None = None
    valid_from: ApiDate | None = None
    valid_until: ApiDate | None = None
    issued_at: ApiDateTime | None = None
    status_changed_at: ApiDateTime | None = None
    latest_version: str | None = None
    latest_version_result: str | None = None


class CertificateRevocationIn(InputSchema):
    reason: str


class RevocationOut(Schema):
    identifier: str
    status: str
    status_changed_at: datetime.datetime
    revocation_reason: str


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


@router.get("/{identifier}/signed", response=dict)
def get_signed_certificate(request: HttpRequest, identifier: str) -> dict:
    """Return the signed certificate, the file `onestop certificates verify` checks.

    Only those who may see it get it (see `get_certificate_for`). Others get
    certificate.access_denied, and an unknown identifier gets certificate.not_found.
    """
    certificate = get_certificate_for(request.user, identifier)
    return {"document": certificate.document, "signature": certificate.signature}


@router.get(
    "/{identifier}/pdf",
    url_name="certificate_pdf",
    openapi_extra={
        "responses": {
            200: {
                "description": "The certificate as a PDF",
                "content": {
                    "application/pdf": {
                        "schema": {"type": "string", "format": "binary"}
                    }
                },
            }
        }
    },
)
def get_certificate_pdf(request: HttpRequest, identifier: str) -> HttpResponse:
    """Return the certificate as a PDF with its verification QR code.

    Only those who may see it get it (see `get_certificate_for`). Others get
    certificate.access_denied, and an unknown identifier gets certificate.not_found.
    """
    return certificate_pdf_response(get_certificate_for(request.user, identifier))


@router.get("/{identifier}/proof", auth=None, url_name="certificate_proof")
def get_proof_bundle(
    request: HttpRequest, identifier: str, download: bool = False
) -> HttpResponse:
    """Return the offline ledger proof of the certificate's latest event, as text.

    The bundle contains only hashes and the signed checkpoint. Check it with the vkey from
    GET /api/v1/ledger/vkey. With `download=1` the response is an attachment named
    `<identifier>.proof.txt`, which browsers save as a file.
    """
    ratelimit.check_rate(request)
    return proof_bundle_response(identifier, as_attachment=download)


@router.post("/{identifier}/revoke", response=RevocationOut)
def revoke(
    request: HttpRequest, identifier: str, payload: CertificateRevocationIn
) -> dict:
    """Revoke a valid certificate (吊销 or 注销) with the reason, which is required.

    Only a department admin of the issuing department or a centre admin of its centre
    may. The certificate stays listed, its checks return revoked, and the ledger
    records certificate.revoked.
    """
    certificate = actions.revoke_certificate(
        find_certificate(identifier), actor=request.user, reason=payload.reason
    )
    return {
        "identifier": certificate.identifier,
        "status": certificate.status,
        "status_changed_at": certificate.status_changed_at,
        "revocation_reason": certificate.revocation_reason,
    }
