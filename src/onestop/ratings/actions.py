"""Rating a case: only its applicant, once, after the result."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from onestop.cases.models import Case, CaseState
from onestop.core.audit import record_event
from onestop.core.errors import Conflict, InvalidInput, PermissionDenied
from onestop.core.logging import get_logger
from onestop.ratings.models import MAX_COMMENT_LENGTH, Level, Rating

log = get_logger(__name__)

RATEABLE_STATES = {CaseState.RESULT_ISSUED, CaseState.CLOSED, CaseState.NOT_ACCEPTED}


class NotYourCase(PermissionDenied):
    code = "rating.not_applicant"
    message = _("Only the applicant of case %(number)s can rate it.")


class NotRateableYet(InvalidInput):
    code = "rating.not_rateable"
    message = _("Case %(number)s can be rated once its result is issued; it is %(state)s now.")


class AlreadyRated(Conflict):
    code = "rating.already_rated"
    message = _("Case %(number)s has already been rated.")


class InvalidLevel(InvalidInput):
    code = "rating.invalid_level"
    message = _("The rating must be a level from 1 (very dissatisfied) to 5 (very satisfied), not %(level)s.")


class CommentTooLong(InvalidInput):
    code = "rating.comment_too_long"
    message = _("The comment has %(length)s characters; the maximum is %(max)s.")


def rate_case(*, actor: Any, case: Case, level: int, comment: str = "") -> Rating:
    """Record the applicant's rating; the comment is stored as given and rendered escaped."""
    if case.person.user_id != actor.pk:
        raise NotYourCase(number=case.number)
    if case.state not in RATEABLE_STATES:
        raise NotRateableYet(number=case.number, state=CaseState(case.state).label)
    if level not in Level.values:
        raise InvalidLevel(level=str(level)[:10])
    if len(comment) > MAX_COMMENT_LENGTH:
        raise CommentTooLong(length=len(comment), max=MAX_COMMENT_LENGTH)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                centre=case.centre, case=case, person=case.person, level=level, comment=comment
            )
            record_event(
                actor=actor,
                actor_role="applicant",
                verb="case.rated",
                object_type="case",
                object_id=case.number,
                centre=case.centre,
                data={"level": level},
            )
    except IntegrityError:
        raise AlreadyRated(number=case.number) from None
    log.info("case.rated", case_id=case.pk, centre_id=case.centre_id, level=level)
    return rating
