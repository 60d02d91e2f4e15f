"""Pages of ratings: the rating screen and short link, visits, rectifications, statistics."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from onestop.cases.queries import get_case_for
from onestop.core.errors import OneStopError
from onestop.core.models import Centre, Role
from onestop.core.pages import handles_errors, posted_choice
from onestop.core.permissions import RoleRequired, find_role
from onestop.core.window_choice import preselect_window
from onestop.core.windows import active_windows, set_session_window
from onestop.identity.codes import mask_name, mask_phone
from onestop.ratings import queries, rectifications
from onestop.ratings.actions import (
    change_rating,
    check_rating_pad,
    issue_rating_link,
    link_rater_error,
    rate_by_link,
    record_visit,
)
from onestop.ratings.api import link_path
from onestop.ratings.errors import LevelNotChosen, PadRequired
from onestop.ratings.models import (
    AppealKind,
    Level,
    Rating,
    RatingChannel,
    RatingLink,
    RectificationStatus,
    tags_for_channel,
)
from onestop.ratings.presenters import qr_code_svg, rectification_dict
from onestop.ratings.stats import (
    DIMENSIONS,
    FILTER_ERRORS,
    FILTER_NAMES,
    PUBLIC_DIMENSIONS,
    Period,
    build_report,
    check_channel,
    check_dimension,
    column_titles,
    export_xlsx,
    figures_row,
    filter_rows,
    narrow_to_centre,
    ratings_of,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECTIFICATION_ACTIONS = ("callback", "close", "appeal", "decide")


def posted_level(request: HttpRequest) -> int:
    """Return the posted level, or 0 (rejected as invalid) when it is not a number.

    Raise LevelNotChosen when the form has no level, as when no level was selected.
    """
    level = request.POST.get("level", "")
    if not level:
        raise LevelNotChosen()
    return int(level) if level.isdigit() else 0


def posted_rating(request: HttpRequest) -> dict[str, Any]:
    """Return the level, tags and comment of a posted rating form."""
    return {
        "level": posted_level(request),
        "tags": request.POST.getlist("tags"),
        "comment": request.POST.get("comment", ""),
    }


def tag_choices(channel: str) -> list[tuple[str, str]]:
    return [(tag.value, str(tag.label)) for tag in tags_for_channel(channel)]


# --- the screen at the window and the short link -----------------------------------------


@handles_errors
def screen(request: HttpRequest, token: str) -> HttpResponse:
    """Show the large-button rating page of the tablet turned to the applicant."""
    return _rating_page(request, token)


@handles_errors
def short_link(request: HttpRequest, code: str) -> HttpResponse:
    """Show the rating page of a short link from an SMS or a QR code."""
    return _rating_page(request, code)


def _rating_page(request: HttpRequest, token: str) -> HttpResponse:
    link = queries.get_rating_link(token)
    pad = queries.get_request_pad(request)
    rating = _rating_of_link(link)
    rated_elsewhere = _rating_elsewhere(link) if rating is None else None
    # The page shows why a user may not rate through the link, and hides the case, its
    # rating and the form from them.
    error: OneStopError | None = link_rater_error(request.user, link)
    rejected = error is not None
    try:
        # A screen link of a window with a pad shows its form on that pad only.
        check_rating_pad(link, pad)
    except PadRequired as caught:
        error = error or caught
    if request.method == "POST" and error is None:
        try:
            if rating is None:
                rate_by_link(
                    actor=request.user, token=token, pad=pad, **posted_rating(request)
                )
            else:
                change_rating(
                    actor=request.user,
                    rating=rating,
                    token=token,
                    pad=pad,
                    **posted_rating(request),
                )
        except OneStopError as caught:
            error = caught
        else:
            return redirect(request.path + "?done=1")
    return render(
        request,
        "ratings/rate.html",
        {
            "link": link,
            "rating": None if rejected else rating,
            "rated_elsewhere": None if rejected else rated_elsewhere,
            "rejected": rejected,
            "pad_required": isinstance(error, PadRequired),
            "done": request.GET.get("done") == "1" and rating is not None,
            "error": error,
            "levels": Level.choices,
            "tags": tag_choices(link.channel),
            "is_screen": link.channel == RatingChannel.WINDOW_SCREEN,
            "subject": None if rejected else _subject(link),
        },
        status=error.status if error else 200,
    )


def _subject(link: RatingLink) -> Any:
    return link.visit.case if link.visit is not None else link.case


def _rating_of_link(link: RatingLink) -> Rating | None:
    ratings = Rating.objects.for_centre(link.centre)
    if link.visit_id:
        return ratings.filter(visit_id=link.visit_id).first()
    return ratings.filter(
        case_id=link.case_id, channel=link.channel, visit__isnull=True
    ).first()


def _rating_elsewhere(link: RatingLink) -> Rating | None:
    """Return the rating of the link's case made through another channel, or None.

    Called when the link's own channel has no rating. The link cannot change a rating
    made elsewhere, and a case is rated once whichever the channel.
    """
    if link.visit_id or link.case is None:
        return None
    return queries.get_case_rating(link.case)


# --- visits at the window ----------------------------------------------------------------


@login_required
@handles_errors
def new_visit(request: HttpRequest) -> HttpResponse:
    """Record a visit and open the rating screen and QR code for it."""
    centre = queries.clerk_centre(request.user)
    error: OneStopError | None = None
    if request.method == "POST":
        try:
            visit = _record_posted_visit(request, centre)
        except OneStopError as caught:
            error = caught
        else:
            return redirect("ratings:visit", visit.pk)
    preselection = preselect_window(request, centre)
    return render(
        request,
        "ratings/new_visit.html",
        {
            "centre": centre,
            "error": error,
            "values": request.POST,
            "windows": active_windows(centre),
            "chosen_window": request.POST.get("window") or preselection.code,
            "window_notice": None if error else preselection.notice,
            "padded_windows": queries.padded_windows(centre),
            "pads_required": queries.get_policy(centre).pads_required,
        },
        status=error.status if error else 200,
    )


def _record_posted_visit(request: HttpRequest, centre: Centre) -> Any:
    case, person = queries.find_visitor(
        request.user, request.POST.get("case", ""), request.POST.get("id_number", "")
    )
    visit = record_visit(
        actor=request.user,
        centre=centre,
        person=person,
        window=request.POST.get("window", ""),
        case=case,
    )
    set_session_window(request, visit.window_record)
    issue_rating_link(
        actor=request.user, channel=RatingChannel.WINDOW_SCREEN, visit=visit
    )
    issue_rating_link(actor=request.user, channel=RatingChannel.QR_CODE, visit=visit)
    return visit


@login_required
@handles_errors
def visit(request: HttpRequest, visit_id: int) -> HttpResponse:
    """Show a visit's rating screen link and QR code, and send the SMS link on request.

    When the visit's window has a rating pad, the links are shown only on the pad, so
    the clerk cannot open them. A centre whose policy rates visits on pads only never
    shows them here, even when the window's pad was revoked after the visit.
    """
    found = queries.get_visit_for(request.user, visit_id)
    # Without the pads-only policy, a visit recorded at a window without a pad, or at
    # no window, shows its links here.
    pad = queries.get_window_pad(found.centre, found.window_record_id)
    pads_required = queries.get_policy(found.centre).pads_required
    if request.method == "POST" and request.POST.get("action") == "sms":
        issue_rating_link(actor=request.user, channel=RatingChannel.SMS, visit=found)
        messages.success(request, _("The rating link was sent to the applicant."))
        return redirect("ratings:visit", found.pk)
    links = (
        []
        if pad is not None or pads_required
        else list(found.links.order_by("-created_at"))
    )
    return render(
        request,
        "ratings/visit.html",
        {
            "visit": found,
            "rating": found.ratings.first(),
            "pad": pad,
            "pads_required": pads_required,
            "links": [_link_view(request, link) for link in links],
        },
    )


def _link_view(request: HttpRequest, link: RatingLink) -> dict[str, Any]:
    url = request.build_absolute_uri(link_path(link))
    qr = None
    if link.channel == RatingChannel.QR_CODE:
        qr = qr_code_svg(url)
    return {"link": link, "url": url, "path": link_path(link), "qr_svg": qr}


# --- the applicant's rating of a fix -----------------------------------------------------


@login_required
@handles_errors
def rate_fix(request: HttpRequest, number: str) -> HttpResponse:
    """Record the applicant's rating of how their bad rating was resolved."""
    case = get_case_for(request.user, number, audit=False)
    if request.method == "POST":
        found = queries.get_fix_rectification_for(request.user, case)
        rectifications.rate_fix(
            actor=request.user, rectification=found, level=posted_level(request)
        )
        messages.success(
            request, _("Thank you for rating how your feedback was handled.")
        )
    return redirect("portal:case", case.number)


