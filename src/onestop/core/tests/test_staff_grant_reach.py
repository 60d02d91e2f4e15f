"""Which existing accounts a centre admin may grant a role to, through the API, the
Staff page and `onestop staff grant`.

A centre admin grants roles only to accounts on their own centre's staff or with no
staff role at all, never to another centre's staff, a platform account or a registered
applicant. The refusal is the same error as for a missing account.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from onestop.core.models import AuditEvent, Membership, Role
from onestop.core.tests.test_staff_api import token_client, url
from onestop.core.tests.test_staff_page import staff_url
from onestop.portal.demo import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def nanhai_admin(other_centre):
    """The centre admin of the second centre (440605)."""
    user = get_user_model().objects.create_user("nanhai-admin", password=PASSWORD)
    Membership.objects.create(user=user, centre=other_centre, role=Role.CENTRE_ADMIN)
    return user


def grant(client, centre, username, role="clerk"):
    return client.post(
        url(centre),
        {"username": username, "role": role},
        content_type="application/json",
    )


def not_grantable_message(username):
    return (
        f"You cannot grant a role in 南海区政务服务中心 to {username}: no such "
        "account exists, or it belongs to the staff of another centre, to a platform "
        'admin or to a registered applicant. Check the user name, tick "create the '
        'account" to create a new account, or ask a platform admin to grant the role.'
    )


def test_other_centre_staff_not_grantable(demo, other_centre, nanhai_admin):
    client = token_client("nanhai-admin")
    roles_before = Membership.objects.count()
    events_before = AuditEvent.objects.count()

    response = grant(client, other_centre, "reviewer-transport")

    assert response.status_code == 404
    assert response.json()["code"] == "staff.user_not_grantable"
    assert response.json()["message"] == not_grantable_message("reviewer-transport")
    assert Membership.objects.count() == roles_before
    assert AuditEvent.objects.count() == events_before


def test_refusal_same_as_missing_account(demo, other_centre, nanhai_admin):
    client = token_client("nanhai-admin")

    other_staff = grant(client, other_centre, "clerk")
    missing = grant(client, other_centre, "nobody-here")

    assert other_staff.status_code == 404
    assert missing.status_code == 404
    assert other_staff.json()["code"] == missing.json()["code"]
    assert other_staff.json()["message"] == not_grantable_message("clerk")
    assert missing.json()["message"] == not_grantable_message("nobody-here")


@pytest.mark.parametrize("username", ["platform", "applicant"])
def test_platform_and_applicant_not_grantable(
    demo, other_centre, nanhai_admin, username
):
    response = grant(token_client("nanhai-admin"), other_centre, username)

    assert response.status_code == 404
    assert response.json()["code"] == "staff.user_not_grantable"
    assert not Membership.objects.filter(
        user__username=username, centre=other_centre
    ).exists()


def test_django_admin_account_not_grantable(demo, other_centre, nanhai_admin):
    get_user_model().objects.create_superuser("root", password=PASSWORD)

    response = grant(token_client("nanhai-admin"), other_centre, "root")

    assert response.status_code == 404
    assert response.json()["code"] == "staff.user_not_grantable"


def test_refusal_in_chinese(demo, other_centre, nanhai_admin):
    response = token_client("nanhai-admin").post(
        url(other_centre),
        {"username": "clerk", "role": "clerk"},
        content_type="application/json",
        headers={"Accept-Language": "zh-hans"},
    )

    assert response.json()["message"] == (
        "无法在南海区政务服务中心向 clerk 授予角色：该账号不存在，或属于其他中心"
        "的工作人员、平台管理员或已注册的申请人。请检查用户名，勾选“创建账号”以创建新"
        "账号，或请平台管理员授予该角色。"
    )


def test_own_staff_and_new_accounts_grantable(demo, other_centre, nanhai_admin):
    get_user_model().objects.create_user("no-roles", password=PASSWORD)
    client = token_client("nanhai-admin")

    own = grant(client, other_centre, "nanhai-clerk", role="supervisor")
    unattached = grant(client, other_centre, "no-roles")
    created = client.post(
        url(other_centre),
        {"username": "nanhai-new", "role": "clerk", "create_account": True},
        content_type="application/json",
    )

    assert own.status_code == 201, own.content
    assert unattached.status_code == 201, unattached.content
    assert created.status_code == 201, created.content


def test_platform_admin_grants_other_centre_staff(demo, other_centre):
    response = grant(token_client("platform"), other_centre, "reviewer-transport")

    assert response.status_code == 201, response.content
    assert Membership.objects.filter(
        user__username="reviewer-transport", centre=other_centre, role=Role.CLERK
    ).exists()
    event = AuditEvent.objects.filter(verb="staff_role.granted").latest("pk")
    assert event.actor_role == Role.PLATFORM_ADMIN


def test_page_refuses_other_centre_staff(demo, other_centre, nanhai_admin):
    client = demo.client("nanhai-admin")
    roles_before = Membership.objects.count()

    response = client.post(
        staff_url(other_centre),
        {
            "action": "grant",
            "username": "reviewer-transport",
            "role": "clerk",
            "department": "",
        },
    )

    assert response.status_code == 404
    text = response.content.decode().replace("&quot;", '"')
    assert 'data-code="staff.user_not_grantable"' in text
    assert not_grantable_message("reviewer-transport") in text
    assert Membership.objects.count() == roles_before


def test_page_platform_admin_grants(demo, other_centre):
    response = demo.client("platform").post(
        staff_url(other_centre),
        {
            "action": "grant",
            "username": "reviewer-transport",
            "role": "clerk",
            "department": "",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert Membership.objects.filter(
        user__username="reviewer-transport", centre=other_centre
    ).exists()


def test_command_grants_other_centre_staff(demo, other_centre):
    out = io.StringIO()
    call_command(
        "staff",
        "grant",
        "--user",
        "reviewer-transport",
        "--centre",
        "440605",
        "--role",
        "clerk",
        stdout=out,
    )

    event = AuditEvent.objects.filter(verb="staff_role.granted").latest("pk")
    assert event.actor_role == "operator"
    assert Membership.objects.filter(
        user__username="reviewer-transport", centre=other_centre
    ).exists()
