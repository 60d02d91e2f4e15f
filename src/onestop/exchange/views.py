"""Pages of the department exchange: material downloads and the supervisor's dead letters."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from onestop.cases.models import Case, Submission
from onestop.core.logging import get_logger
from onestop.core.models import Role
from onestop.core.pages import handles_errors, render_error
from onestop.core.permissions import RoleRequired, centres_of
from onestop.exchange import actions, queries
from onestop.exchange.errors import MaterialLinkInvalid
from onestop.exchange.materials import check_material_token

log = get_logger(__name__)


@require_safe
def material(request: HttpRequest, submission_id: int) -> HttpResponseBase:
    """Serve one material file to a department that has a valid signed link."""
    expires = request.GET.get("expires", "")
    token = request.GET.get("token", "")
    submission = Submission.objects.filter(pk=submission_id).exclude(file="").first()
    if submission is None or not check_material_token(submission_id, expires, token):
        log.info("material_link.rejected", submission_id=submission_id)
        return render_error(request, MaterialLinkInvalid())
    log.info(
        "material_link.used", submission_id=submission_id, case_id=submission.case_id
    )
    return FileResponse(
        submission.file.open("rb"),
        as_attachment=True,
        filename=submission.original_name or f"material-{submission_id}",
        content_type=submission.content_type or "application/octet-stream",
    )


@login_required
@require_safe
@handles_errors
def dead_letters(request: HttpRequest) -> HttpResponse:
    """List the centre's department dispatches that failed every attempt."""
    if not centres_of(request.user, [Role.SUPERVISOR]):
        raise RoleRequired(role=Role.SUPERVISOR, centre="")
    rows = list(queries.dead_letters_for(request.user)[: queries.DEAD_LETTER_PAGE_SIZE])
    numbers = dict(
        Case.objects.filter(
            pk__in=[row.payload.get("case_id") for row in rows]
        ).values_list("pk", "number")
    )
    letters = [
        {
            "id": row.pk,
            "case_number": numbers.get(row.payload.get("case_id"), ""),
            "centre": row.centre.name if row.centre else "",
            "attempts": row.attempts,
            "last_error": row.last_error,
            "created_at": row.created_at,
        }
        for row in rows
    ]
    return render(request, "exchange/dead_letters.html", {"letters": letters})


@login_required
@require_POST
@handles_errors
def replay(request: HttpRequest, message_id: str) -> HttpResponse:
    """Queue one dead letter again, then return to the list."""
    actions.replay_dead_letter(actor=request.user, message_id=message_id)
    messages.success(request, _("The dispatch was queued again."))
    return redirect("exchange:dead-letters")
