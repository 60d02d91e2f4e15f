"""Pages for applicants (一网通办): find a matter, read its guide, apply, track, correct, rate."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from onestop.cases import actions, queries, results
from onestop.cases.errors import lacks_consent, reports_recent_application
from onestop.cases.form_errors import field_messages
from onestop.cases.models import CaseState, Channel, HeldUpload
from onestop.cases.presenters import case_detail
from onestop.cases.uploads import upload_errors_by_material
from onestop.catalog.models import MatterGuide
from onestop.catalog.queries import get_centre, list_centres
from onestop.certificates.downloads import certificate_pdf_response
from onestop.certificates.queries import (
    certificates_of_case,
    certificates_of_person,
    get_certificate_for,
)
from onestop.core.errors import OneStopError
from onestop.core.models import Notification
from onestop.core.notifications import notifications_of, render_notification
from onestop.core.pages import handles_errors, posted_choice
from onestop.identity.agency import verified_enterprises
from onestop.identity.lookup import find_enterprise
from onestop.identity.models import Person
from onestop.portal.form_files import FormFiles, held_query, held_scope, shown_on_page
from onestop.ratings.actions import rate_or_change_online
from onestop.ratings.models import Level, RatingChannel
from onestop.ratings.views import posted_level

CASE_ACTIONS = ("resubmit", "rate", "collect", "withdraw")


def centres(request: HttpRequest) -> HttpResponse:
    available = list_centres()
    if len(available) == 1:
        return redirect("portal:matters", available[0].slug)
    return render(request, "core/home.html", {"centres": available})


@handles_errors
def matters(request: HttpRequest, slug: str) -> HttpResponse:
    centre = get_centre(slug)
    text = request.GET.get("q", "")[:100]
    found = queries.open_matters(centre, text)
    return render(
        request,
        "portal/matters.html",
        {"centre": centre, "matters": found[:300], "q": text, "count": found.count()},
    )


@handles_errors
def guide(request: HttpRequest, slug: str, matter_id: str) -> HttpResponse:
    matter = queries.get_matter(get_centre(slug), matter_id)
    return render(
        request,
        "portal/guide.html",
        {
            "matter": matter,
            "guide": matter.current_version.guide,
            "centre": matter.centre,
        },
    )


@login_required
@handles_errors
def apply(request: HttpRequest, slug: str, matter_id: str) -> HttpResponse:
    matter = queries.get_matter(get_centre(slug), matter_id)
    person = Person.objects.filter(user=request.user).first()
    guide = matter.current_version.guide
    enterprises = list(verified_enterprises(person)) if person else []
    applying_for = enterprise_to_prefill(
        guide, enterprises, request.GET.get("enterprise", "")
    )
    values = (
        prefill(guide, person, applying_for)
        if request.method != "POST"
        else _posted_fields(request)
    )
    error: OneStopError | None = None
    recent = (
        queries.recent_open_application(person, matter, applying_for)
        if request.method != "POST"
        else None
    )
    scope = held_scope(request, matter)
    if request.method != "POST":
        held, error = shown_on_page(scope, request)
    else:
        files = FormFiles.read(request, scope, guide.materials)
        try:
            enterprise = _chosen_enterprise(person, request.POST.get("enterprise", ""))
            recent = queries.recent_open_application(person, matter, enterprise)
            application = files.application(request)
            if _repeats(request, recent):
                with actions.reporting_recent_application(recent):
                    actions.check_new_application(
                        matter, person, enterprise, application
                    )
            case = actions.submit_online_case(
                actor=request.user,
                matter=matter,
                application=application,
                enterprise=enterprise,
                idempotency_key=request.POST.get("idempotency_key") or None,
                channel=Channel.KIOSK
                if getattr(request, "kiosk", False)
                else Channel.ONLINE,
            ).case
        except OneStopError as caught:
            error = caught
            files.failed()
            held = files.shown
        else:
            files.succeeded()
            messages.success(
                request,
                _("Submitted. Your case number is %(number)s.")
                % {"number": case.number},
            )
            return redirect(_surface(request, "case"), case.number)
    return render(
        request,
        "portal/apply.html",
        {
            "matter": matter,
            "guide": guide,
            "values": values,
            "error": error,
            "field_errors": field_messages(error),
            "missing_materials": (
                error.details.get("material_keys", []) if error else []
            ),
            "upload_errors": upload_errors_by_material(error),
            "consent_missing": lacks_consent(error),
            "posted": request.POST,
            "problems": _problems(guide, error),
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
            "person": person,
            "enterprises": enterprises,
            "applying_for": (
                request.POST.get("enterprise", "")
                if request.method == "POST"
                else getattr(applying_for, "uscc", "")
            ),
            "offers": results.certificate_offers(matter, person, enterprises),
            "recent": recent,
            **_held_context(request, held),
        },
        status=error.status if error else 200,
    )


def _held_context(
    request: HttpRequest, held: dict[str, list[HeldUpload]]
) -> dict[str, Any]:
    """Return the template values of a form's held uploads.

    The language switch opens the page again with the held uploads' tokens in the
    query string, because the form's hidden inputs do not go with it.
    """
    query = held_query(request, held)
    return {
        "held_uploads": held,
        "language_next": f"{request.path}?{query}" if query else "",
    }


def _problems(guide: MatterGuide, error: OneStopError | None) -> list[dict[str, str]]:
    """Return the fields and materials that an error marks, in the form's order, each
    with its label and the id of its input, for the summary above the form."""
    if error is None:
        return []
    fields = error.details.get("fields", {})
    materials = set(upload_errors_by_material(error)) | set(
        error.details.get("material_keys", [])
    )
    problems = [
        {"label": field["label"], "target": f"field-{field['key']}"}
        for field in guide.form_fields
        if field["key"] in fields
    ]
    problems += [
        {"label": material["name"], "target": f"material-{material['key']}"}
        for material in guide.materials
        if material["key"] in materials
    ]
    if lacks_consent(error):
        problems.append(
            {"label": _("Consent to use certificates"), "target": "certificate-consent"}
        )
    if reports_recent_application(error):
        problems.append(
            {"label": _("Submit a second application"), "target": "repeat-choice"}
        )
    return problems


def _repeats(request: HttpRequest, recent: Any) -> bool:
    """Tell whether the request is a second application of the matter while `recent`
    is open. It is not when the applicant ticked "repeat", or when it is the same form
    sent again, because its idempotency key gives the first case back."""
    if recent is None or request.POST.get("repeat") == "on":
        return False
    return not (
        recent.idempotency_key
        and recent.idempotency_key == request.POST.get("idempotency_key")
    )


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    return render(
        request, "portal/my_cases.html", {"cases": queries.my_cases(request.user)[:100]}
    )


@login_required
@handles_errors
def case(request: HttpRequest, number: str) -> HttpResponse:
    found = queries.get_case_for(request.user, number)
    scope = held_scope(request, found.matter, found)
    if request.method != "POST":
        held, error = shown_on_page(scope, request)
    else:
        files = FormFiles.read(request, scope, found.matter_version.guide.materials)
        try:
            _case_action(request, found, files)
        except OneStopError as caught:
            error = caught
            files.failed()
            held = files.shown
        else:
            files.succeeded()
            return redirect(_surface(request, "case"), found.number)
    return render(
        request,
        "portal/case.html",
        {
            "case": found,
            "detail": case_detail(found, viewer=request.user),
            "certificates": certificates_of_case(
                found, Person.objects.filter(user=request.user).first()
            ),
            "guide": found.matter_version.guide,
            "error": error,
            "levels": Level.choices,
            "rated": found.ratings.exists(),
            "can_rate": found.state in (CaseState.RESULT_ISSUED, CaseState.CLOSED),
            "values": _posted_fields(request),
            "field_errors": field_messages(error),
            "upload_errors": upload_errors_by_material(error),
            **_held_context(request, held),
        },
        status=error.status if error else 200,
    )


def _case_action(request: HttpRequest, found: Any, files: FormFiles) -> None:
    action = posted_choice(request, "action", CASE_ACTIONS)
    if action == "resubmit":
        actions.resubmit_case(
            actor=request.user, case=found, application=files.application(request)
        )
        messages.success(request, _("Corrections submitted."))
    elif action == "rate":
        rate_or_change_online(
            actor=request.user,
            case=found,
            level=posted_level(request),
            comment=request.POST.get("comment", ""),
            tags=request.POST.getlist("tags"),
            channel=RatingChannel.KIOSK
            if getattr(request, "kiosk", False)
            else RatingChannel.ONLINE,
            changing=bool(request.POST.get("changes")),
        )
        messages.success(request, _("Thank you for your rating."))
    elif action == "collect":
        actions.deliver_result(actor=request.user, case=found)
        messages.success(request, _("The result is marked as received."))
    else:
        actions.withdraw_case(
            actor=request.user, case=found, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("The application was withdrawn."))


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    shown = [
        (notification, *render_notification(notification))
        for notification in notifications_of(request.user)
    ]
    unread = [n.pk for n, _subject, _body in shown if n.read_at is None]
    page = render(
        request, "portal/notifications.html", {"notifications": shown, "unread": unread}
    )
    Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
    return page


def _chosen_enterprise(person: Person | None, uscc: str) -> Any:
    """Return the enterprise the person applies for, or None when applying for themself."""
    if person is None or not uscc:
        return None
    return find_enterprise(uscc)


def _surface(request: HttpRequest, name: str) -> str:
    """Return the URL name on the surface the request came from: the portal or a kiosk."""
    return f"kiosk:{name}" if getattr(request, "kiosk", False) else f"portal:{name}"


def prefill(
    guide: MatterGuide, person: Person | None, enterprise: Any = None
) -> dict[str, str]:
    """Return the profile's values for the form fields that ask for them (一号申请).

    Only a field marked `applicant_id` gets the profile's ID number, because other ID
    number fields, such as a spouse's or a child's, ask for someone else's. A field
    marked `applicant_name` gets the registered name. Applying for `enterprise`, the
    fields marked `enterprise_uscc`, `enterprise_name` and
    `enterprise_legal_representative` get its code, name and legal representative.
    """
    if person is None:
        return {}
    by_type = {"phone": person.phone, "address": person.address}
    by_mark = {
        "applicant_id": person.id_number,
        "applicant_name": person.name,
        "enterprise_uscc": enterprise.uscc if enterprise is not None else "",
        "enterprise_name": enterprise.name if enterprise is not None else "",
        "enterprise_legal_representative": (
            enterprise.legal_representative if enterprise is not None else ""
        ),
    }
    values = {}
    for field in guide.form_fields:
        key, kind = field["key"], field.get("type", "text")
        marks = [mark for mark in by_mark if field.get(mark)]
        if marks:
            if by_mark[marks[0]]:
                values[key] = by_mark[marks[0]]
        elif kind in by_type:
            values[key] = by_type[kind]
        elif key in ("name", "applicant_name", "operator_name", "holder_name"):
            values[key] = person.name
        elif key in ("phone", "contact_phone", "mobile"):
            values[key] = person.phone
        elif key in ("address", "residence_address", "contact_address"):
            values[key] = person.address
    return values


def enterprise_to_prefill(
    guide: MatterGuide, enterprises: list[Any], chosen: str
) -> Any:
    """Return the enterprise whose data the form starts with, or None.

    That is the one chosen in the query string (?enterprise=USCC) among the applicant's
    own enterprises, or their only enterprise when the matter serves enterprises alone.
    """
    for enterprise in enterprises:
        if enterprise.uscc == chosen:
            return enterprise
    if len(enterprises) == 1 and guide.service_objects == ["enterprise"]:
        return enterprises[0]
    return None


def _posted_fields(request: HttpRequest) -> dict[str, str]:
    return {
        name.removeprefix("field."): request.POST.get(name, "")
        for name in request.POST
        if name.startswith("field.")
    }


@login_required
def my_certificates(request: HttpRequest) -> HttpResponse:
    """List the person's certificates and their enterprises', with every use of them.

    A use shows who used the certificate, when, and for which case.
    """
    person = Person.objects.filter(user=request.user).first()
    return render(
        request,
        "portal/certificates.html",
        {"certificates": certificates_of_person(person)[:200] if person else []},
    )


@login_required
@handles_errors
def certificate_pdf(request: HttpRequest, identifier: str) -> HttpResponse:
    """Serve the certificate to its holder as a PDF with its verification QR code."""
    return certificate_pdf_response(get_certificate_for(request.user, identifier))
