"""Acknowledging the envelopes that pull departments fetched."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from onestop.core.logging import get_logger
from onestop.exchange.models import (
    ConnectorConfig,
    Envelope,
    EnvelopeStatus,
)

log = get_logger(__name__)


def acknowledge_envelopes(
    *, config: ConnectorConfig, envelope_ids: Iterable[str]
) -> dict[str, list[str]]:
    """Mark envelopes as fetched by the department. Return acknowledged and unknown ids.

    Acknowledging an envelope twice is harmless: it is listed as acknowledged again.
    """
    wanted = {str(uuid.UUID(str(value))) for value in envelope_ids}
    with transaction.atomic():
        rows = Envelope.objects.filter(
            centre_id=config.centre_id,
            department_id=config.department_id,
            pk__in=wanted,
        )
        found = {str(pk) for pk in rows.values_list("pk", flat=True)}
        rows.exclude(status=EnvelopeStatus.ACKNOWLEDGED).update(
            status=EnvelopeStatus.ACKNOWLEDGED, acknowledged_at=timezone.now()
        )
    log.info(
        "envelope.acknowledged",
        department_id=config.department_id,
        count=len(found),
        unknown=len(wanted - found),
    )
    return {"acknowledged": sorted(found), "unknown": sorted(wanted - found)}
