"""Case documents and materials: uploaded files, the signed receipt as a PDF, other
documents as a page with their verification link, and the public verification page.

The files themselves are built in `downloads.py`, which the API serves from as well."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from onestop.cases.downloads import (
    PageDocumentNotFound,
    material_response,
    receipt_pdf_response,
    verification_url,
)
from onestop.cases.models import Case, CaseDocument
from onestop.cases.presenters import documents_display
from onestop.cases.queries import get_case_for
from onestop.certificates.qr import qr_svg
from onestop.core.audit import record_event
from onestop.core.pages import handles_errors
from onestop.core.signing import public_keys_for, verify_document


@login_required
@handles_errors
def document(request: HttpRequest, number: str, document_id: int) -> HttpResponse:
    """Show one document of a case the user may see; acceptance receipts come as a PDF."""
    case = get_case_for(request.user, number)
    found = case.documents.filter(pk=document_id).first()
    if found is None:
        raise PageDocumentNotFound(number=case.number, document=document_id)
    if found.kind != CaseDocument.Kind.ACCEPTANCE_RECEIPT:
        return render(
            request, "cases/document.html", _document_page_context(case, found)
        )
    return receipt_pdf_response(case, found)


@login_required
@handles_errors
def document_list(request: HttpRequest, number: str) -> HttpResponse:
    """Render the documents block of a case page, which polls here while the receipt is
    pending. It shows no personal data, so the repeated reads are not audited.

    With ?banner=1 (a page that shows the banner "receipt being prepared"), the response
    that brings the receipt also replaces that banner, out of band."""
    case = get_case_for(request.user, number, audit=False)
    context = {
        "detail": documents_display(case),
        "receipt_banner": request.GET.get("banner") == "1",
    }
    return render(request, "cases/_documents.html", context)


def _document_page_context(case: Case, found: CaseDocument) -> dict[str, Any]:
    """Build the context of a notice or result page: its link, QR code and named items."""
    url = verification_url(found)
    names = {m["key"]: m["name"] for m in case.matter_version.guide.materials}
    items = [
        {**item, "material_name": names.get(item.get("material", ""), "")}
        for item in found.data.get("items") or []
        if isinstance(item, dict)
    ]
    certificate = found.data.get("certificate")
    return {
        "case": case,
        "document": found,
        "verification_url": url,
        "qr_svg": qr_svg(url),
        "items": items,
        "certificate_url": (
            reverse("certificates:verify", args=[certificate]) if certificate else ""
        ),
    }


@login_required
@handles_errors
def material(request: HttpRequest, number: str, submission_id: int) -> FileResponse:
    """Serve one uploaded file of a case the user may see, and audit the view."""
    case = get_case_for(request.user, number, audit=False)
    return material_response(request.user, case, submission_id)


def verify_document_page(
    request: HttpRequest, document_id: int, signature_prefix: str
) -> HttpResponse:
    """Tell anyone, without signing in, whether a receipt or notice is genuine."""
    found = (
        CaseDocument.objects.select_related("case", "centre")
        .filter(pk=document_id)
        .first()
    )
    genuine = bool(
        found
        and found.signature.get("sig", "").startswith(signature_prefix)
        and len(signature_prefix) >= 16
        and verify_document(found.data, found.signature, public_keys_for(found.centre))
    )
    record_event(
        actor=request.user,
        actor_role="verifier",
        verb="document.verified",
        object_type="case_document",
        object_id=document_id,
        centre=found.centre if found else None,
        data={"genuine": genuine},
    )
    return render(
        request,
        "cases/verify_document.html",
        {"document": found if genuine else None, "genuine": genuine},
        status=200 if genuine else 404,
    )