# --- rectifications ----------------------------------------------------------------------


@login_required
@handles_errors
def rectification_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", RectificationStatus.OPEN)
    rows = queries.visible_rectifications(request.user).order_by("due_date", "pk")
    if status in RectificationStatus.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "ratings/rectifications.html",
        {
            "rows": [rectification_dict(row) for row in rows[:500]],
            "status": status,
            "statuses": RectificationStatus.choices,
            "today": timezone.localdate().isoformat(),
        },
    )


@login_required
@handles_errors
def rectification(request: HttpRequest, rectification_id: int) -> HttpResponse:
    found = queries.get_rectification_for(request.user, rectification_id)
    error: OneStopError | None = None
    contact = None
    if request.method == "POST" and request.POST.get("action") == "show_contact":
        try:
            contact = rectifications.reveal_contact(
                actor=request.user, rectification=found
            )
        except OneStopError as caught:
            error = caught
    elif request.method == "POST":
        try:
            _rectification_action(request, found)
        except OneStopError as caught:
            error = caught
        else:
            return redirect("ratings:rectification", found.pk)
    person = found.rating.person
    return render(
        request,
        "ratings/rectification.html",
        {
            "r": rectification_dict(found),
            "appeal_deadline": found.appeal_deadline,
            "callback_at": found.callback_at,
            "error": error,
            "appeal_kinds": AppealKind.choices,
            "can_work": rectifications.can_work(request.user, found),
            "can_decide": find_role(
                request.user, rectifications.APPEAL_DECIDERS, centre=found.centre
            )
            is not None,
            "values": request.POST,
            "contact": contact,
            "masked_name": mask_name(person.name),
            "masked_phone": mask_phone(person.phone),
        },
        status=error.status if error else 200,
    )


