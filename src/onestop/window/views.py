"""The comprehensive window's workbench (一窗受理): any matter of any department, one place."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onestop.cases import actions, queries, results
from onestop.cases.decisions import certificate_context, decision_from_post
from onestop.cases.errors import lacks_consent
from onestop.cases.form_errors import field_messages
from onestop.cases.intake import application_from_request
from onestop.cases.models import Case
from onestop.cases.presenters import case_detail, staff_case_summaries
from onestop.cases.receipts import RECEIPT_BANNER_TAG
from onestop.cases.recusal import own_case_error
from onestop.cases.uploads import upload_errors_by_material
from onestop.core.errors import Coded, InvalidInput, OneStopError, listed
from onestop.core.models import Centre, Role
from onestop.core.pages import handles_errors, posted_choice
from onestop.core.permissions import (
    CentreScope,
    RoleRequired,
    require_role,
    staff_roles,
)
from onestop.core.window_choice import preselect_window, remember_window
from onestop.core.window_matters import windows_for_matter
from onestop.core.windows import (
    active_windows,
    find_active_window,
    set_session_window,
)
from onestop.identity.actions import IdNumberTakenAtWindow, register_person_at_window
from onestop.identity.agency import verified_enterprises
from onestop.identity.codes import legacy_id_notice
from onestop.identity.field_errors import field_messages as posting_field_messages
from onestop.identity.lookup import find_enterprise, find_person_by_id_number
from onestop.portal.views import enterprise_to_prefill, prefill

WINDOW_ACTIONS = (
    "accept",
    "refuse",
    "correction",
    "deliver",
    "record_posting",
    "correct_posting",
    "approve",
)


class FilesNotSaved(InvalidInput):
    code = "upload.not_saved"
    message = gettext_lazy(
        "Files are stored only when the case is accepted, so nothing was done. Send the "
        "request again without the files chosen for %(materials)s."
    )


class MissingMarkedOnAccept(InvalidInput):
    code = "window.missing_marked_on_accept"
    message = gettext_lazy(
        "%(materials)s marked as missing, so the case was not accepted. Request a "
        "correction to ask for them, or clear the Missing marks if the materials are "
        "there."
    )


class NoteWithoutMissingMark(InvalidInput):
    code = "window.note_without_missing_mark"
    message = gettext_lazy(
        "%(materials)s: a note is typed, but Missing is not ticked, so the correction "
        "notice would leave the note out. Nothing was sent. Tick Missing for each of "
        "them, or clear the note."
    )


class NoteNotSent(InvalidInput):
    """Text in a note field of the case page that the chosen action does not send.

    `field` is the field's name (`reason` or `note`) and `action` the button's value.
    """

    code = "window.note_not_sent"
    message = gettext_lazy(
        "%(field)s is filled in, but %(action)s does not send it, so nothing was done. "
        "Use the button that sends it, or clear the field."
    )


# The free-text fields of the case page's check form: the label that the page and
# NoteNotSent show, and the one action that sends the field's text.
NOTE_FIELDS = {
    "reason": (gettext_lazy("Reason for not accepting"), "refuse"),
    "note": (gettext_lazy("General note of the correction notice"), "correction"),
}
ACTION_LABELS = {
    "accept": gettext_lazy("Accept"),
    "refuse": gettext_lazy("Do not accept"),
    "correction": gettext_lazy("Request corrections (one notice)"),
}


def clerk_centre(user: Any) -> Centre:
    """Return the centre where the user is a clerk, or raise a permission error."""
    for membership in staff_roles(user):
        if membership.role == Role.CLERK and membership.centre is not None:
            return membership.centre
    raise RoleRequired(role=Role.CLERK, centre=CentreScope.ANY)


@login_required
@handles_errors
def workbench(request: HttpRequest) -> HttpResponse:
    """Show the queue and the matters. A POST chooses the clerk's window, which pages
    preselect until the clerk chooses another one."""
    centre = clerk_centre(request.user)
    error: OneStopError | None = None
    if request.method == "POST":
        try:
            chosen = find_active_window(centre, request.POST.get("window", ""))
        except OneStopError as caught:
            error = caught
        else:
            remember_window(request, centre, chosen)
            return redirect("window:workbench")
    text = request.GET.get("q", "")[:100]
    preselection = preselect_window(request, centre)
    return render(
        request,
        "window/workbench.html",
        {
            "centre": centre,
            "error": error,
            "windows": active_windows(centre),
            "chosen_window": preselection.code,
            "window_notice": preselection.notice,
            "queue": staff_case_summaries(
                request.user, queries.window_queue(request.user, centre)[:100]
            ),
            "matters": queries.open_matters(centre, text).filter(guide_only=False)[
                :100
            ],
            "q": text,
        },
        status=error.status if error else 200,
    )


@login_required
@handles_errors
def new_case(request: HttpRequest, matter_id: str) -> HttpResponse:
    """Identify the applicant, fill the form, tick the checklist and accept in one action."""
    centre = clerk_centre(request.user)
    matter = queries.get_matter(centre, matter_id)
    guide = matter.current_version.guide
    # The ID number travels only in POST bodies, never in a URL that logs and history keep.
    id_number = request.POST.get("id_number", "")
    accepting = request.POST.get("step") == "accept"
    person = None
    error: OneStopError | None = None
    values: dict[str, Any] = {}
    enterprises: list[Any] = []
    applying_for = None
    try:
        if id_number:
            person = find_person_by_id_number(id_number)
            enterprises = list(verified_enterprises(person))
            applying_for = enterprise_to_prefill(guide, enterprises, "")
            values = prefill(guide, person, applying_for)
        if accepting and person is not None:
            values = {
                k.removeprefix("field."): v
                for k, v in request.POST.items()
                if k.startswith("field.")
            }
            case = actions.create_window_case(
                actor=request.user,
                matter=matter,
                person=person,
                application=application_from_request(
                    request.POST, request.FILES, takes_checklist=True
                ),
                enterprise=find_enterprise(request.POST.get("enterprise", "")),
                window=request.POST.get("window", ""),
                idempotency_key=request.POST.get("idempotency_key") or None,
            )
            set_session_window(request, case.window_record)
            messages.success(
                request,
                _("Accepted. Case number %(number)s, promised date %(date)s.")
                % {"number": case.number, "date": case.promised_due or "—"},
            )
            return redirect("window:case", case.number)
    except OneStopError as caught:
        error = caught
    preselection = preselect_window(request, centre, matter)
    return render(
        request,
        "window/new_case.html",
        {
            "matter": matter,
            "guide": guide,
            "windows": windows_for_matter(centre, matter),
            "chosen_window": request.POST.get("window", None)
            if error
            else preselection.code,
            "window_notice": None if error else preselection.notice,
            "person": person,
            "id_number": id_number,
            "values": values,
            "error": error,
            "field_errors": field_messages(error),
            "upload_errors": upload_errors_by_material(error),
            "consent_missing": lacks_consent(error),
            "posted": request.POST if error else {},
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
            "enterprises": enterprises,
            "applying_for": request.POST.get(
                "enterprise", getattr(applying_for, "uscc", "")
            ),
            "offers": results.certificate_offers(matter, person, enterprises),
        },
        status=error.status if error else 200,
    )


@login_required
@handles_errors
def case(request: HttpRequest, number: str) -> HttpResponse:
    found = queries.get_case_for(request.user, number)
    require_role(
        request.user,
        [Role.CLERK, Role.SUPERVISOR, Role.CENTRE_ADMIN],
        centre=found.centre,
    )
    error: OneStopError | None = None
    if request.method == "POST":
        try:
            _window_action(request, found)
        except OneStopError as caught:
            error = caught
        else:
            return redirect("window:case", found.number)
    preselection = preselect_window(request, found.centre, found.matter)
    return render(
        request,
        "window/case.html",
        {
            "case": found,
            "detail": case_detail(found, viewer=request.user),
            "guide": found.matter_version.guide,
            "error": error,
            "upload_errors": upload_errors_by_material(error),
            "posting_errors": posting_field_messages(error) if error else {},
            "posted": request.POST if error else {},
            "own_case": own_case_error(request.user, found),
            "windows": windows_for_matter(found.centre, found.matter),
            "chosen_window": request.POST.get("window", None)
            if error
            else preselection.code,
            "window_notice": None if error else preselection.notice,
            **certificate_context(found),
        },
        status=error.status if error else 200,
    )


def _window_action(request: HttpRequest, found: Case) -> None:
    action = posted_choice(request, "action", WINDOW_ACTIONS)
    _reject_unsent_notes(request, action)
    if action != "accept":
        _reject_files_outside_acceptance(request, found)
    if action == "accept":
        _reject_missing_marks(request, found)
        application = application_from_request(
            request.POST, request.FILES, takes_checklist=True
        )
        accepted = actions.accept_case(
            actor=request.user,
            case=found,
            checklist=application.checklist,
            window=request.POST.get("window", ""),
            application=application,
        )
        set_session_window(request, accepted.window_record)
        messages.success(
            request,
            _("Accepted; the receipt is being prepared."),
            extra_tags=RECEIPT_BANNER_TAG,
        )
    elif action == "refuse":
        actions.refuse_case(
            actor=request.user, case=found, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Not accepted; the applicant is notified."))
    elif action == "correction":
        actions.request_correction(
            actor=request.user, case=found, items=correction_items(request, found)
        )
        messages.success(request, _("Correction notice sent, listing every item."))
    elif action == "deliver":
        actions.deliver_result(actor=request.user, case=found)
        messages.success(request, _("Result handed over; the case is closed."))
    elif action == "record_posting":
        actions.record_posting(
            actor=request.user, case=found, posting=_posting_from_post(request)
        )
        messages.success(request, _("Posting recorded; the applicant sees it."))
    elif action == "correct_posting":
        actions.correct_posting(
            actor=request.user,
            case=found,
            posting=_posting_from_post(request),
            reason=request.POST.get("reason", ""),
        )
        messages.success(
            request, _("Posting corrected; the applicant sees the new values.")
        )
    else:
        actions.approve_case(
            actor=request.user,
            case=found,
            opinion=request.POST.get("opinion", ""),
            result=decision_from_post(request),
        )
        messages.success(request, _("Decided on the spot."))


def _posting_from_post(request: HttpRequest) -> actions.Posting:
    return actions.Posting(
        posted_on=request.POST.get("posted_on", ""),
        carrier=request.POST.get("carrier", ""),
        tracking_number=request.POST.get("tracking_number", ""),
    )


def _reject_unsent_notes(request: HttpRequest, action: str) -> None:
    """Raise NoteNotSent for a note field with text that `action` would drop.

    The reason goes only with "Do not accept" and the general note only with a
    correction request, so typed text is never dropped without a word.
    """
    if action not in ACTION_LABELS:
        return
    for name, (label, sending_action) in NOTE_FIELDS.items():
        if action != sending_action and request.POST.get(name, "").strip():
            raise NoteNotSent(
                field=Coded(name, label), action=Coded(action, ACTION_LABELS[action])
            )


def _reject_missing_marks(request: HttpRequest, found: Case) -> None:
    """Raise MissingMarkedOnAccept when the clerk accepts with materials marked missing.

    The marks belong to a correction request, so accepting would drop them unsaved.
    """
    keys = [
        key.removeprefix("missing.")
        for key in request.POST
        if key.startswith("missing.")
    ]
    if not keys:
        return
    names = {m["key"]: m["name"] for m in found.matter_version.guide.materials}
    raise MissingMarkedOnAccept(materials=listed(names.get(key, key) for key in keys))


def _reject_files_outside_acceptance(request: HttpRequest, found: Case) -> None:
    """Raise FilesNotSaved when files come with an action that does not store them.

    The checklist form offers a file for each material and submits the same fields for
    accepting, refusing and requesting corrections, but only accepting stores files.
    """
    keys = [
        name.removeprefix("material.")
        for name in request.FILES
        if name.startswith("material.")
        and any(f.name for f in request.FILES.getlist(name))
    ]
    if not keys:
        return
    names = {m["key"]: m["name"] for m in found.matter_version.guide.materials}
    raise FilesNotSaved(materials=listed(names.get(key, key) for key in keys))


def correction_items(request: HttpRequest, found: Case) -> list[dict[str, str]]:
    """Collect the ticked materials with their notes, and the general note, from the form.

    A material's note is sent only with its Missing mark, so a note typed without the
    mark raises NoteWithoutMissingMark rather than being dropped unseen.
    """
    unmarked = [
        key.removeprefix("note.")
        for key, value in request.POST.items()
        if key.startswith("note.")
        and value.strip()
        and f"missing.{key.removeprefix('note.')}" not in request.POST
    ]
    if unmarked:
        names = {m["key"]: m["name"] for m in found.matter_version.guide.materials}
        raise NoteWithoutMissingMark(
            materials=listed(names.get(key, key) for key in unmarked),
            material_keys=unmarked,
        )
    items = [
        {
            "material": key.removeprefix("missing."),
            "note": request.POST.get(f"note.{key.removeprefix('missing.')}", ""),
        }
        for key in request.POST
        if key.startswith("missing.")
    ]
    general = request.POST.get("note", "").strip()
    if general:
        items.append({"material": "", "note": general})
    return items


@login_required
@handles_errors
def register_applicant(request: HttpRequest) -> HttpResponse:
    """Register a walk-in applicant, then offer to return to the new-case page of a matter."""
    centre = clerk_centre(request.user)
    matter_id = request.GET.get("matter", "")
    matter = queries.get_matter(centre, matter_id) if matter_id else None
    values = {
        name: request.POST.get(name, "")
        for name in ("id_number", "name", "phone", "address")
    }
    person = None
    error: OneStopError | None = None
    if request.method == "POST" and request.POST.get("step") == "register":
        try:
            person = register_person_at_window(actor=request.user, **values)
        except OneStopError as caught:
            error = caught
    context = {
        "matter": matter,
        "values": values,
        "person": person,
        "error": error,
        "notice": legacy_id_notice(values["id_number"]) if person else "",
        "form_id": new_form_id(),
        # The applicant already has an account: the page offers the next steps for it.
        "registered_id_number": (
            error.id_number if isinstance(error, IdNumberTakenAtWindow) else ""
        ),
    }
    return render(
        request,
        "window/register.html",
        context,
        status=error.status if error else 200,
    )


def new_form_id() -> str:
    """Return the id of a new password reset form, which sends it back as form_id, so
    that the reset page can tell a form sent again by a reload."""
    return secrets.token_hex(8)
