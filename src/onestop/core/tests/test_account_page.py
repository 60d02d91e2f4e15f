"""The accounts section of the staff page: reset, deactivate, reactivate, denials."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from onestop.core.models import AuditEvent, Membership, Role
from onestop.portal.demo import PASSWORD

pytestmark = pytest.mark.django_db


def staff_url(centre):
    return f"/staff/{centre.slug}/"


def post_account(client, centre, action, username):
    return client.post(staff_url(centre), {"action": action, "username": username})


def shown_password(response):
    match = re.search(r"<code>([^<]+)</code>", response.content.decode())
    assert match is not None, response.content
    return match.group(1)


def test_page_lists_accounts(demo):
    response = demo.client("centreadmin").get(staff_url(demo.centre))

    text = response.content.decode()
    assert 'id="staff-accounts"' in text
    assert 'data-username="clerk"' in text
    assert "Reset the password" in text


def test_reset_shows_password_once(demo):
    admin = demo.client("centreadmin")

    response = post_account(admin, demo.centre, "reset_password", "clerk")

    assert response.status_code == 200
    text = response.content.decode()
    assert "The password of clerk is reset." in text
    password = shown_password(response)
    assert demo.user("clerk").check_password(password)
    assert password not in admin.get(staff_url(demo.centre)).content.decode()


def test_reset_ends_session_of_account(demo):
    clerk = demo.client("clerk")
    assert clerk.get("/window/").status_code == 200

    post_account(demo.client("centreadmin"), demo.centre, "reset_password", "clerk")

    response = clerk.get("/window/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_reset_password_must_be_changed(demo):
    response = post_account(
        demo.client("centreadmin"), demo.centre, "reset_password", "clerk"
    )
    password = shown_password(response)
    clerk = Client()

    assert clerk.login(username="clerk", password=password)
    signed_in = clerk.post(
        "/accounts/login/", {"username": "clerk", "password": password}
    )
    assert signed_in.status_code == 302
    window = clerk.get("/window/")
    assert window.status_code == 302
    assert window["Location"] == "/accounts/password/"


def test_reset_denied_for_other_centre_account(demo, other_centre):
    response = post_account(
        demo.client("centreadmin"), demo.centre, "reset_password", "nanhai-clerk"
    )

    assert response.status_code == 403
    assert 'data-code="account.outside_centre"' in response.content.decode()
    assert "<code>" not in response.content.decode()


def test_page_denied_to_other_centre_admin(demo, other_centre):
    user = get_user_model().objects.create_user("nanhai-admin", password=PASSWORD)
    Membership.objects.create(user=user, centre=other_centre, role=Role.CENTRE_ADMIN)

    response = post_account(
        demo.client("nanhai-admin"), demo.centre, "deactivate", "clerk"
    )

    assert response.status_code == 403
    assert demo.user("clerk").is_active


def test_deactivate_and_reactivate(demo):
    admin = demo.client("centreadmin")
    clerk = demo.client("clerk")

    deactivated = post_account(admin, demo.centre, "deactivate", "clerk")

    assert deactivated.status_code == 302
    assert not demo.user("clerk").is_active
    assert clerk.get("/window/").status_code == 302
    page = admin.get(staff_url(demo.centre)).content.decode()
    assert "The account clerk is deactivated." in page
    assert 'value="reactivate"' in page
    reactivated = post_account(admin, demo.centre, "reactivate", "clerk")
    assert reactivated.status_code == 302
    assert demo.user("clerk").is_active
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"account.deactivated", "account.reactivated"} <= verbs


def test_deactivated_account_sign_in_page(demo):
    post_account(demo.client("centreadmin"), demo.centre, "deactivate", "clerk")

    response = Client().post(
        "/accounts/login/", {"username": "clerk", "password": PASSWORD}
    )

    assert response.status_code == 403
    text = response.content.decode()
    assert 'data-code="auth.account_deactivated"' in text
    assert "The account clerk is deactivated" in text


def test_deactivated_sign_in_wrong_password(demo):
    post_account(demo.client("centreadmin"), demo.centre, "deactivate", "clerk")

    response = Client().post(
        "/accounts/login/", {"username": "clerk", "password": "wrong-password-1"}
    )

    assert response.status_code == 200
    assert "auth.account_deactivated" not in response.content.decode()


def test_self_deactivation_on_page(demo):
    response = post_account(
        demo.client("centreadmin"), demo.centre, "deactivate", "centreadmin"
    )

    assert response.status_code == 409
    assert 'data-code="account.own_deactivation"' in response.content.decode()
    assert demo.user("centreadmin").is_active


def test_last_admin_message_in_chinese(demo):
    client = demo.client("platform")
    client.cookies["django_language"] = "zh-hans"
    with translation.override("zh-hans"):
        response = post_account(client, demo.centre, "deactivate", "centreadmin")

    assert response.status_code == 409
    text = response.content.decode()
    assert 'data-code="account.last_centre_admin"' in text
    assert "最后" in text


def account_row(response, username):
    """Return the HTML of the accounts list's row of `username`."""
    text = response.content.decode()
    match = re.search(rf'<tr data-username="{username}">(.*?)</tr>', text, re.DOTALL)
    assert match is not None, text
    return match.group(1)