def _rectification_action(request: HttpRequest, found: Any) -> None:
    action = posted_choice(request, "action", RECTIFICATION_ACTIONS)
    actor = request.user
    if action == "callback":
        rectifications.record_callback(
            actor=actor, rectification=found, note=request.POST.get("note", "")
        )
    elif action == "close":
        rectifications.close_rectification(
            actor=actor,
            rectification=found,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", ""),
            rectify_by=_posted_date(request, "rectify_by"),
        )
    elif action == "appeal":
        rectifications.appeal_rating(
            actor=actor,
            rectification=found,
            kind=request.POST.get("kind", ""),
            reason=request.POST.get("reason", ""),
        )
    else:
        rectifications.decide_appeal(
            actor=actor,
            rectification=found,
            upheld=posted_choice(request, "upheld", ("yes", "no")) == "yes",
            note=request.POST.get("note", ""),
        )
    messages.success(request, _("Saved."))


def _posted_date(request: HttpRequest, name: str) -> dt.date | None:
    return Period.parse(request.POST.get(name, "")).start


# --- statistics --------------------------------------------------------------------------


def _statistics_of(request: HttpRequest) -> dict[str, Any]:
    centres = queries.statistics_centres(request.user)
    if not centres.exists():
        raise RoleRequired(role=Role.SUPERVISOR, centre="")
    chosen = request.GET.get("centre", "")
    centres = narrow_to_centre(centres, chosen)
    dimension = check_dimension(request.GET.get("dimension", "department"))
    start, end = request.GET.get("start", ""), request.GET.get("end", "")
    channel = check_channel(request.GET.get("channel", ""))
    ratings = ratings_of(centres, Period.parse(start, end), channel=channel)
    return {
        "report": build_report(ratings, dimension),
        "filters": {
            "dimension": dimension,
            "start": start,
            "end": end,
            "channel": channel,
            "centre": chosen,
        },
        "centres": queries.statistics_centres(request.user),
    }


