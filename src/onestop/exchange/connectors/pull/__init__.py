"""Pull: the envelope waits in OneStop until the department fetches and acknowledges it.

The department polls GET /api/v1/exchange/pull/<department id>/envelopes and confirms
each envelope with POST /api/v1/exchange/pull/<department id>/ack, both signed with its
key (see `onestop.exchange.pull`).
"""

from __future__ import annotations

from onestop.exchange.connectors import DeliveryOutcome
from onestop.exchange.models import ConnectorConfig, Envelope, EnvelopeStatus


class Connector:
    """Make the envelope available to the department's next poll."""

    def __init__(self, config: ConnectorConfig) -> None:
        self.config = config

    def deliver(self, envelope: Envelope) -> DeliveryOutcome:
        if envelope.status == EnvelopeStatus.ACKNOWLEDGED:
            return DeliveryOutcome(EnvelopeStatus.ACKNOWLEDGED, "already acknowledged")
        return DeliveryOutcome(EnvelopeStatus.AWAITING_PULL, "waiting for a poll")
