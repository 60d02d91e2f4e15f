"""The built-in worklist: the department's reviewers work the case inside OneStop."""

from __future__ import annotations

from onestop.cases import actions as case_actions
from onestop.exchange.connectors import DeliveryOutcome
from onestop.exchange.models import ConnectorConfig, Envelope, EnvelopeStatus


class Connector:
    """Put the case in the department's review queue (accepted → in review)."""

    def __init__(self, config: ConnectorConfig) -> None:
        self.config = config

    def deliver(self, envelope: Envelope) -> DeliveryOutcome:
        case_actions.start_review(actor=None, case=envelope.case)
        return DeliveryOutcome(EnvelopeStatus.DELIVERED, "queued for reviewers")
