"""The staff page: list, grant and revoke, and each denial outside the admin's centre."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from onestop.core.models import AuditEvent, Membership

pytestmark = pytest.mark.django_db


def staff_url(centre):
    return f"/staff/{centre.slug}/"


def test_page_lists_staff_of_centre(demo, other_centre):
    response = demo.client("centreadmin").get(staff_url(demo.centre))

    assert response.status_code == 200
    text = response.content.decode()
    assert "clerk" in text
    assert "market_regulation" in text
    assert "nanhai-clerk" not in text


def test_navigation_links_staff_page(demo):
    response = demo.client("centreadmin").get("/catalog/", follow=True)
    assert 'href="/staff/"' in response.content.decode()


def test_index_redirects_to_own_centre(demo):
    response = demo.client("centreadmin").get("/staff/")
    assert response.status_code == 302
    assert response.url == staff_url(demo.centre)


def test_index_denies_clerk(demo):
    response = demo.client("clerk").get("/staff/")
    assert response.status_code == 403


def test_grant_existing_account(demo):
    get_user_model().objects.create_user("wang", password="x-unused-1")

    response = demo.client("centreadmin").post(
        staff_url(demo.centre),
        {"action": "grant", "username": "wang", "role": "clerk", "department": ""},
        follow=True,
    )

    assert response.status_code == 200
    assert "Granted the role window clerk (clerk) to wang." in response.content.decode()
    assert Membership.objects.filter(
        user__username="wang", role="clerk", centre=demo.centre
    ).exists()


def test_grant_with_new_account_shows_password_once(demo):
    client = demo.client("centreadmin")
    response = client.post(
        staff_url(demo.centre),
        {
            "action": "grant",
            "username": "li",
            "role": "supervisor",
            "create_account": "on",
        },
    )

    assert response.status_code == 200
    password = response.context["initial_password"]
    assert password in response.content.decode()
    assert get_user_model().objects.get(username="li").check_password(password)
    again = client.get(staff_url(demo.centre))
    assert password not in again.content.decode()


def test_grant_error_names_value_and_rule(demo):
    get_user_model().objects.create_user("wang", password="x-unused-1")

    response = demo.client("centreadmin").post(
        staff_url(demo.centre),
        {"action": "grant", "username": "wang", "role": "reviewer", "department": ""},
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert 'data-code="staff.department_required"' in text
    assert "department reviewer (reviewer)" in text
    assert not Membership.objects.filter(user__username="wang").exists()


def test_grant_error_in_chinese(demo):
    get_user_model().objects.create_user("wang", password="x-unused-1")
    client = demo.client("centreadmin")
    client.cookies["django_language"] = "zh-hans"

    with translation.override("zh-hans"):
        response = client.post(
            staff_url(demo.centre),
            {
                "action": "grant",
                "username": "wang",
                "role": "clerk",
                "department": "x9",
            },
        )

    text = response.content.decode()
    assert response.status_code == 400
    assert "x9" in text
    assert "不需要部门" in text


def test_revoke_role(demo):
    membership = Membership.objects.get(user__username="supervisor")

    response = demo.client("centreadmin").post(
        staff_url(demo.centre),
        {"action": "revoke", "role_id": str(membership.pk)},
    )

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(verb="staff_role.revoked").count() == 1


def test_own_last_admin_role_page_error(demo):
    membership = Membership.objects.get(user__username="centreadmin")

    response = demo.client("centreadmin").post(
        staff_url(demo.centre), {"action": "revoke", "role_id": str(membership.pk)}
    )

    assert response.status_code == 409
    assert 'data-code="staff.own_last_admin_role"' in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_other_centre_page_denied(demo, other_centre):
    response = demo.client("centreadmin").get(staff_url(other_centre))

    assert response.status_code == 403
    assert "nanhai-clerk" not in response.content.decode()


def test_other_centre_grant_denied(demo, other_centre):
    response = demo.client("centreadmin").post(
        staff_url(other_centre),
        {"action": "grant", "username": "clerk", "role": "clerk"},
    )

    assert response.status_code == 403
    assert not Membership.objects.filter(
        user__username="clerk", centre=other_centre
    ).exists()


def test_other_centre_revoke_denied(demo, other_centre):
    foreign = Membership.objects.get(user__username="nanhai-clerk")
    client = demo.client("centreadmin")

    on_other_page = client.post(
        staff_url(other_centre), {"action": "revoke", "role_id": str(foreign.pk)}
    )
    on_own_page = client.post(
        staff_url(demo.centre), {"action": "revoke", "role_id": str(foreign.pk)}
    )

    assert on_other_page.status_code == 403
    assert on_own_page.status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


def test_clerk_page_denied(demo):
    response = demo.client("clerk").get(staff_url(demo.centre))
    assert response.status_code == 403


def test_platform_admin_option_only_for_platform_admin(demo):
    centre_admin = demo.client("centreadmin").get(staff_url(demo.centre))
    platform = demo.client("platform").get(staff_url(demo.centre))

    assert 'value="platform_admin"' not in centre_admin.content.decode()
    assert 'value="platform_admin"' in platform.content.decode()
