"""Case documents and materials: uploaded files, the signed receipt as a PDF, other
documents as a page with their verification link, and the public verification page."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from onestop.cases.errors import CaseNotFound
from onestop.cases.models import Case, CaseDocument, SubmissionKind
from onestop.cases.presenters import documents_display
from onestop.cases.queries import get_case_for, role_of
from onestop.certificates.documents import ReceiptDocument, render_receipt_pdf
from onestop.certificates.qr import qr_svg
from onestop.core.audit import record_event
from onestop.core.errors import NotFound
from onestop.core.pages import handles_errors
from onestop.core.signing import public_keys_for, verify_document


class MaterialNotFound(NotFound):
    code = "case.material_not_found"
    message = _(
        "Case %(number)s has no uploaded file with the id %(submission)s. Open the case "
        "page and follow the link of the file."
    )


def received_materials(
    materials: list[dict[str, str]], names: dict[str, str]
) -> list[tuple[str, str]]:
    """Return one (material name, how it was received) row per material of a receipt."""
    kinds: dict[str, list[str]] = {}
    for material in materials:
        label = str(SubmissionKind(material["kind"]).label)
        forms = kinds.setdefault(material["material"], [])
        if label not in forms:
            forms.append(label)
    return [(names.get(key, key), "、".join(forms)) for key, forms in kinds.items()]


def verification_url(document: CaseDocument) -> str:
    path = reverse(
        "verify-document", args=[document.pk, document.signature.get("sig", "")[:16]]
    )
    return settings.ONESTOP_PUBLIC_URL.rstrip("/") + path


@login_required
@handles_errors
def document(request: HttpRequest, number: str, document_id: int) -> HttpResponse:
    """Show one document of a case the user may see; acceptance receipts come as a PDF."""
    case = get_case_for(request.user, number)
    found = case.documents.filter(pk=document_id).first()
    if found is None:
        raise CaseNotFound(number=number)
    if found.kind != CaseDocument.Kind.ACCEPTANCE_RECEIPT:
        return render(
            request, "cases/document.html", _document_page_context(case, found)
        )

    names = {m["key"]: m["name"] for m in case.matter_version.guide.materials}
    receipt = ReceiptDocument(
        case_number=case.number,
        matter_name=case.matter.name,
        applicant_name=case.person.masked_name,
        accepted_at=datetime.datetime.fromisoformat(found.data["accepted_at"]),
        promised_date=case.promised_due,
        centre_name=case.centre.name,
        window=case.window,
        verification_url=verification_url(found),
        materials_received=received_materials(found.data["materials"], names),
    )
    response = HttpResponse(render_receipt_pdf(receipt), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{case.number}.pdf"'
    return response


@login_required
@handles_errors
def document_list(request: HttpRequest, number: str) -> HttpResponse:
    """Render the documents block of a case page, which polls here while the receipt is
    pending. It shows no personal data, so the repeated reads are not audited."""
    case = get_case_for(request.user, number, audit=False)
    return render(request, "cases/_documents.html", {"detail": documents_display(case)})


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
    submission = case.submissions.filter(
        pk=submission_id, kind=SubmissionKind.UPLOAD
    ).first()
    if submission is None or not submission.file:
        raise MaterialNotFound(number=case.number, submission=submission_id)

    record_event(
        actor=request.user,
        actor_role=role_of(request.user, case),
        verb="case.material_viewed",
        object_type="case",
        object_id=case.number,
        centre=case.centre,
        data={"submission": submission.pk},
    )
    response = FileResponse(
        submission.file.open("rb"),
        content_type=submission.content_type or "application/octet-stream",
    )
    file_name = quote(submission.original_name or f"material-{submission.pk}")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{file_name}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


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
