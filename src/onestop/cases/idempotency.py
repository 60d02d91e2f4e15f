"""Idempotency keys: the same key from the same sender gives one case.

A request names its key in the Idempotency-Key header. The case it creates stores the
key and a digest of the application. A retry of the same request returns that case. The
same key sent with a different application is rejected, so that no client receives a
case that does not match what it sent.

A key is scoped by the applicant, the account that sent it and the channel (online,
kiosk or window), but not by the centre. So a clerk's key never finds the case that the
applicant filed online with the same key, and the reverse. The centre is part of the
application, so a retry that names another centre is rejected like a changed form,
rather than filing a second case in that centre.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from onestop.cases.models import Case
from onestop.catalog.models import Matter
from onestop.core import rows
from onestop.core.errors import InvalidInput, echoed
from onestop.identity.models import Enterprise, Person

if TYPE_CHECKING:
    from onestop.cases.actions import Application


class IdempotencyKeyReused(InvalidInput):
    code = "case.idempotency_key_reused"
    status = 422
    message = _(
        "The Idempotency-Key %(key)s was already used for case %(number)s with a "
        "different application. Send a new key with a new application, or repeat the "
        "first request unchanged to get case %(number)s again."
    )


@dataclass(frozen=True)
class Sender:
    """The sender of an idempotency key: the account and the channel of the request."""

    user_id: int
    channel: str


def application_digest(
    *,
    matter: Matter,
    person: Person,
    enterprise: Enterprise | None,
    application: Application,
    window: str = "",
) -> str:
    """Return the SHA-256 of the application as the request sent it.

    The form is hashed before it is checked, so its values may be anything JSON allows,
    NaN included. `json.dumps` with sorted keys encodes each the same way every time.
    """
    document: dict[str, Any] = {
        "matter": matter.pack_id,
        "person": person.pk,
        "enterprise": enterprise.pk if enterprise is not None else None,
        "form": application.form_data,
        "uploads": {
            key: [upload.sha256 for upload in files]
            for key, files in application.uploads.items()
        },
        "certificates": application.certificates,
        "checklist": {
            key: [check.original_seen, check.copy_taken, check.electronic]
            for key, check in application.checklist.items()
        },
        "window": window,
    }
    encoded = json.dumps(document, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


def find_case_for_key(
    matter: Matter, person: Person, key: str, digest: str, *, sender: Sender
) -> Case | None:
    """Return the applicant's case that `sender` filed with this key, or None.

    The case may be in any centre. Raise IdempotencyKeyReused when it is in another
    centre than `matter` or was filed with another application. Cases filed before
    digests were stored have none, and match any application of the same centre.
    """
    case = rows.fetch_one(
        Case,
        {
            "person_id": person.pk,
            "created_by_id": sender.user_id,
            "channel": sender.channel,
            "idempotency_key": key,
        },
        related={"centre": ()},
    )
    if case is None:
        return None
    other_centre = case.centre_id != matter.centre_id
    if other_centre or (case.idempotency_digest and case.idempotency_digest != digest):
        raise IdempotencyKeyReused(key=echoed(key), number=case.number)
    return case
