"""Agency verification (经办人核验): who may act for an enterprise.

A person who registers an enterprise online only claims to act for it, and the claim
is pending. A window clerk verifies it after seeing the business licence (营业执照) and
either the legal representative's ID card or a power of attorney (授权委托书), or
rejects it with a reason (`identity.agency_window`). Only a verified agency lets the
person see the enterprise's certificates and cases, act as the applicant of its cases,
apply for it and give credit consents for it. An enterprise may have several verified
agents, and a clerk may revoke any of them. A pending claim blocks nobody: several
persons may claim one enterprise, and claims that no clerk decided are removed after
`ONESTOP_AGENCY_CLAIM_DAYS`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.core.audit import record_event
from onestop.core.errors import OneStopError, PermissionDenied
from onestop.core.logging import get_logger
from onestop.identity.models import (
    AgencyStatus,
    Enterprise,
    EnterpriseAgent,
    Person,
)

log = get_logger(__name__)


class AgencyNotVerified(PermissionDenied):
    code = "agency.not_verified"
    message = _(
        "You claimed to act for %(enterprise)s (%(uscc)s), but no service centre has "
        "verified this yet, so you cannot apply for it, see its certificates or give "
        "consents for it. Bring its business licence (营业执照) and a power of "
        "attorney (授权委托书) from it to the comprehensive window of a service centre. "
        "The legal representative brings the business licence and their ID card."
    )


class AgencyRevoked(PermissionDenied):
    code = "agency.revoked"
    message = _(
        "A service centre revoked your authority to act for %(enterprise)s "
        "(%(uscc)s), so you can no longer apply for it, see its certificates or cases, "
        "or give consents for it. To act for it again, claim it on your profile and "
        "bring its business licence (营业执照) and a new power of attorney (授权委托书) "
        "to the comprehensive window of a service centre."
    )


def verified_enterprises(person: Person) -> QuerySet[Enterprise]:
    """Return the enterprises that the person is a verified agent of."""
    return Enterprise.objects.filter(
        agencies__person=person, agencies__status=AgencyStatus.VERIFIED
    )


def check_verified_agent(
    person: Person, enterprise: Enterprise, not_agent: OneStopError
) -> None:
    """Raise unless the person is a verified agent of the enterprise.

    A person whose claim is pending gets AgencyNotVerified, whose message names what to
    bring to the window, and one whose agency was revoked gets AgencyRevoked. Anyone
    else gets `not_agent`, the caller's own error.
    """
    agency = (
        EnterpriseAgent.objects.filter(person=person, enterprise=enterprise)
        .select_related("enterprise")
        .first()
    )
    error = agency_error(agency, not_agent)
    if error is not None:
        raise error


def agency_error(
    agency: EnterpriseAgent | None, not_agent: OneStopError
) -> OneStopError | None:
    """Return None for a verified agency, else the error that explains why its person
    may not act for its enterprise: AgencyNotVerified for a pending claim,
    AgencyRevoked for a revoked agency, and `not_agent` for a rejected claim or none.
    """
    if agency is None:
        return not_agent
    if agency.is_verified:
        return None
    enterprise = agency.enterprise
    if agency.status == AgencyStatus.PENDING:
        return AgencyNotVerified(
            enterprise=enterprise.name, uscc=enterprise.masked_uscc
        )
    if agency.status == AgencyStatus.REVOKED:
        return AgencyRevoked(enterprise=enterprise.name, uscc=enterprise.masked_uscc)
    return not_agent


def verified_agent_user_ids(enterprise_id: int) -> list[int]:
    """Return the user ids of the enterprise's verified agents, oldest agency first."""
    return list(
        EnterpriseAgent.objects.filter(
            enterprise_id=enterprise_id, status=AgencyStatus.VERIFIED
        )
        .order_by("pk")
        .values_list("person__user_id", flat=True)
    )


def agencies_of(person: Person) -> QuerySet[EnterpriseAgent]:
    """Return the person's agencies of every status, with their enterprises."""
    return (
        EnterpriseAgent.objects.filter(person=person)
        .select_related("enterprise")
        .order_by("enterprise__name", "pk")
    )


def claim_agency(
    *, actor: Any, person: Person, enterprise: Enterprise
) -> EnterpriseAgent:
    """Record the person's claim to act for the enterprise, pending a window's check.

    Claiming again is a no-op for a pending or verified agency, and makes a rejected
    claim or a revoked agency pending again. Runs in the caller's transaction.
    """
    agency, created = EnterpriseAgent.objects.get_or_create(
        enterprise=enterprise, person=person
    )
    if not created and agency.status in (AgencyStatus.PENDING, AgencyStatus.VERIFIED):
        return agency
    if not created:
        _reset_to_pending(agency)
    record_event(
        actor=actor,
        actor_role="applicant",
        verb="agency.claimed",
        object_type="enterprise_agent",
        object_id=agency.pk,
        data={"enterprise_id": enterprise.pk, "person_id": person.pk},
    )
    log.info(
        "agency.claimed",
        agency_id=agency.pk,
        enterprise_id=enterprise.pk,
        person_id=person.pk,
    )
    return agency


def _reset_to_pending(agency: EnterpriseAgent) -> None:
    agency.status = AgencyStatus.PENDING
    agency.since = timezone.now()
    agency.decided_at = None
    agency.decided_by = None
    agency.decided_at_centre = None
    agency.licence_seen = False
    agency.authority = ""
    agency.rejection_reason = ""
    # A revocation stays on the record, so that the clerk who decides the new claim
    # sees when, where and why the enterprise's authority was withdrawn.
    agency.save()


def remove_expired_claims(now: datetime.datetime | None = None) -> int:
    """Delete the pending claims older than the claim lifetime, and the rejected
    claims decided longer ago, so that they stop showing on profiles.

    Returns how many were deleted. Safe to run twice or concurrently.
    """
    lifetime = datetime.timedelta(days=settings.ONESTOP_AGENCY_CLAIM_DAYS)
    cutoff = (now or timezone.now()) - lifetime
    expired = EnterpriseAgent.objects.filter(
        Q(status=AgencyStatus.PENDING, since__lt=cutoff)
        | Q(status=AgencyStatus.REJECTED, decided_at__lt=cutoff)
    )
    deleted, _by_model = expired.delete()
    return deleted
