"""Agency verification (经办人核验): who may act for an enterprise.

A person who registers an enterprise online only claims to act for it, and the claim
is pending. A window clerk verifies it after seeing the business licence (营业执照) and
either the legal representative's ID card or a power of attorney (授权委托书), or
rejects it with a reason. Only a verified agency lets the person see the enterprise's
certificates and cases, apply for it and give credit consents for it. A pending claim
blocks nobody: several persons may claim one enterprise, and claims that no clerk
decided are removed after `ONESTOP_AGENCY_CLAIM_DAYS`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.core.audit import record_event
from onestop.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    OneStopError,
    PermissionDenied,
    echoed,
)
from onestop.core.logging import get_logger
from onestop.core.models import Centre, Role
from onestop.core.permissions import require_role
from onestop.identity.codes import parse_uscc
from onestop.identity.lookup import EnterpriseNotFound
from onestop.identity.models import (
    AgencyAuthority,
    AgencyStatus,
    Enterprise,
    EnterpriseAgent,
    Person,
)

log = get_logger(__name__)

MAX_REASON_LENGTH = 200
# The evidence a clerk may record. MIGRATION is only written by the migration.
CLERK_AUTHORITIES = (
    AgencyAuthority.LEGAL_REPRESENTATIVE,
    AgencyAuthority.POWER_OF_ATTORNEY,
)


class AgencyNotVerified(PermissionDenied):
    code = "agency.not_verified"
    message = _(
        "You claimed to act for %(enterprise)s (%(uscc)s), but no service centre has "
        "verified this yet, so you cannot apply for it, see its certificates or give "
        "consents for it. Bring its business licence (营业执照) and a power of "
        "attorney (授权委托书) from it to the comprehensive window of a service centre. "
        "The legal representative brings the business licence and their ID card."
    )


class AgencyNotFound(NotFound):
    code = "agency.not_found"
    message = _("No claim to act for an enterprise has the number %(agency)s.")


class AgencyNotPending(Conflict):
    code = "agency.not_pending"
    message = _(
        "The claim %(agency)s is %(status)s already, so it cannot be decided again. "
        "Reload the enterprise to see its claims."
    )


class OwnAgencyAtWindow(PermissionDenied):
    code = "agency.own_claim"
    message = _(
        "The claim %(agency)s is your own, so you may not decide it. Ask another "
        "clerk to check the documents."
    )


class LicenceNotSeen(InvalidInput):
    code = "agency.licence_not_seen"
    message = _(
        "Check the original business licence (营业执照) of %(uscc)s and confirm it "
        "before verifying a claim."
    )


class AuthorityInvalid(InvalidInput):
    code = "agency.authority_invalid"
    message = _(
        "The evidence %(authority)s is not accepted. Choose one of: %(choices)s."
    )


class NotLegalRepresentative(InvalidInput):
    code = "agency.not_legal_representative"
    message = _(
        "The claimant's registered name %(agent)s is not the legal representative "
        "%(representative)s registered for %(uscc)s. Verify the claim with a power of "
        "attorney (授权委托书) instead, or reject it."
    )


class RejectionReasonInvalid(InvalidInput):
    code = "agency.reason_invalid"
    message = _(
        "Enter the reason for rejecting the claim, 1 to %(max)s characters. The "
        "claimant sees it on their profile."
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
    bring to the window. Anyone else gets `not_agent`, the caller's own error.
    """
    agency = EnterpriseAgent.objects.filter(
        person=person, enterprise=enterprise
    ).first()
    if agency is not None and agency.is_verified:
        return
    if agency is not None and agency.status == AgencyStatus.PENDING:
        raise AgencyNotVerified(enterprise=enterprise.name, uscc=enterprise.masked_uscc)
    raise not_agent


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
    claim pending again. Runs in the caller's transaction.
    """
    agency, created = EnterpriseAgent.objects.get_or_create(
        enterprise=enterprise, person=person
    )
    if not created and agency.status != AgencyStatus.REJECTED:
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
    agency.save()


def find_enterprise_agencies(
    *, actor: Any, centre: Centre, uscc: str
) -> tuple[Enterprise, list[EnterpriseAgent]]:
    """Return the enterprise with the code and its agencies, pending claims first.

    For a window clerk of `centre`. Enterprises are national, so a clerk of any centre
    may look one up and decide its claims at their window.
    """
    require_role(actor, [Role.CLERK], centre=centre)
    code = parse_uscc(uscc).code
    enterprise = Enterprise.objects.filter(uscc=code).first()
    if enterprise is None:
        raise EnterpriseNotFound(uscc=code)
    agencies = sorted(
        enterprise.agencies.select_related("person", "decided_at_centre"),
        key=lambda agency: (agency.status != AgencyStatus.PENDING, agency.since),
    )
    return enterprise, agencies


def verify_agency(
    *,
    actor: Any,
    centre: Centre,
    agency_id: int,
    licence_seen: bool,
    authority: str,
) -> EnterpriseAgent:
    """Verify a pending claim after the clerk checked the documents in person.

    The business licence must have been seen. LEGAL_REPRESENTATIVE needs the claimant's
    registered name to be the enterprise's legal representative, whose ID card the
    clerk checks. POWER_OF_ATTORNEY needs a 授权委托书 from the enterprise.
    """
    membership = require_role(actor, [Role.CLERK], centre=centre)
    with transaction.atomic():
        agency = _pending_agency_for_decision(actor, agency_id)
        enterprise = agency.enterprise
        if not licence_seen:
            raise LicenceNotSeen(uscc=enterprise.masked_uscc)
        if authority not in CLERK_AUTHORITIES:
            raise AuthorityInvalid(
                authority=echoed(authority), choices=list(CLERK_AUTHORITIES)
            )
        if (
            authority == AgencyAuthority.LEGAL_REPRESENTATIVE
            and agency.person.name.strip() != enterprise.legal_representative.strip()
        ):
            raise NotLegalRepresentative(
                agent=agency.person.masked_name,
                representative=enterprise.legal_representative,
                uscc=enterprise.masked_uscc,
            )
        agency.status = AgencyStatus.VERIFIED
        agency.licence_seen = True
        agency.authority = authority
        _record_decision(agency, actor, membership.role, centre, "agency.verified")
    return agency


def reject_agency(
    *, actor: Any, centre: Centre, agency_id: int, reason: str
) -> EnterpriseAgent:
    """Reject a pending claim with a reason that the claimant sees on their profile."""
    membership = require_role(actor, [Role.CLERK], centre=centre)
    reason = " ".join(reason.split())
    if not reason or len(reason) > MAX_REASON_LENGTH:
        raise RejectionReasonInvalid(max=MAX_REASON_LENGTH)
    with transaction.atomic():
        agency = _pending_agency_for_decision(actor, agency_id)
        agency.status = AgencyStatus.REJECTED
        agency.rejection_reason = reason
        _record_decision(agency, actor, membership.role, centre, "agency.rejected")
    return agency


def _pending_agency_for_decision(actor: Any, agency_id: int) -> EnterpriseAgent:
    agency = (
        EnterpriseAgent.objects.select_for_update()
        .select_related("enterprise", "person")
        .filter(pk=agency_id)
        .first()
    )
    if agency is None:
        raise AgencyNotFound(agency=agency_id)
    if agency.person.user_id == actor.pk:
        raise OwnAgencyAtWindow(agency=agency.pk)
    if agency.status != AgencyStatus.PENDING:
        raise AgencyNotPending(agency=agency.pk, status=AgencyStatus(agency.status))
    return agency


def _record_decision(
    agency: EnterpriseAgent, actor: Any, role: str, centre: Centre, verb: str
) -> None:
    """Save the decision with its clerk, time and centre, and audit it.

    The audit and the log keep ids only, because a rejection's reason is free text that
    may name people.
    """
    agency.decided_at = timezone.now()
    agency.decided_by = actor
    agency.decided_at_centre = centre
    agency.save()
    data = {
        "agency_id": agency.pk,
        "enterprise_id": agency.enterprise_id,
        "person_id": agency.person_id,
        "status": agency.status,
        "authority": agency.authority,
    }
    record_event(
        actor=actor,
        actor_role=role,
        verb=verb,
        object_type="enterprise_agent",
        object_id=agency.pk,
        centre=centre,
        data=data,
    )
    log.info(verb, centre_id=centre.pk, **data)


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
