"""Granting and revoking staff roles: the rules, the audit events and the log lines."""

from __future__ import annotations

import pytest
import structlog
from django.contrib.auth import get_user_model

from onestop.core.errors import OneStopError
from onestop.core.models import AuditEvent, Membership, Role
from onestop.core.staff.actions import grant_role, revoke_role
from onestop.core.staff.queries import get_staff_role_for, staff_roles_for

pytestmark = pytest.mark.django_db


def make_user(username):
    return get_user_model().objects.create_user(username, password="x-unused-1")


def raises(code, call, **kwargs):
    with pytest.raises(OneStopError) as caught:
        call(**kwargs)
    assert caught.value.code == code, caught.value.render()
    return caught.value


def test_grant_clerk_writes_role_and_event(demo):
    admin = demo.user("centreadmin")
    make_user("wang")

    grant = grant_role(actor=admin, username="wang", role="clerk", centre=demo.centre)

    membership = grant.membership
    assert membership.role == Role.CLERK
    assert membership.centre == demo.centre
    assert membership.department is None
    assert grant.initial_password == ""
    event = AuditEvent.objects.get(verb="staff_role.granted")
    assert event.actor == admin
    assert event.actor_role == Role.CENTRE_ADMIN
    assert event.centre == demo.centre
    assert event.object_id == str(membership.pk)
    assert event.data["role"] == "clerk"
    assert event.data["user_id"] == membership.user_id


def test_grant_logs_ids_only(demo):
    make_user("wang")
    with structlog.testing.capture_logs() as logs:
        grant_role(
            actor=demo.user("centreadmin"),
            username="wang",
            role="clerk",
            centre=demo.centre,
        )
    [line] = [log for log in logs if log["event"] == "staff_role.granted"]
    assert line["centre_id"] == demo.centre.pk
    assert line["role"] == "clerk"
    assert "wang" not in str(line)


def test_grant_creates_account_with_password(demo):
    grant = grant_role(
        actor=demo.user("centreadmin"),
        username="new.clerk",
        role="clerk",
        centre=demo.centre,
        create_account=True,
    )

    user = grant.membership.user
    assert len(grant.initial_password) >= 16
    assert user.check_password(grant.initial_password)
    assert grant.initial_password not in user.password
    event = AuditEvent.objects.get(verb="staff_role.granted")
    assert event.data["account_created"] is True


def test_grant_create_rejects_existing_user(demo):
    error = raises(
        "staff.user_exists",
        grant_role,
        actor=demo.user("centreadmin"),
        username="clerk",
        role="supervisor",
        centre=demo.centre,
        create_account=True,
    )
    assert "clerk" in error.render()
    assert not Membership.objects.filter(
        user__username="clerk", role="supervisor"
    ).exists()


def test_grant_create_rejects_invalid_username(demo):
    error = raises(
        "staff.invalid_username",
        grant_role,
        actor=demo.user("centreadmin"),
        username="wang xiao",
        role="clerk",
        centre=demo.centre,
        create_account=True,
    )
    assert '"wang xiao"' in error.render()
    assert not get_user_model().objects.filter(username="wang xiao").exists()


@pytest.mark.parametrize(
    ("actor", "code"),
    [("platform", "staff.user_not_found"), ("centreadmin", "staff.user_not_grantable")],
)
def test_grant_unknown_user_is_named(demo, actor, code):
    error = raises(
        code,
        grant_role,
        actor=demo.user(actor),
        username="nobody",
        role="clerk",
        centre=demo.centre,
    )
    assert "nobody" in error.render()


def test_grant_unknown_role_lists_roles(demo):
    make_user("wang")
    error = raises(
        "staff.unknown_role",
        grant_role,
        actor=demo.user("centreadmin"),
        username="wang",
        role="janitor",
        centre=demo.centre,
    )
    assert "janitor" in error.render()
    assert "window clerk (clerk)" in error.render()


@pytest.mark.parametrize("role", ["reviewer", "department_admin"])
def test_department_role_needs_department(demo, role):
    make_user("wang")
    error = raises(
        "staff.department_required",
        grant_role,
        actor=demo.user("centreadmin"),
        username="wang",
        role=role,
        centre=demo.centre,
    )
    assert "market_regulation" in error.render()
    assert demo.centre.name in error.render()


@pytest.mark.parametrize("role", ["clerk", "centre_admin", "supervisor"])
def test_centre_role_takes_no_department(demo, role):
    make_user("wang")
    error = raises(
        "staff.department_not_allowed",
        grant_role,
        actor=demo.user("centreadmin"),
        username="wang",
        role=role,
        centre=demo.centre,
        department="market_regulation",
    )
    assert "market_regulation" in error.render()


