"""The case life cycle as data: which action moves a case from which states to which state."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from onestop.cases.models import CaseState

S = CaseState


@dataclass(frozen=True)
class Transition:
    label: object
    sources: frozenset[str]
    target: str


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(_("submitted"), frozenset({S.DRAFT}), S.SUBMITTED),
    "accept": Transition(_("accepted"), frozenset({S.SUBMITTED, S.DRAFT}), S.ACCEPTED),
    "refuse": Transition(_("refused"), frozenset({S.SUBMITTED}), S.NOT_ACCEPTED),
    "request_correction": Transition(
        _("sent back for correction"),
        frozenset({S.SUBMITTED, S.ACCEPTED, S.IN_REVIEW}),
        S.CORRECTION_REQUESTED,
    ),
    # The target of a resubmission is the state the correction was requested from.
    "resubmit": Transition(_("resubmitted"), frozenset({S.CORRECTION_REQUESTED}), ""),
    "start_review": Transition(
        _("taken into review"), frozenset({S.ACCEPTED}), S.IN_REVIEW
    ),
    "suspend": Transition(_("suspended"), frozenset({S.IN_REVIEW}), S.SUSPENDED),
    "resume": Transition(_("resumed"), frozenset({S.SUSPENDED}), S.IN_REVIEW),
    "approve": Transition(
        _("approved"), frozenset({S.ACCEPTED, S.IN_REVIEW}), S.APPROVED
    ),
    "deny": Transition(_("denied"), frozenset({S.ACCEPTED, S.IN_REVIEW}), S.DENIED),
    "issue_result": Transition(
        _("given its result"), frozenset({S.APPROVED, S.DENIED}), S.RESULT_ISSUED
    ),
    "deliver_result": Transition(_("closed"), frozenset({S.RESULT_ISSUED}), S.CLOSED),
    "withdraw": Transition(
        _("withdrawn"),
        frozenset({S.SUBMITTED, S.CORRECTION_REQUESTED, S.ACCEPTED, S.IN_REVIEW}),
        S.WITHDRAWN,
    ),
}
