"""Form parsing shared by the pages on which staff decide a case (department and window)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from onestop.cases import results
from onestop.cases.models import Case
from onestop.certificates.models import HolderKind


def decision_from_post(request: HttpRequest) -> dict[str, Any]:
    """Collect the certificate face fields and holder code entered with an approval."""
    face = {
        key.removeprefix("face."): value
        for key, value in request.POST.dict().items()
        if key.startswith("face.") and value.strip()
    }
    return {"face": face, "holder_code": request.POST.get("holder_code", "")}


def certificate_context(case: Case) -> dict[str, Any]:
    """Return what the approval form needs when the matter's result is a certificate."""
    certificate_type = results.certificate_type_of(case)
    organisation_holder = bool(
        certificate_type
        and certificate_type.holder_kind == HolderKind.ENTERPRISE
        and not case.enterprise_id
    )
    code_in_form = results.organisation_code_of(case) if organisation_holder else ""
    return {
        "certificate_type": certificate_type,
        "face_fields": results.open_face_fields(case),
        "needs_holder_code": organisation_holder and not code_in_form,
        # A person's own case names the organisation by the code typed in the form.
        # No one has checked that code against the applicant, so the decider's page
        # shows a notice.
        "unverified_holder_code": code_in_form,
    }
