"""Outbox handlers of the department exchange."""

from __future__ import annotations

from onestop.cases import actions
from onestop.cases.models import Case
from onestop.core.logging import get_logger
from onestop.core.models import OutboxMessage
from onestop.core.outbox import PermanentFailure, handler

log = get_logger(__name__)


@handler("exchange.dispatch")
def dispatch_case(message: OutboxMessage) -> None:
    """Hand an accepted case to its department. The built-in worklist puts it in review."""
    case = Case.objects.select_related("department").filter(pk=message.payload["case_id"]).first()
    if case is None:
        raise PermanentFailure(f"case {message.payload['case_id']} does not exist")
    kind = case.department.connector_kind
    if kind != "worklist":
        raise PermanentFailure(f"connector kind {kind!r} is not available")
    actions.start_review(actor=None, case=case)
    log.info("case.dispatched", case_id=case.pk, department_id=case.department_id, connector=kind)
