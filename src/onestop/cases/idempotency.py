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
from onestop.core.errors import InvalidInput, echoed, list_text
from onestop.identity.models import Enterprise, Person

if TYPE_CHECKING:
    from onestop.cases.actions import Application


# The parts of an application that a reused key's error can compare with the first
# case's without storing more than its digest, with their names for the message.
COMPARED_PARTS = {
    "centre": _("the service centre"),
    "matter": _("the matter"),
    "enterprise": _("the enterprise applied for"),
}


class IdempotencyKeyReused(InvalidInput):
    """A key sent again with another application. `details.differs` lists the parts
    of COMPARED_PARTS in which it differs from the first case's."""

    code = "case.idempotency_key_reused"
    status = 422
    message = _(
        "The Idempotency-Key %(key)s was already used for case %(number)s with a "
        "different application, which differs from this one in %(parts)s. Send a new "
        "key with a new application, or repeat the first request unchanged to get case "
        "%(number)s again."
    )

    def message_values(self) -> dict[str, Any]:
        values = super().message_values()
        values["parts"] = list_text(
            str(COMPARED_PARTS[part]) for part in self.details["differs"]
        )
        return values


class IdempotencyKeyReusedFormChanged(IdempotencyKeyReused):
    """A key sent again with the same centre, matter and enterprise, whose form,
    materials or window differ from the first case's, which only the stored digest
    shows."""

    message = _(
        "The Idempotency-Key %(key)s was already used for case %(number)s with a "
        "different application: the service centre, the matter and the enterprise "
        "are the same, so the form, the materials or the window differ. Send a new key "
        "with a new application, or repeat the first request unchanged to get case "
        "%(number)s again."
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
    matter: Matter,
    person: Person,
    key: str,
    digest: str,
    *,
    sender: Sender,
    enterprise: Enterprise | None,
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
        raise _key_reused(case, key, matter, enterprise)
    return case


def _key_reused(
    case: Case, key: str, matter: Matter, enterprise: Enterprise | None
) -> IdempotencyKeyReused:
    """Return the error for `key` sent again with another application than `case`'s."""
    differs = []
    if case.centre_id != matter.centre_id:
        differs.append("centre")
    if case.matter.pack_id != matter.pack_id:
        differs.append("matter")
    if case.enterprise_id != (enterprise.pk if enterprise is not None else None):
        differs.append("enterprise")
    error_class = IdempotencyKeyReused if differs else IdempotencyKeyReusedFormChanged
    return error_class(key=echoed(key), number=case.number, differs=differs)
