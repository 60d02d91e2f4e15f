"""Correction requests that list every item at once (一次性告知), and the applicant's
resubmission with the corrected items."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onestop.cases import documents, notices
from onestop.cases.actions.checks import (
    _check_required_materials,
    _check_uploads_with_form,
    _current_materials,
    reporting_consent,
)
from onestop.cases.actions.materials import (
    Application,
    _atomic_removing_files,
    _store_materials,
    check_material_keys,
)
from onestop.cases.actions.roles import APPLICANT, _staff_role_for_correction
from onestop.cases.actions.transitions import (
    _end_pauses,
    _lock,
    _notify,
    _recompute_deadlines,
    _reload,
    _transition,
)
from onestop.cases.applicants import check_acts_as_applicant
from onestop.cases.errors import (
    CorrectionItemsRequired,
    CorrectionNoteTooLong,
    CorrectionsOutstanding,
    CorrectionsStillOutstanding,
    FieldsNotCorrected,
    ResubmissionEmpty,
    UnknownField,
    UnknownMaterial,
    UnknownMaterialCorrectionsOutstanding,
)
from onestop.cases.formdata import check_form_data
from onestop.cases.models import Case, CaseDocument, CaseEvent, CasePause, CaseState
from onestop.cases.reasons import clean_reason
from onestop.cases.recusal import audits_own_case_rejection, check_not_own_case
from onestop.cases.results import form_owner
from onestop.core.errors import PermissionDenied, echoed, listed, shown


def resubmit_case(*, actor: Any, case: Case, application: Application) -> Case:
    """Answer a correction request: replace the listed materials and form values.

    Whoever acts as the applicant (see `cases.applicants`) may answer it.
    """
    with _atomic_removing_files() as written:
        case = _lock(case)
        check_acts_as_applicant(actor, case, PermissionDenied())
        guide = case.matter_version.guide
        form_data = {**case.form_data, **application.form_data}
        owner = form_owner(case.centre, guide, case.person, case.enterprise)
        with reporting_consent(application, guide.materials):
            _check_uploads_with_form(
                application,
                guide,
                form_data,
                owner,
                provided=_current_materials(case),
            )
            _check_corrections_answered(case, application)
            case.form_data = check_form_data(guide.form_fields, form_data, owner=owner)
        _store_materials(
            case,
            application,
            replace=True,
            actor=actor,
            role=APPLICANT,
            written=written,
        )
        _check_required_materials(case)
        previous = (
            case.events.filter(action="request_correction").last() or CaseEvent()
        ).from_state
        _end_pauses(case, CasePause.Kind.CORRECTION)
        case.correction_items = []
        case.save(update_fields=["form_data", "correction_items"])
        _transition(
            case,
            actor=actor,
            actor_role=APPLICANT,
            action="resubmit",
            target=previous or CaseState.SUBMITTED,
        )
        _recompute_deadlines(case)
    return _reload(case)


@audits_own_case_rejection
def request_correction(
    *, actor: Any, case: Case, items: Iterable[dict[str, str]]
) -> Case:
    """Ask for every missing or incorrect item at once (一次性告知); the clock stops.

    Each item has `material` or `field` (a key of the matter) and a `note`. The window asks
    before acceptance; the department's reviewer may ask during review.
    """
    with transaction.atomic():
        case = _lock(case)
        role = _staff_role_for_correction(actor, case)
        check_not_own_case(actor, case, role=role, action="request_correction")
        items = _checked_items(case, _filled_items(items))
        case.correction_items = items
        case.save(update_fields=["correction_items"])
        _transition(
            case,
            actor=actor,
            actor_role=role,
            action="request_correction",
            data={"items": items},
        )
        CasePause.objects.create(
            centre=case.centre,
            case=case,
            kind=CasePause.Kind.CORRECTION,
            reason=_("correction requested"),
            started_at=timezone.now(),
        )
        documents.create_document(
            case, CaseDocument.Kind.CORRECTION_NOTICE, {"items": items}
        )
        _notify(case, notices.CORRECTION_REQUESTED, items=_notice_lines(case, items))
    return _reload(case)


def _filled_items(items: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    """Return the items that name a material or a field or have a note, or raise
    CorrectionItemsRequired when none does."""
    filled = [
        item
        for item in items
        if (item.get("note") or "").strip() or item.get("material") or item.get("field")
    ]
    if not filled:
        raise CorrectionItemsRequired()
    return filled


def _notice_lines(case: Case, items: list[dict[str, str]]) -> str:
    """Join the items for the notification, each note after the name of its material
    or the label of its form field, as the correction notice shows them."""
    materials, fields = _item_names(case)
    lines = []
    for item in items:
        material, field = item.get("material") or "", item.get("field") or ""
        name = materials.get(material, material) or fields.get(field, field)
        note = item.get("note") or ""
        lines.append(f"{name}: {note}" if name and note else name or note)
    return "; ".join(line for line in lines if line)


def _checked_items(case: Case, items: list[dict[str, str]]) -> list[dict[str, str]]:
    """Return the items with their notes trimmed, or raise for an unknown material or
    form field, or for a note longer than the rule for reasons allows.
    """
    materials, fields = _item_names(case)
    checked = []
    for item in items:
        material, field = item.get("material"), item.get("field")
        if material and material not in materials:
            raise UnknownMaterial(
                unknown=[material],
                matter_materials=case.matter_version.guide.materials,
            )
        if field and field not in fields:
            raise UnknownField(field=echoed(field))
        named = materials.get(material or "") or fields.get(field or "")
        note = clean_reason(
            item.get("note") or "",
            missing=None,
            too_long=CorrectionNoteTooLong,
            item=named or _("the general note"),
        )
        checked.append({**item, "note": note})
    return checked


def _check_corrections_answered(case: Case, application: Application) -> None:
    """Reject a resubmission that sends a material key the matter lacks, leaves a
    requested material out, leaves a requested form field as it was, or changes nothing.

    One error names every problem at once, the unknown keys and the outstanding
    materials and form fields, so the applicant can provide everything in one more
    trip (一次性告知). Its details give the outstanding keys: `materials`, `fields`, and
    both in notice order as `requested`.
    """
    if case.state != CaseState.CORRECTION_REQUESTED:
        return  # the transition reports the wrong state with its own message
    answered = {key for key, files in application.uploads.items() if files}
    answered |= set(application.certificates)
    if not answered and not application.form_data:
        raise ResubmissionEmpty(
            items=_requested_items(case), requested=_requested_keys(case)
        )

    names, labels = _item_names(case)
    materials = _materials_left_out(case, answered)
    fields = _fields_left_as_they_were(case, application)
    details = {
        "materials": materials,
        "fields": fields,
        "requested": [
            key for key in _requested_keys(case) if key in materials or key in fields
        ],
    }
    material_names = [names.get(key, key) for key in materials]
    field_labels = [labels.get(key, key) for key in fields]
    _check_resubmitted_keys(
        case, application, details, items=[*material_names, *field_labels]
    )
    if materials and fields:
        raise CorrectionsStillOutstanding(
            material_names=material_names, field_labels=field_labels, **details
        )
    if materials:
        raise CorrectionsOutstanding(material_names=material_names, **details)
    if fields:
        raise FieldsNotCorrected(field_labels=field_labels, **details)


def _check_resubmitted_keys(
    case: Case,
    application: Application,
    outstanding: dict[str, list[str]],
    *,
    items: list[str],
) -> None:
    """Raise UnknownMaterial for the uploads and certificates of a resubmission that
    name no material of the matter, with the `outstanding` items of the notice, named
    by `items`, when there are any."""
    materials = case.matter_version.guide.materials
    try:
        check_material_keys(
            [*application.uploads, *application.certificates], materials
        )
    except UnknownMaterial as error:
        if not items:
            raise
        raise UnknownMaterialCorrectionsOutstanding(
            unknown=error.details["unknown"],
            matter_materials=materials,
            items=listed(items),
            **outstanding,
        ) from None


def _materials_left_out(case: Case, answered: set[str]) -> list[str]:
    """Return the keys of the requested materials that the resubmission does not send."""
    keys = [
        item["material"]
        for item in case.correction_items
        if item.get("material") and item["material"] not in answered
    ]
    return list(dict.fromkeys(keys))


def _fields_left_as_they_were(case: Case, application: Application) -> list[str]:
    """Return the keys of the requested form fields that the resubmission does not
    change: left out, or sent with the value the case already has.
    """
    unchanged = []
    for item in case.correction_items:
        key = item.get("field")
        if not key:
            continue
        sent = application.form_data.get(key)
        if sent is None or str(sent).strip() == str(case.form_data.get(key, "")):
            unchanged.append(key)
    return list(dict.fromkeys(unchanged))


def _requested_keys(case: Case) -> list[str]:
    """Return the material and form field keys of the correction notice, in its order."""
    keys = [
        item.get("material") or item.get("field") or ""
        for item in case.correction_items
    ]
    return list(dict.fromkeys(key for key in keys if key))


def _requested_items(case: Case) -> list[str]:
    """Name each item of the case's correction notice for a message.

    A material is named by its name and a form field by its label. An item with
    neither is named by its note, quoted and cut to 40 characters.
    """
    materials, fields = _item_names(case)
    names: list[str] = []
    for item in case.correction_items:
        note = (item.get("note") or "").strip()
        if item.get("material"):
            names.append(materials.get(item["material"], item["material"]))
        elif item.get("field"):
            names.append(fields.get(item["field"], item["field"]))
        elif note:
            names.append(f"“{shown(note)}”")
    return list(dict.fromkeys(names))


def _item_names(case: Case) -> tuple[dict[str, str], dict[str, str]]:
    """Return the names of the case's materials and the labels of its form fields, by key."""
    guide = case.matter_version.guide
    materials = {m["key"]: m["name"] for m in guide.materials}
    fields = {f["key"]: f["label"] for f in guide.form_fields}
    return materials, fields
