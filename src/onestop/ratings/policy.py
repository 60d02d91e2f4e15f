"""A centre's rating policy: the periods of rating, rectification and appeal, and
whether visits are rated on rating pads only. Centre admins set it; every change is
audited with the values before and after.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from onestop.core.audit import record_event
from onestop.core.errors import echoed
from onestop.core.logging import get_logger
from onestop.core.models import Centre, Role
from onestop.core.permissions import require_role
from onestop.ratings.errors import PolicyValueInvalid, PolicyValueOutOfRange
from onestop.ratings.models import PolicyField, RatingPolicy

log = get_logger(__name__)

POLICY_ROLES = (Role.CENTRE_ADMIN, Role.PLATFORM_ADMIN)
PADS_REQUIRED = "pads_required"

# The smallest and largest value of each number. A bad rating is rectified within 15
# working days at most under the national rules of 好差评; the other bounds keep a
# mistyped value (days typed as hours, say) from reaching the applicants.
POLICY_RANGES: dict[PolicyField, tuple[int, int]] = {
    PolicyField.CHANGE_PERIOD_HOURS: (1, 720),
    PolicyField.DEFAULT_RATING_DAYS: (1, 30),
    PolicyField.RECTIFICATION_WORKING_DAYS: (1, 15),
    PolicyField.APPEAL_DAYS: (1, 30),
    PolicyField.SCREEN_LINK_MINUTES: (5, 240),
}


def policy_values(policy: RatingPolicy) -> dict[str, Any]:
    """Return the policy's settings by field name, pads_required last."""
    values: dict[str, Any] = {
        field.value: getattr(policy, field.value) for field in PolicyField
    }
    values[PADS_REQUIRED] = policy.pads_required
    return values


def check_policy_number(field: PolicyField, value: Any) -> int:
    """Return `value` as a whole number within the field's range, or raise.

    A page sends text and the API a JSON number; true and false are not numbers.
    """
    low, high = POLICY_RANGES[field]
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip())
    if number is None:
        raise PolicyValueInvalid(
            field=field, value=echoed(str(value)), min=low, max=high
        )
    if not low <= number <= high:
        raise PolicyValueOutOfRange(field=field, value=number, min=low, max=high)
    return number


def update_policy(
    *, actor: Any, centre: Centre, values: Mapping[str, Any]
) -> RatingPolicy:
    """Set the given fields of the centre's rating policy and return it.

    `values` maps field names of POLICY_RANGES, and pads_required, to new values; the
    fields it leaves out keep theirs. Every value is checked before any is saved. A
    change writes the audit event rating_policy.changed with each changed field's
    value before and after; a request that changes nothing writes none.
    """
    membership = require_role(actor, POLICY_ROLES, centre=centre)
    wanted: dict[str, Any] = {
        field.value: check_policy_number(field, values[field.value])
        for field in PolicyField
        if field.value in values
    }
    if PADS_REQUIRED in values:
        wanted[PADS_REQUIRED] = bool(values[PADS_REQUIRED])

    with transaction.atomic():
        RatingPolicy.objects.get_or_create(centre=centre)
        policy = RatingPolicy.objects.select_for_update().get(centre=centre)
        before = policy_values(policy)
        changed = {
            name: [before[name], value]
            for name, value in wanted.items()
            if before[name] != value
        }
        if not changed:
            return policy
        for name, (_old, value) in changed.items():
            setattr(policy, name, value)
        policy.save(update_fields=list(changed))
        record_event(
            actor=actor,
            actor_role=membership.role,
            verb="rating_policy.changed",
            object_type="rating_policy",
            object_id=policy.pk,
            centre=centre,
            data={"changed": changed},
        )
    log.info(
        "rating_policy.changed",
        centre_id=centre.pk,
        fields=sorted(changed),
    )
    return policy
