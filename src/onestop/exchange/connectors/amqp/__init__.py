"""AMQP: publish the signed envelope to the department's RabbitMQ queue.

Each department has its own durable queue. Messages are persistent, published with
publisher confirms, carry the envelope id as message id and name the reply queue in
`reply_to`. The department publishes its signed callbacks, in the same JSON as the HTTP
callback endpoint, to that reply queue, and `consume_results` applies them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable

import pika
import pika.exceptions

from onestop.core.errors import OneStopError
from onestop.core.logging import get_logger
from onestop.core.outbox import PermanentFailure
from onestop.core.signing import secret_key
from onestop.exchange.conf import setting
from onestop.exchange.connectors import DeliveryFailed, DeliveryOutcome
from onestop.exchange.models import ConnectorConfig, Envelope, EnvelopeStatus

log = get_logger(__name__)


def broker_url(config: ConnectorConfig | None = None) -> str:
    """Return the broker URL of a connector, else ONESTOP_AMQP_URL, else ""."""
    return (config.amqp_url if config else "") or setting("ONESTOP_AMQP_URL")


def queue_prefix() -> str:
    """Return ONESTOP_AMQP_PREFIX, else "onestop." and 8 hex digits from the secret key.

    Two deployments with their own secret keys thus get their own queue names on one
    broker.
    """
    configured = setting("ONESTOP_AMQP_PREFIX")
    if configured:
        return str(configured)
    digest = hmac.new(
        secret_key().encode(), b"onestop.exchange.amqp-prefix", hashlib.sha256
    )
    return f"onestop.{digest.hexdigest()[:8]}"


def reply_queue(config: ConnectorConfig | None = None) -> str:
    """Return the queue the connector's department publishes its results to."""
    configured = (config.reply_queue if config else "") or setting(
        "ONESTOP_AMQP_REPLY_QUEUE"
    )
    return configured or f"{queue_prefix()}.exchange.results"


def open_connection(url: str, timeout: float) -> pika.BlockingConnection:
    """Open a blocking connection with bounded socket, connect and handshake times."""
    parameters = pika.URLParameters(url)
    parameters.socket_timeout = timeout
    parameters.blocked_connection_timeout = timeout
    parameters.stack_timeout = timeout
    parameters.connection_attempts = 1
    return pika.BlockingConnection(parameters)


class Connector:
    """Publish envelopes with pika, one short connection per delivery."""

    def __init__(self, config: ConnectorConfig) -> None:
        self.config = config

    def deliver(self, envelope: Envelope) -> DeliveryOutcome:
        message = {"envelope": envelope.body, "signature": envelope.signature}
        body = json.dumps(message, ensure_ascii=False).encode()
        properties = pika.BasicProperties(
            content_type="application/json",
            delivery_mode=pika.DeliveryMode.Persistent,
            message_id=str(envelope.pk),
            reply_to=reply_queue(self.config),
            headers={"idempotency_key": envelope.idempotency_key},
        )
        url = broker_url(self.config)
        if not url:
            raise PermanentFailure(
                "no AMQP broker: set the connector's broker URL or ONESTOP_AMQP_URL"
            )
        try:
            connection = open_connection(url, self.config.timeout_seconds)
        except pika.exceptions.AMQPError as error:
            raise DeliveryFailed(
                f"broker unreachable: {type(error).__name__}"
            ) from error
        try:
            channel = connection.channel()
            channel.confirm_delivery()
            channel.queue_declare(queue=self.config.queue, durable=True)
            channel.basic_publish(
                "", self.config.queue, body, properties, mandatory=True
            )
        except pika.exceptions.AMQPError as error:
            raise DeliveryFailed(f"publish failed: {type(error).__name__}") from error
        finally:
            _close(connection)
        return DeliveryOutcome(
            EnvelopeStatus.DELIVERED, f"published to {self.config.queue}"
        )


def consume_results(
    apply: Callable[[bytes], object], *, queue: str, url: str, limit: int = 100
) -> int:
    """Apply up to `limit` result messages waiting in `queue`. Return how many were read.

    A message is acknowledged after `apply` returned or rejected it with a OneStopError,
    so a malformed message does not come back forever. Any other error (the database is
    down) puts the message back in the queue and ends this round.
    """
    connection = open_connection(url, timeout=5.0)
    count = 0
    try:
        channel = connection.channel()
        channel.queue_declare(queue=queue, durable=True)
        while count < limit:
            method, _properties, body = channel.basic_get(queue, auto_ack=False)
            if method is None:
                break
            count += 1
            try:
                apply(body)
            except OneStopError as error:
                log.info("exchange.amqp_result_rejected", queue=queue, code=error.code)
            except Exception:
                channel.basic_nack(method.delivery_tag, requeue=True)
                log.exception("exchange.amqp_result_failed", queue=queue)
                break
            channel.basic_ack(method.delivery_tag)
    finally:
        _close(connection)
    return count


def _close(connection: pika.BlockingConnection) -> None:
    try:
        connection.close()
    except pika.exceptions.AMQPError:
        log.warning("exchange.amqp_close_failed")
