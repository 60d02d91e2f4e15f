"""The files of a case for a caller who may see it: the signed receipt as a PDF and the
uploaded materials. The pages and the API serve them with the same checks and audit."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from onestop.cases.models import Case, CaseDocument, SubmissionKind
from onestop.cases.queries import role_of
from onestop.certificates.documents import ReceiptDocument, render_receipt_pdf
from onestop.core.audit import record_event
from onestop.core.errors import NotFound


class MaterialNotFound(NotFound):
    code = "case.material_not_found"
    message = _(
        "Case %(number)s has no uploaded file with the id %(submission)s. Open the case "
        "page and follow the link of the file."
    )


class DocumentNotFound(NotFound):
    code = "case.document_not_found"
    message = _(
        "Case %(number)s has no PDF document with the id %(document)s. The documents of "
        "the case, each with its pdf_url, are listed at GET /api/v1/cases/%(number)s."
    )


class PageDocumentNotFound(DocumentNotFound):
    """The same error on a page, which links every document of the case."""

    message = _(
        "Case %(number)s has no document with the id %(document)s. Open the case page "
        "and follow the link of the document."
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


def receipt_pdf_response(case: Case, found: CaseDocument) -> HttpResponse:
    """Render a signed acceptance receipt of the case as a PDF with its QR code."""
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


def material_response(actor: Any, case: Case, submission_id: int) -> FileResponse:
    """Serve one uploaded file of a case the actor may see, and audit the view."""
    submission = case.submissions.filter(
        pk=submission_id, kind=SubmissionKind.UPLOAD
    ).first()
    if submission is None or not submission.file:
        raise MaterialNotFound(number=case.number, submission=submission_id)

    record_event(
        actor=actor,
        actor_role=role_of(actor, case),
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


def document_pdf_url(case_number: str, document: CaseDocument) -> str | None:
    """Return the API path of a document's PDF, or None for a document with no PDF.

    An acceptance receipt is a PDF of its own. A result that issued a certificate links
    the certificate's PDF. Notices have no PDF: their signed data is the record.
    """
    if document.kind == CaseDocument.Kind.ACCEPTANCE_RECEIPT:
        return reverse("api-v1:case_document_pdf", args=[case_number, document.pk])
    certificate = document.data.get("certificate")
    if document.kind == CaseDocument.Kind.RESULT and certificate:
        return reverse("api-v1:certificate_pdf", args=[certificate])
    return None


def material_url(case_number: str, submission_id: int) -> str:
    """Return the API path of an uploaded material."""
    return reverse("api-v1:case_material", args=[case_number, submission_id])
