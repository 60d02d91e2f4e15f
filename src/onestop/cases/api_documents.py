"""Case files under /api/v1/cases for token clients: receipt PDFs and uploaded materials.

They are the files the portal pages serve to a signed-in browser, with the same scoping
and the same audit events.
"""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Router

from onestop.cases import queries
from onestop.cases.downloads import (
    DocumentNotFound,
    material_response,
    receipt_pdf_response,
)
from onestop.cases.models import CaseDocument

router = Router(tags=["cases"])

PDF_RESPONSE = {
    "responses": {
        200: {
            "description": "The PDF",
            "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    }
}
FILE_RESPONSE = {
    "responses": {
        200: {
            "description": "The uploaded file as it was received (PDF, JPEG or PNG)",
            "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get(
    "/{number}/documents/{document_id}/pdf",
    url_name="case_document_pdf",
    openapi_extra=PDF_RESPONSE,
)
def get_document_pdf(
    request: HttpRequest, number: str, document_id: int
) -> HttpResponse:
    """Return the signed acceptance receipt as a PDF with its QR code.

    The read is audited as a view of the case, like the receipt page.
    """
    case = queries.get_case_for(request.user, number)
    found = case.documents.filter(
        pk=document_id, kind=CaseDocument.Kind.ACCEPTANCE_RECEIPT
    ).first()
    if found is None:
        raise DocumentNotFound(number=case.number, document=document_id)
    return receipt_pdf_response(case, found)


@router.get(
    "/{number}/materials/{submission_id}",
    url_name="case_material",
    openapi_extra=FILE_RESPONSE,
)
def get_material(request: HttpRequest, number: str, submission_id: int) -> FileResponse:
    """Return one uploaded material of the case; each read is audited."""
    case = queries.get_case_for(request.user, number, audit=False)
    return material_response(request.user, case, submission_id)
