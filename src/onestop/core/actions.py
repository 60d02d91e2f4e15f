"""Writes of the core domain that people trigger: API tokens."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from onestop.core.audit import record_event
from onestop.core.models import ApiToken


def issue_api_token(*, actor: Any, name: str) -> str:
    """Create a bearer token for the actor and return it; only its digest is stored."""
    token = ApiToken.new_token()
    with transaction.atomic():
        record = ApiToken.objects.create(
            user=actor,
            name=name[:100],
            digest=ApiToken.digest_of(token),
            prefix=token[:8],
        )
        record_event(
            actor=actor,
            actor_role="user",
            verb="api_token.issued",
            object_type="api_token",
            object_id=record.pk,
        )
    return token
