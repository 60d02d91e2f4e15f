"""Outbox handlers and periodic jobs of the department exchange."""

from __future__ import annotations

from onestop.cases.models import Case, CaseState
from onestop.core.logging import get_logger
from onestop.core.models import OutboxMessage
from onestop.core.outbox import PermanentFailure, handler, periodic
from onestop.exchange import actions
from onestop.exchange.models import ConnectorConfig, ConnectorKind

log = get_logger(__name__)

# Cases in these states are no longer waiting for their department: a dispatch that
# comes up for them (a dead letter replayed late) is skipped, not delivered.
FINISHED_STATES = {
    CaseState.WITHDRAWN,
    CaseState.RESULT_ISSUED,
    CaseState.CLOSED,
    CaseState.NOT_ACCEPTED,
}


@handler(actions.DISPATCH_TOPIC)
def dispatch_case(message: OutboxMessage) -> None:
    """Hand an accepted case to its department through the department's connector.

    The envelope is built once per outbox message (its id is in the idempotency key),
    so every retry delivers the same signed envelope.
    """
    case_id = message.payload["case_id"]
    case = (
        Case.objects.select_related("department", "centre").filter(pk=case_id).first()
    )
    if case is None:
        raise PermanentFailure(f"case {case_id} does not exist")
    if case.state in FINISHED_STATES:
        log.info("envelope.skipped", case_id=case.pk, state=case.state)
        return
    config = actions.connector_for(case.department)
    _use_connector_attempts(message, config)
    envelope = actions.prepare_envelope(
        case=case, idempotency_key=f"dispatch:{message.pk}"
    )
    actions.deliver_envelope(envelope, config)


def _use_connector_attempts(message: OutboxMessage, config: ConnectorConfig) -> None:
    # The outbox reads max_attempts from the message object when a delivery fails.
    if message.max_attempts != config.max_attempts:
        message.max_attempts = config.max_attempts
        OutboxMessage.objects.filter(pk=message.pk).update(
            max_attempts=config.max_attempts
        )


@periodic(2.0)
def consume_amqp_results() -> int:
    """Apply the results waiting in the reply queues of AMQP departments."""
    from onestop.exchange.connectors import amqp

    queues = {
        (amqp.broker_url(config), amqp.reply_queue(config))
        for config in ConnectorConfig.objects.filter(kind=ConnectorKind.AMQP)
        if amqp.broker_url(config)
    }
    total = 0
    for url, queue in sorted(queues):
        try:
            total += amqp.consume_results(
                lambda body: actions.receive_callback(body, transport="amqp"),
                queue=queue,
                url=url,
            )
        except amqp.pika.exceptions.AMQPError as error:
            _note_unreachable(queue, error)
        else:
            _unreachable_queues.discard(queue)
    return total


# Reply queues whose broker failed on the last poll, so that a broker that stays down
# is logged once, not every two seconds by every worker thread.
_unreachable_queues: set[str] = set()


def _note_unreachable(queue: str, error: Exception) -> None:
    if queue in _unreachable_queues:
        return
    _unreachable_queues.add(queue)
    log.warning("exchange.amqp_unreachable", queue=queue, error=type(error).__name__)
