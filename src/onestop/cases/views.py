"""Case documents: the signed receipt as a PDF, and its public verification page."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from onestop.cases.errors import CaseNotFound
from onestop.cases.models import CaseDocument
from onestop.cases.queries import get_case_for
from onestop.certificates.documents import ReceiptDocument, render_receipt_pdf
from onestop.core.audit import record_event
from onestop.core.pages import handles_errors
from onestop.core.signing import public_keys_for, verify_document


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
        return render(request, "cases/document.html", {"case": case, "document": found})

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
        materials_received=[
            (names.get(m["material"], m["material"]), m["kind"])
            for m in found.data["materials"]
        ],
    )
    response = HttpResponse(render_receipt_pdf(receipt), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{case.number}.pdf"'
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