def grant_supervisor_to_applicant(demo):
    Membership.objects.create(
        user=demo.user("applicant"), centre=demo.centre, role=Role.SUPERVISOR
    )


def test_applicant_account_row_withholds_buttons(demo):
    grant_supervisor_to_applicant(demo)

    response = demo.client("centreadmin").get(staff_url(demo.centre))

    row = account_row(response, "applicant")
    assert 'value="reset_password"' not in row
    assert 'value="deactivate"' not in row
    assert "<button" not in row
    assert 'data-code="account.registered_applicant"' in row
    assert (
        "Also registered as an applicant, so only a platform admin can reset, "
        "deactivate or reactivate this account."
    ) in row


@pytest.mark.parametrize(
    ("viewer", "username"), [("centreadmin", "clerk"), ("platform", "applicant")]
)
def test_account_row_offers_buttons(demo, viewer, username):
    grant_supervisor_to_applicant(demo)

    response = demo.client(viewer).get(staff_url(demo.centre))

    row = account_row(response, username)
    assert 'value="reset_password"' in row
    assert 'value="deactivate"' in row
    assert "account-withheld" not in row


def test_other_centre_account_row_withholds_buttons(demo, other_centre):
    Membership.objects.create(
        user=demo.user("nanhai-clerk"), centre=demo.centre, role=Role.CLERK
    )

    response = demo.client("centreadmin").get(staff_url(demo.centre))

    row = account_row(response, "nanhai-clerk")
    assert "<button" not in row
    assert 'data-code="account.outside_centre"' in row


def test_withheld_reason_in_chinese(demo):
    grant_supervisor_to_applicant(demo)
    client = demo.client("centreadmin")
    client.cookies["django_language"] = "zh-hans"

    with translation.override("zh-hans"):
        response = client.get(staff_url(demo.centre))

    row = account_row(response, "applicant")
    assert "只有平台管理员" in row
    assert "<button" not in row


@pytest.mark.parametrize("action", ["reset_password", "deactivate", "reactivate"])
def test_applicant_account_post_denied(demo, action):
    grant_supervisor_to_applicant(demo)
    password_before = demo.user("applicant").password

    response = post_account(
        demo.client("centreadmin"), demo.centre, action, "applicant"
    )

    assert response.status_code == 403
    assert 'data-code="account.registered_applicant"' in response.content.decode()
    assert "<code>" not in response.content.decode()
    applicant = demo.user("applicant")
    assert applicant.password == password_before
    assert applicant.is_active


def test_own_account_row_withholds_deactivate(demo):
    response = demo.client("centreadmin").get(staff_url(demo.centre))

    row = account_row(response, "centreadmin")
    assert 'value="reset_password"' in row
    assert 'value="deactivate"' not in row
    assert 'data-code="account.own_deactivation"' in row
    assert "You cannot deactivate your own account. Ask another admin." in row