def test_unknown_department_is_named(demo):
    make_user("wang")
    error = raises(
        "staff.department_not_found",
        grant_role,
        actor=demo.user("centreadmin"),
        username="wang",
        role="reviewer",
        centre=demo.centre,
        department="no_such_department",
    )
    assert "no_such_department" in error.render()


def test_grant_reviewer_with_department(demo):
    make_user("wang")
    grant = grant_role(
        actor=demo.user("centreadmin"),
        username="wang",
        role="reviewer",
        centre=demo.centre,
        department="market_regulation",
    )
    assert grant.membership.department == demo.market


def test_duplicate_grant_is_rejected(demo):
    error = raises(
        "staff.role_already_held",
        grant_role,
        actor=demo.user("centreadmin"),
        username="clerk",
        role="clerk",
        centre=demo.centre,
    )
    assert "clerk" in error.render()
    assert Membership.objects.filter(user__username="clerk", role="clerk").count() == 1


def test_duplicate_platform_admin_is_rejected(demo):
    raises(
        "staff.role_already_held",
        grant_role,
        actor=None,
        username="platform",
        role="platform_admin",
        centre=None,
    )


def test_centre_admin_cannot_grant_platform_admin(demo):
    make_user("wang")
    raises(
        "staff.platform_admin_only",
        grant_role,
        actor=demo.user("centreadmin"),
        username="wang",
        role="platform_admin",
        centre=demo.centre,
    )
    assert not Membership.objects.filter(user__username="wang").exists()


def test_platform_admin_grants_platform_admin(demo):
    make_user("wang")
    grant = grant_role(
        actor=demo.user("platform"),
        username="wang",
        role="platform_admin",
        centre=demo.centre,
    )
    assert grant.membership.centre is None


def test_centre_admin_cannot_grant_in_other_centre(demo, other_centre):
    make_user("wang")
    raises(
        "permission.role_required",
        grant_role,
        actor=demo.user("centreadmin"),
        username="wang",
        role="clerk",
        centre=other_centre,
    )
    assert not Membership.objects.filter(user__username="wang").exists()


def test_clerk_cannot_grant(demo):
    make_user("wang")
    raises(
        "permission.role_required",
        grant_role,
        actor=demo.user("clerk"),
        username="wang",
        role="clerk",
        centre=demo.centre,
    )


def test_revoke_deletes_role_and_writes_event(demo):
    admin = demo.user("centreadmin")
    membership = Membership.objects.get(user__username="clerk")
    membership_id = membership.pk

    revoke_role(actor=admin, membership=membership)

    assert not Membership.objects.filter(pk=membership_id).exists()
    event = AuditEvent.objects.get(verb="staff_role.revoked")
    assert event.actor == admin
    assert event.centre == demo.centre
    assert event.object_id == str(membership_id)
    assert event.data["role"] == "clerk"


def test_own_last_centre_admin_role_is_kept(demo):
    admin = demo.user("centreadmin")
    membership = Membership.objects.get(user=admin, role="centre_admin")

    error = raises(
        "staff.own_last_admin_role", revoke_role, actor=admin, membership=membership
    )

    assert demo.centre.name in error.render()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_other_admin_may_revoke_centre_admin(demo):
    membership = Membership.objects.get(
        user__username="centreadmin", role="centre_admin"
    )
    revoke_role(actor=demo.user("platform"), membership=membership)
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_centre_admin_cannot_revoke_platform_admin(demo):
    membership = Membership.objects.get(role="platform_admin")
    raises(
        "staff.platform_admin_only",
        revoke_role,
        actor=demo.user("centreadmin"),
        membership=membership,
    )
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_list_is_scoped_to_centre(demo, other_centre):
    rows = staff_roles_for(demo.user("centreadmin"), demo.centre)
    usernames = {row.user.username for row in rows}
    assert "clerk" in usernames
    assert "nanhai-clerk" not in usernames
    assert "platform" not in usernames


def test_platform_admin_list_shows_platform_admins(demo):
    rows = staff_roles_for(demo.user("platform"), demo.centre)
    assert "platform" in {row.user.username for row in rows}


def test_role_of_other_centre_not_found(demo, other_centre):
    foreign = Membership.objects.get(user__username="nanhai-clerk")
    error = raises(
        "staff.role_not_found",
        get_staff_role_for,
        actor=demo.user("centreadmin"),
        centre=demo.centre,
        role_id=foreign.pk,
    )
    assert str(foreign.pk) in error.render()


def test_list_of_other_centre_denied(demo, other_centre):
    raises(
        "permission.role_required",
        staff_roles_for,
        actor=demo.user("centreadmin"),
        centre=other_centre,
    )
