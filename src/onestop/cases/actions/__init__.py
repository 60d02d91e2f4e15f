"""Every state change of a case, one function each.

Each action runs in one transaction, locks the case row, checks the caller's role and the
case's state, writes the change with its CaseEvent, and schedules outbox messages and ledger
entries in the same transaction. Views, the API, commands and tasks call these; nothing else
saves case rows.

The actions live in one module per stage of a case: `filing` (online or at the window, and
withdrawal), `acceptance`, `correction`, `decision` (review, decision and handing the
result over) and `posting` (recording that the result was posted, and correcting that
record). They share the steps in `materials`, `checks`, `numbering`, `roles` and
`transitions`. This package re-exports
the actions, their data classes and constants, and the private steps that `cases.clock`,
`exchange.case_results` and tests call.
"""

from onestop.cases.actions.acceptance import (
    DISPATCH_TOPIC,
    accept_case,
    issue_acceptance_receipt,
    refuse_case,
)
from onestop.cases.actions.checks import reporting_recent_application
from onestop.cases.actions.correction import request_correction, resubmit_case
from onestop.cases.actions.decision import (
    apply_department_result,
    approve_case,
    deliver_result,
    deny_case,
    start_review,
)
from onestop.cases.actions.filing import (
    Filing,
    create_window_case,
    get_or_create_window_case,
    submit_online_case,
    withdraw_case,
)
from onestop.cases.actions.materials import Application, MaterialCheck
from onestop.cases.actions.numbering import (
    _allocate_case_number as _allocate_case_number,
)
from onestop.cases.actions.numbering import check_new_application
from onestop.cases.actions.posting import Posting, correct_posting, record_posting
from onestop.cases.actions.roles import (
    APPLICANT,
    DEPARTMENT_ROLES,
    SYSTEM,
    WINDOW_ROLES,
)
from onestop.cases.actions.roles import _reviewer_role as _reviewer_role
from onestop.cases.actions.transitions import _lock as _lock
from onestop.cases.actions.transitions import _notify as _notify
from onestop.cases.actions.transitions import (
    _recompute_deadlines as _recompute_deadlines,
)
from onestop.cases.actions.transitions import _reload as _reload
from onestop.cases.actions.transitions import _transition as _transition

__all__ = [
    "APPLICANT",
    "DEPARTMENT_ROLES",
    "DISPATCH_TOPIC",
    "SYSTEM",
    "WINDOW_ROLES",
    "Application",
    "Filing",
    "MaterialCheck",
    "Posting",
    "accept_case",
    "apply_department_result",
    "approve_case",
    "check_new_application",
    "correct_posting",
    "create_window_case",
    "deliver_result",
    "deny_case",
    "get_or_create_window_case",
    "issue_acceptance_receipt",
    "record_posting",
    "refuse_case",
    "reporting_recent_application",
    "request_correction",
    "resubmit_case",
    "start_review",
    "submit_online_case",
    "withdraw_case",
]
