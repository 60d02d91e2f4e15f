"""The rating panel of the applicant's case page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from onestop.cases.applicants import acts_as_applicant
from onestop.cases.models import Case
from onestop.ratings.actions import RATEABLE_STATES
from onestop.ratings.models import Level, RatingChannel, Tag, tags_for_channel
from onestop.ratings.queries import (
    fix_rateable_rectification,
    get_case_rating,
    get_policy,
)

register = template.Library()


@register.inclusion_tag("ratings/_panel.html", takes_context=True)
def rating_panel(context: dict[str, Any], case: Case) -> dict[str, Any]:
    """Render the online rating form, the rating with its change form, or the fix rating.

    A case has one rating, whichever the channel. A rating made in another channel is
    shown without the change form, because this page's indicators are another set.
    """
    request = context["request"]
    user = request.user
    if not acts_as_applicant(user, case):
        return {"case": case}
    kiosk = getattr(request, "kiosk", False)
    channel = RatingChannel.KIOSK if kiosk else RatingChannel.ONLINE
    rating = get_case_rating(case)
    change_until = None
    if rating is not None and rating.channel == channel and not rating.is_default:
        hours = get_policy(case.centre).change_period_hours
        change_until = rating.created_at + dt.timedelta(hours=hours)
    return {
        "case": case,
        "csrf_token": context.get("csrf_token"),
        "rating": rating,
        "other_channel": RatingChannel(rating.channel).label
        if rating is not None and rating.channel != channel
        else "",
        "tag_labels": [str(Tag(tag).label) for tag in rating.tags] if rating else [],
        "can_rate": case.state in RATEABLE_STATES,
        "changeable": change_until is not None and timezone.now() <= change_until,
        "change_until": timezone.localtime(change_until) if change_until else None,
        "levels": Level.choices,
        "tags": [(tag.value, str(tag.label)) for tag in tags_for_channel(channel)],
        "fix": fix_rateable_rectification(user, case),
    }
