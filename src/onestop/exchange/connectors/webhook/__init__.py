"""Webhook: POST the signed envelope to the department's endpoint; it calls back later.

A 2xx response means the department stored the envelope. Redirects are not followed:
a 3xx response is a configuration error, like a 4xx one, and makes a dead letter at
once. Timeouts, connection errors, 408, 429 and 5xx responses are retried.
"""

from __future__ import annotations

import httpx

from onestop.core.outbox import PermanentFailure
from onestop.exchange.connectors import DeliveryFailed, DeliveryOutcome
from onestop.exchange.models import ConnectorConfig, Envelope, EnvelopeStatus

RETRIED_STATUSES = {408, 425, 429}


class Connector:
    """Deliver envelopes over HTTP with httpx."""

    def __init__(self, config: ConnectorConfig) -> None:
        self.config = config

    def deliver(self, envelope: Envelope) -> DeliveryOutcome:
        headers = {
            "Idempotency-Key": envelope.idempotency_key,
            "X-OneStop-Envelope-Id": str(envelope.pk),
        }
        message = {"envelope": envelope.body, "signature": envelope.signature}
        try:
            response = httpx.post(
                self.config.endpoint,
                json=message,
                headers=headers,
                timeout=self.config.timeout_seconds,
                follow_redirects=False,
            )
        except httpx.TimeoutException as error:
            raise DeliveryFailed(
                f"timed out after {self.config.timeout_seconds} s"
            ) from error
        except httpx.TransportError as error:
            raise DeliveryFailed(
                f"connection failed: {type(error).__name__}"
            ) from error
        return _outcome(response)


def _outcome(response: httpx.Response) -> DeliveryOutcome:
    status = response.status_code
    if 200 <= status < 300:
        return DeliveryOutcome(EnvelopeStatus.DELIVERED, f"HTTP {status}")
    if 300 <= status < 400:
        location = response.headers.get("location", "")
        raise PermanentFailure(
            f"HTTP {status} redirect to {location!r}; redirects are not followed, "
            "so configure the final endpoint"
        )
    if status >= 500 or status in RETRIED_STATUSES:
        raise DeliveryFailed(f"HTTP {status}")
    raise PermanentFailure(f"HTTP {status}: the department rejected the envelope")
