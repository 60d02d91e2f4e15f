"""The case life cycle as data: which action moves a case from which states to which state."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from onestop.cases.models import CaseState

S = CaseState


@dataclass(frozen=True)
class Transition:
    label: object  # the action as a noun phrase, for "… is not possible" messages
    sources: frozenset[str]
    target: str


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(_("submission"), frozenset({S.DRAFT}), S.SUBMITTED),
    "accept": Transition(
        _("acceptance"), frozenset({S.SUBMITTED, S.DRAFT}), S.ACCEPTED
    ),
    "refuse": Transition(_("not accepting"), frozenset({S.SUBMITTED}), S.NOT_ACCEPTED),
    "request_correction": Transition(
        _("a correction request"),
        frozenset({S.SUBMITTED, S.ACCEPTED, S.IN_REVIEW}),
        S.CORRECTION_REQUESTED,
    ),
    # The target of a resubmission is the state the correction was requested from.
    "resubmit": Transition(_("resubmission"), frozenset({S.CORRECTION_REQUESTED}), ""),
    "start_review": Transition(_("review"), frozenset({S.ACCEPTED}), S.IN_REVIEW),
    "suspend": Transition(_("suspension"), frozenset({S.IN_REVIEW}), S.SUSPENDED),
    "resume": Transition(_("resumption"), frozenset({S.SUSPENDED}), S.IN_REVIEW),
    "approve": Transition(
        _("approval"), frozenset({S.ACCEPTED, S.IN_REVIEW}), S.APPROVED
    ),
    "deny": Transition(_("denial"), frozenset({S.ACCEPTED, S.IN_REVIEW}), S.DENIED),
    "issue_result": Transition(
        _("issuing the result"), frozenset({S.APPROVED, S.DENIED}), S.RESULT_ISSUED
    ),
    "deliver_result": Transition(
        _("handing over the result"), frozenset({S.RESULT_ISSUED}), S.CLOSED
    ),
    "withdraw": Transition(
        _("withdrawal"),
        frozenset({S.SUBMITTED, S.CORRECTION_REQUESTED, S.ACCEPTED, S.IN_REVIEW}),
        S.WITHDRAWN,
    ),
}

# The case history's action for a result posted to the applicant (邮寄送达).
RECORD_POSTING = "record_posting"
# The action that replaces the values of the case's current posting, with a reason.
CORRECT_POSTING = "correct_posting"
# The actions whose event contains a posting's values. The latest is the current posting.
POSTING_ACTIONS = (RECORD_POSTING, CORRECT_POSTING)
# Actions of the case history that leave the case's state as it is, with their labels.
UNCHANGED_STATE_ACTIONS: dict[str, object] = {
    "request_extension": _("extension requested"),
    "approve_extension": _("extension approved"),
    "reject_extension": _("extension rejected"),
    RECORD_POSTING: _("result posted"),
    CORRECT_POSTING: _("posting corrected"),
}