@login_required
@handles_errors
def statistics(request: HttpRequest) -> HttpResponse:
    """Show the supervisor's rating statistics, with filters and a chart."""
    try:
        context = _statistics_of(request)
    except FILTER_ERRORS as error:
        return _statistics_filter_error(request, error)
    report = context["report"]
    chart = {
        "labels": [row.label for row in report.rows],
        "good_rate": [_number(row.good_rate) for row in report.rows],
        "bad_rate": [_number(row.bad_rate) for row in report.rows],
        "names": [_("good rate (%)"), _("bad rate (%)")],
    }
    return render(
        request,
        "ratings/stats.html",
        {
            **context,
            **_filter_options(),
            "titles": column_titles(report.dimension),
            "table": [figures_row(row) for row in [*report.rows, report.total]],
            "chart": chart,
            "query": request.GET.urlencode(),
        },
    )


def _statistics_filter_error(request: HttpRequest, error: OneStopError) -> HttpResponse:
    """Show the filter form with the error and the values sent, and no figures, so
    that unfiltered figures never show as if they were filtered."""
    return render(
        request,
        "ratings/stats.html",
        {
            "filter_error": error,
            "filters": {name: request.GET.get(name, "") for name in FILTER_NAMES},
            "centres": queries.statistics_centres(request.user),
            **_filter_options(),
        },
        status=error.status,
    )


def _filter_options() -> dict[str, Any]:
    """Return the choices of the statistics page's dimension and channel filters."""
    return {
        "dimensions": [(key, str(label)) for key, label in DIMENSIONS.items()],
        "channels": RatingChannel.choices,
    }


@login_required
@handles_errors
def statistics_export(request: HttpRequest) -> HttpResponse:
    """Download the statistics page's figures as an .xlsx workbook."""
    context = _statistics_of(request)
    chosen = context["filters"]
    centre = context["centres"].filter(slug=chosen["centre"]).first()
    filters = filter_rows(
        dimension=chosen["dimension"],
        centre=centre.name if chosen["centre"] and centre else "",
        channel=chosen["channel"],
        start=chosen["start"],
        end=chosen["end"],
    )
    content = export_xlsx(context["report"], filters)
    response = HttpResponse(content, content_type=XLSX_TYPE)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="ratings-{stamp}.xlsx"'
    return response


def public_summary(request: HttpRequest) -> HttpResponse:
    """Show every centre's rates to the public: counts and rates, no personal data."""
    dimension = request.GET.get("dimension", "centre")
    if dimension not in PUBLIC_DIMENSIONS:
        dimension = "centre"
    centres = Centre.objects.order_by("region_code")
    chosen = request.GET.get("centre", "")
    selected = centres.filter(slug=chosen) if chosen else centres
    report = build_report(ratings_of(selected, Period()), dimension)
    return render(
        request,
        "ratings/public.html",
        {
            "report": report,
            "titles": column_titles(dimension),
            "table": [figures_row(row) for row in [*report.rows, report.total]],
            "centres": centres,
            "chosen": chosen,
            "dimension": dimension,
            "dimensions": [(key, str(DIMENSIONS[key])) for key in PUBLIC_DIMENSIONS],
        },
    )


def _number(value: Any) -> float | None:
    return None if value is None else float(value)
