"""Plain dicts of ratings, rectifications and pads for pages and the API, without
personal data, and the QR codes of rating links.

Staff see free text (comments, notes, appeal reasons) with resident ID numbers and mobile
numbers masked, and the stored text stays as typed. The applicant's own comment is returned
to them whole.
"""

from __future__ import annotations

from typing import Any

import segno

from onestop.core.dates import api_datetime, api_iso
from onestop.core.logging import mask_personal_text
from onestop.ratings.models import (
    Rating,
    RatingPad,
    Rectification,
    RectificationStatus,
    Tag,
)
from onestop.ratings.stats import Figures, Report


def rating_dict(rating: Rating, *, for_staff: bool = False) -> dict[str, Any]:
    """Return the rating; `for_staff` masks ID and mobile numbers in its comment and
    adds who issued the rating link it was made with."""
    rectification = getattr(rating, "rectification", None) if rating.is_bad else None
    row = {
        "id": rating.pk,
        "case": rating.case.number if rating.case is not None else None,
        "visit": rating.visit_id,
        "channel": rating.channel,
        "level": rating.level,
        "level_label": str(rating.get_level_display()),
        "tags": list(rating.tags),
        "tag_labels": [str(Tag(tag).label) for tag in rating.tags],
        "comment": mask_personal_text(rating.comment) if for_staff else rating.comment,
        "is_bad": rating.is_bad,
        "is_default": rating.is_default,
        "created_at": api_datetime(rating.created_at),
        "updated_at": api_datetime(rating.updated_at),
        "rectification": rectification.pk if rectification else None,
    }
    if for_staff:
        row["via_link"] = rating.link_id is not None
        issuer = rating.link.issued_by if rating.link is not None else None
        row["link_issued_by"] = issuer.username if issuer is not None else None
    return row


def rectification_dict(rectification: Rectification) -> dict[str, Any]:
    rating = rectification.rating
    return {
        "id": rectification.pk,
        "status": rectification.status,
        "status_label": str(RectificationStatus(rectification.status).label),
        "department": rectification.department.name
        if rectification.department
        else None,
        "due_date": api_iso(rectification.due_date),
        "due_provisional": rectification.due_provisional,
        "appeal_deadline": api_iso(rectification.appeal_deadline),
        "callback_at": api_iso(rectification.callback_at),
        "callback_note": mask_personal_text(rectification.callback_note),
        "outcome": rectification.outcome,
        "outcome_label": str(rectification.get_outcome_display())
        if rectification.outcome
        else "",
        "outcome_note": mask_personal_text(rectification.outcome_note),
        "rectify_by": api_iso(rectification.rectify_by),
        "closed_at": api_iso(rectification.closed_at),
        "appeal_kind": rectification.appeal_kind,
        "appeal_kind_label": str(rectification.get_appeal_kind_display())
        if rectification.appeal_kind
        else "",
        "appeal_reason": mask_personal_text(rectification.appeal_reason),
        "appeal_upheld": rectification.appeal_upheld,
        "appeal_decision_note": mask_personal_text(rectification.appeal_decision_note),
        "fix_level": rectification.fix_level,
        "rating": rating_dict(rating, for_staff=True),
    }


def figures_dict(figures: Figures) -> dict[str, Any]:
    """Return one group's figures for the API, with `code` by window only."""
    code = {"code": figures.code} if figures.code is not None else {}
    return {
        **code,
        "label": figures.label,
        "total": figures.total,
        "good": figures.good,
        "bad": figures.bad,
        "defaults": figures.defaults,
        "rectified": figures.rectified,
        "called_back": figures.called_back,
        "good_rate": _float(figures.good_rate),
        "bad_rate": _float(figures.bad_rate),
        "rectification_rate": _float(figures.rectification_rate),
        "callback_rate": _float(figures.callback_rate),
    }


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "dimension": report.dimension,
        "rows": [figures_dict(row) for row in report.rows],
        "total": figures_dict(report.total),
    }


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def pad_dict(pad: RatingPad) -> dict[str, Any]:
    """Return a rating pad for the API: its window, who paired it, when, and its state."""
    return {
        "id": pad.pk,
        "window": pad.window,
        "window_code": pad.window_record.code if pad.window_record else None,
        "paired_by": pad.paired_by_id,
        "paired_at": api_iso(pad.paired_at),
        "last_seen_at": api_iso(pad.last_seen_at),
        "revoked_at": api_iso(pad.revoked_at),
        "revoked_by": pad.revoked_by_id,
    }


def qr_code_svg(url: str) -> str:
    """Return an inline SVG QR code of `url`, at error correction level M."""
    return segno.make(url, error="m").svg_inline(scale=4)
