"""Agency decisions at the window (经办人核验): a clerk finds an enterprise by its USCC,
verifies or rejects the claims to act for it, and revokes verified agencies.

Enterprises are national, so a clerk of any centre may decide the claims of any
enterprise at their window, and each decision is recorded with that clerk's centre.
No clerk decides a claim of an enterprise that they act for or claimed to act for.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.core.audit import record_event
from onestop.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    echoed,
)
from onestop.core.logging import get_logger
from onestop.core.models import Centre, Role
from onestop.core.permissions import require_role
from onestop.identity.actions import correct_enterprise
from onestop.identity.codes import parse_uscc
from onestop.identity.lookup import EnterpriseNotFound
from onestop.identity.models import (
    AgencyAuthority,
    AgencyStatus,
    Enterprise,
    EnterpriseAgent,
)

log = get_logger(__name__)

MAX_REASON_LENGTH = 200
# The evidence a clerk may record. MIGRATION is only written by the migration.
CLERK_AUTHORITIES = (
    AgencyAuthority.LEGAL_REPRESENTATIVE,
    AgencyAuthority.POWER_OF_ATTORNEY,
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


class OwnEnterpriseAtWindow(PermissionDenied):
    code = "agency.own_enterprise"
    message = _(
        "You act for %(uscc)s, or claimed to, so you may not decide or revoke the "
        "agencies of this enterprise. Ask another clerk to check the documents."
    )


class AgencyNotRevocable(Conflict):
    code = "agency.not_revocable"
    message = _(
        "The agency %(agency)s is %(status)s, so it cannot be revoked: only a "
        "verified agency can. Reject a pending claim instead, or reload the "
        "enterprise to see its agencies."
    )


class RevocationReasonInvalid(RejectionReasonInvalid):
    message = _(
        "Enter the reason for revoking the agency, 1 to %(max)s characters. The "
        "agent sees it on their profile."
    )


def find_enterprise_agencies(
    *, actor: Any, centre: Centre, uscc: str
) -> tuple[Enterprise, list[EnterpriseAgent]]:
    """Return the enterprise with the code and its agencies: pending claims first, then
    verified agencies, then rejected and revoked ones, each group oldest first.

    For a window clerk of `centre`. Enterprises are national, so a clerk of any centre
    may look one up and decide its claims at their window.
    """
    require_role(actor, [Role.CLERK], centre=centre)
    code = parse_uscc(uscc).code
    enterprise = Enterprise.objects.filter(uscc=code).first()
    if enterprise is None:
        raise EnterpriseNotFound(uscc=code)
    order: list[str] = [AgencyStatus.PENDING, AgencyStatus.VERIFIED]
    agencies = sorted(
        enterprise.agencies.select_related(
            "person", "decided_at_centre", "revoked_at_centre"
        ),
        key=lambda agency: (
            order.index(agency.status) if agency.status in order else len(order),
            agency.since,
        ),
    )
    return enterprise, agencies


def verify_agency(
    *,
    actor: Any,
    centre: Centre,
    agency_id: int,
    licence_seen: bool,
    authority: str,
    name: str | None = None,
    legal_representative: str | None = None,
) -> EnterpriseAgent:
    """Verify a pending claim after the clerk checked the documents in person.

    The business licence must have been seen. `name` and `legal_representative`, when
    not None, are the enterprise's name and legal representative as the licence shows
    them, and a value that differs from the stored one corrects it
    (`identity.actions.correct_enterprise`). LEGAL_REPRESENTATIVE needs the claimant's
    registered name to be the enterprise's legal representative after that correction,
    whose ID card the clerk checks. POWER_OF_ATTORNEY needs a 授权委托书 from the
    enterprise. Nothing is saved when any check fails.
    """
    membership = require_role(actor, [Role.CLERK], centre=centre)
    with transaction.atomic():
        agency = _agency_for_decision(actor, agency_id)
        _check_pending(agency)
        enterprise = agency.enterprise
        if not licence_seen:
            raise LicenceNotSeen(uscc=enterprise.masked_uscc)
        if authority not in CLERK_AUTHORITIES:
            raise AuthorityInvalid(
                authority=echoed(authority), choices=list(CLERK_AUTHORITIES)
            )
        correct_enterprise(
            actor=actor,
            role=membership.role,
            centre=centre,
            enterprise=enterprise,
            name=name,
            legal_representative=legal_representative,
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
    reason = _clean_reason(reason, RejectionReasonInvalid)
    with transaction.atomic():
        agency = _agency_for_decision(actor, agency_id)
        _check_pending(agency)
        agency.status = AgencyStatus.REJECTED
        agency.rejection_reason = reason
        _record_decision(agency, actor, membership.role, centre, "agency.rejected")
    return agency


def revoke_agency(
    *, actor: Any, centre: Centre, agency_id: int, reason: str
) -> EnterpriseAgent:
    """End a verified agency, with a reason that the agent sees on their profile.

    The clerk acts on the enterprise's request, checked at the window. The person loses
    the enterprise's certificates, cases, applications and credit consents at their
    next request, because each of those reads and actions looks for a verified agency.
    The verification's clerk, centre and evidence stay on the agency.
    """
    membership = require_role(actor, [Role.CLERK], centre=centre)
    reason = _clean_reason(reason, RevocationReasonInvalid)
    with transaction.atomic():
        agency = _agency_for_decision(actor, agency_id)
        if agency.status != AgencyStatus.VERIFIED:
            raise AgencyNotRevocable(
                agency=agency.pk, status=AgencyStatus(agency.status)
            )
        agency.status = AgencyStatus.REVOKED
        agency.revoked_at = timezone.now()
        agency.revoked_by = actor
        agency.revoked_at_centre = centre
        agency.revocation_reason = reason
        agency.save()
        _audit_decision(agency, actor, membership.role, centre, "agency.revoked")
    return agency


def _clean_reason(reason: str, invalid: type[RejectionReasonInvalid]) -> str:
    reason = " ".join(reason.split())
    if not reason or len(reason) > MAX_REASON_LENGTH:
        raise invalid(max=MAX_REASON_LENGTH)
    return reason


def _agency_for_decision(actor: Any, agency_id: int) -> EnterpriseAgent:
    """Lock the agency, and raise unless the clerk may decide for its enterprise."""
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
    # Any claim of the clerk counts, as for the recusal from an enterprise's cases.
    if agency.enterprise.agencies.filter(person__user_id=actor.pk).exists():
        raise OwnEnterpriseAtWindow(uscc=agency.enterprise.masked_uscc)
    return agency


def _check_pending(agency: EnterpriseAgent) -> None:
    if agency.status != AgencyStatus.PENDING:
        raise AgencyNotPending(agency=agency.pk, status=AgencyStatus(agency.status))


def _record_decision(
    agency: EnterpriseAgent, actor: Any, role: str, centre: Centre, verb: str
) -> None:
    """Save the decision with its clerk, time and centre, and audit it."""
    agency.decided_at = timezone.now()
    agency.decided_by = actor
    agency.decided_at_centre = centre
    agency.save()
    _audit_decision(agency, actor, role, centre, verb)


def _audit_decision(
    agency: EnterpriseAgent, actor: Any, role: str, centre: Centre, verb: str
) -> None:
    """Write the decision's audit event and log line.

    Both keep ids only, because the reason of a rejection or a revocation is free text
    that may name people.
    """
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
