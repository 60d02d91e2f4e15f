"""Checks that an application is complete and valid: the matter is open, the form values
are valid, and every required material is provided."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.utils.text import format_lazy

from onestop.cases.actions.materials import (
    Application,
    MaterialCheck,
    check_material_keys,
)
from onestop.cases.errors import (
    CONSENT_MISSING_TOO,
    RECENT_APPLICATION_TOO,
    CertificateConsentRequired,
    MaterialsMissing,
    MatterNotOpen,
    NotAgent,
    RecentApplication,
    UnknownMaterial,
    UnknownMaterialMaterialsMissing,
)
from onestop.cases.form_errors import FormInvalid, FormInvalidMaterialsMissing
from onestop.cases.formdata import FormOwner, check_form_data
from onestop.cases.models import Case
from onestop.cases.results import form_owner
from onestop.cases.uploads import check_no_rejected_uploads
from onestop.catalog.models import Matter
from onestop.core.errors import InvalidInput, listed
from onestop.identity.agency import check_verified_agent
from onestop.identity.models import Enterprise, Person


def _check_new_case(
    matter: Matter,
    person: Person,
    enterprise: Enterprise | None,
    application: Application,
) -> dict[str, Any]:
    """Check what can be checked before a case exists; return the cleaned form values.

    Running these checks before a case number is taken keeps invalid applications from
    using up numbers.
    """
    if not matter.is_active or matter.guide_only or matter.current_version is None:
        raise MatterNotOpen(matter=matter.name)
    if enterprise is not None:
        check_verified_agent(person, enterprise, NotAgent(uscc=enterprise.uscc))
    guide = matter.current_version.guide
    owner = form_owner(matter.centre, guide, person, enterprise)
    with reporting_consent(application, guide.materials):
        return _check_new_application(guide, owner, application)


def _check_new_application(
    guide: Any, owner: FormOwner, application: Application
) -> dict[str, Any]:
    missing = _missing_materials(guide.materials, _application_materials(application))
    _check_material_keys(guide.materials, application, missing)

    # One notice lists the invalid fields and the missing materials together (一次性告知).
    try:
        form_data = check_form_data(
            guide.form_fields, application.form_data, owner=owner
        )
    except FormInvalid as error:
        if not missing:
            raise
        raise FormInvalidMaterialsMissing(
            form_fields=error.form_fields, **error.details, **_missing_details(missing)
        ) from None
    if missing:
        raise MaterialsMissing(**_missing_details(missing))
    return form_data


@contextmanager
def reporting_consent(
    application: Application, materials: list[dict[str, Any]]
) -> Iterator[None]:
    """Report a missing consent to use certificates with the checks of the block.

    The block's error gets the consent in its details and its message, so that one
    notice lists every problem of the request (一次性告知). When the block raises no
    error, CertificateConsentRequired is raised alone. `materials` are the matter's.
    """
    details = _consent_details(application, materials)
    try:
        yield
    except InvalidInput as error:
        if details:
            error.details.update(details)
            error.message = format_lazy("{} {}", error.message, CONSENT_MISSING_TOO)
        raise
    if details:
        raise CertificateConsentRequired(**details)


@contextmanager
def reporting_recent_application(recent: Case) -> Iterator[None]:
    """Report the applicant's open `recent` case of the matter with the block's checks.

    The block's error gets the case in its details and its message, so that a rejected
    file or an invalid field is named at once, together with the open case. When the
    block raises no error, RecentApplication is raised alone.
    """
    try:
        yield
    except InvalidInput as error:
        error.details["recent_application"] = {
            "code": RecentApplication.code,
            "number": recent.number,
        }
        error.details["recent_number"] = recent.number
        error.details["recent_created_at"] = recent.created_at
        error.message = format_lazy("{} {}", error.message, RECENT_APPLICATION_TOO)
        raise
    raise RecentApplication(
        matter=recent.matter.name, number=recent.number, created_at=recent.created_at
    )


def _consent_details(
    application: Application, materials: list[dict[str, Any]]
) -> dict[str, Any]:
    """Return the details that name the materials whose certificates lack the
    applicant's consent, or an empty mapping when none does.

    `certificate_consent` gives the code and the material keys, the same in every
    language, and `consent_materials` the materials' names for the message.
    """
    if not (application.consent_missing and application.certificates):
        return {}
    names = {material["key"]: material["name"] for material in materials}
    keys = list(application.certificates)
    return {
        "certificate_consent": {
            "code": CertificateConsentRequired.code,
            "material_keys": keys,
        },
        "consent_materials": listed(names.get(key, key) for key in keys),
    }


def _check_uploads_with_form(
    application: Application,
    guide: Any,
    form_data: dict[str, Any],
    owner: FormOwner,
    *,
    provided: set[str],
) -> None:
    """Raise one error for the rejected uploads that also lists the form's errors and
    the missing materials (一次性告知).

    `provided` are the keys of the materials the case has already, besides those of
    `application`.
    """
    if not application.rejected_uploads:
        return
    form_error = None
    try:
        check_form_data(guide.form_fields, form_data, owner=owner)
    except FormInvalid as error:
        form_error = error
    check_no_rejected_uploads(
        application.rejected_uploads,
        guide.materials,
        form_error=form_error,
        missing=_missing_besides_rejected(
            guide.materials, application, provided | _application_materials(application)
        ),
        files_kept=application.files_kept,
    )


def _check_uploads_for_acceptance(
    case: Case, application: Application, checklist: dict[str, MaterialCheck]
) -> None:
    """Raise one error for the files rejected at acceptance that also lists the missing
    materials, counting the case's materials and the clerk's ticks as provided."""
    if not application.rejected_uploads:
        return
    materials = case.matter_version.guide.materials
    provided = _current_materials(case) | _application_materials(application)
    provided |= _ticked_materials(checklist)
    check_no_rejected_uploads(
        application.rejected_uploads,
        materials,
        missing=_missing_besides_rejected(materials, application, provided),
    )


def _check_material_keys(
    materials: list[dict[str, Any]],
    application: Application,
    missing: list[dict[str, Any]],
    checklist: dict[str, MaterialCheck] | None = None,
) -> None:
    """Raise UnknownMaterial for the keys of uploads, certificates and ticks that are no
    material of the matter, naming the `missing` required materials too (一次性告知).
    """
    try:
        check_material_keys(
            [
                *application.uploads,
                *application.certificates,
                *application.checklist,
                *(checklist or {}),
            ],
            materials,
        )
    except UnknownMaterial as error:
        if not missing:
            raise
        raise UnknownMaterialMaterialsMissing(
            unknown=error.details["unknown"],
            matter_materials=materials,
            **_missing_details(missing),
        ) from None


def _check_acceptance_material_keys(
    case: Case, application: Application, checklist: dict[str, MaterialCheck]
) -> None:
    """Raise UnknownMaterial for an acceptance that names a key the matter lacks, with
    the required materials that neither the case nor the acceptance provides."""
    materials = case.matter_version.guide.materials
    provided = _current_materials(case) | _application_materials(application)
    provided |= _ticked_materials(checklist)
    missing = _missing_materials(materials, provided)
    _check_material_keys(materials, application, missing, checklist)


def _missing_besides_rejected(
    materials: list[dict[str, Any]], application: Application, provided: set[str]
) -> dict[str, Any] | None:
    """Return the error details naming the required materials that are neither in
    `provided` nor rejected, or None when there are none.

    The error lists a rejected file's material with the file, so not again here.
    """
    rejected = {item.material for item in application.rejected_uploads}
    missing = _missing_materials(materials, provided | rejected)
    return _missing_details(missing) if missing else None


def _application_materials(application: Application) -> set[str]:
    """Return the keys of the materials an application provides: accepted uploads,
    certificates, and the originals or copies ticked at the window."""
    provided = {key for key, files in application.uploads.items() if files}
    provided |= set(application.certificates)
    return provided | _ticked_materials(application.checklist)


def _ticked_materials(checklist: dict[str, MaterialCheck]) -> set[str]:
    return {
        key
        for key, check in checklist.items()
        if check.original_seen or check.copy_taken
    }


def _check_required_materials(case: Case) -> None:
    _raise_missing(case.matter_version.guide.materials, _current_materials(case))


def _current_materials(case: Case) -> set[str]:
    """Return the keys of the materials the case has now: its submissions not replaced."""
    return set(
        case.submissions.filter(superseded=False).values_list("material_key", flat=True)
    )


def _raise_missing(materials: list[dict[str, Any]], provided: set[str]) -> None:
    missing = _missing_materials(materials, provided)
    if missing:
        raise MaterialsMissing(**_missing_details(missing))


def _missing_materials(
    materials: list[dict[str, Any]], provided: set[str]
) -> list[dict[str, Any]]:
    """Return the required materials whose key is not in `provided`, in guide order."""
    return [
        m
        for m in materials
        if m.get("necessity", "required") == "required" and m["key"] not in provided
    ]


def _missing_details(missing: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the error details that name the missing materials and give their keys."""
    names = [m["name"] for m in missing]
    return {
        "materials": listed(names),
        "missing": names,
        "material_keys": [m["key"] for m in missing],
    }
