"""Plain dicts of ratings and rectifications for pages and the API, without personal data."""

from __future__ import annotations

from typing import Any

from onestop.ratings.models import Rating, Rectification, RectificationStatus, Tag
from onestop.ratings.stats import Figures, Report


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def rating_dict(rating: Rating) -> dict[str, Any]:
    rectification = getattr(rating, "rectification", None) if rating.is_bad else None
    return {
        "id": rating.pk,
        "case": rating.case.number if rating.case is not None else None,
        "visit": rating.visit_id,
        "channel": rating.channel,
        "level": rating.level,
        "level_label": str(rating.get_level_display()),
        "tags": list(rating.tags),
        "tag_labels": [str(Tag(tag).label) for tag in rating.tags],
        "comment": rating.comment,
        "is_bad": rating.is_bad,
        "is_default": rating.is_default,
        "created_at": rating.created_at.isoformat(),
        "updated_at": rating.updated_at.isoformat(),
        "rectification": rectification.pk if rectification else None,
    }


def rectification_dict(rectification: Rectification) -> dict[str, Any]:
    rating = rectification.rating
    return {
        "id": rectification.pk,
        "status": rectification.status,
        "status_label": str(RectificationStatus(rectification.status).label),
        "department": rectification.department.name
        if rectification.department
        else None,
        "due_date": _iso(rectification.due_date),
        "due_provisional": rectification.due_provisional,
        "appeal_deadline": _iso(rectification.appeal_deadline),
        "callback_at": _iso(rectification.callback_at),
        "callback_note": rectification.callback_note,
        "outcome": rectification.outcome,
        "outcome_label": str(rectification.get_outcome_display())
        if rectification.outcome
        else "",
        "outcome_note": rectification.outcome_note,
        "rectify_by": _iso(rectification.rectify_by),
        "closed_at": _iso(rectification.closed_at),
        "appeal_kind": rectification.appeal_kind,
        "appeal_kind_label": str(rectification.get_appeal_kind_display())
        if rectification.appeal_kind
        else "",
        "appeal_reason": rectification.appeal_reason,
        "appeal_upheld": rectification.appeal_upheld,
        "appeal_decision_note": rectification.appeal_decision_note,
        "fix_level": rectification.fix_level,
        "rating": rating_dict(rating),
    }


def figures_dict(figures: Figures) -> dict[str, Any]:
    return {
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
