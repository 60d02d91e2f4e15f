"""Every path that deactivates an account or sets its password ends its access.

Each path is checked the same way: a session and an API token of the account opened
before the change stop working, and stay stopped after a reactivation.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from onestop.core.actions import issue_api_token
from onestop.core.models import AuditEvent, PasswordChangeRequired
from onestop.core.staff import accounts
from onestop.window.tests.test_password_reset import APPLICANT_ID

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-Password-2026"


class Access:
    """A session and an API token of one account, both opened before a change."""

    def __init__(self, demo, username: str) -> None:
        self.username = username
        self.session = demo.client(username)
        token = issue_api_token(actor=demo.user(username), name="test")
        self.token = Client(headers={"Authorization": f"Bearer {token}"})
        assert self.session_works()
        assert self.token_works()

    def session_works(self) -> bool:
        return self.session.get("/accounts/profile/").status_code == 200

    def token_works(self) -> bool:
        return self.token.get("/api/v1/notifications").status_code == 200


def user(username: str):
    return get_user_model().objects.get(username=username)


def assert_ended_for_good(access: Access) -> None:
    """Check that neither the session nor the token works, now and after the account
    is reactivated."""
    assert not access.session_works()
    assert not access.token_works()
    accounts.reactivate_account(actor=None, user=user(access.username), centre=None)
    assert not access.session_works()
    assert not access.token_works()


def change_form(account) -> dict[str, str]:
    """Return the admin change form's data of `account`, with Active unticked."""
    joined = account.date_joined
    return {
        "username": account.username,
        "first_name": account.first_name,
        "last_name": account.last_name,
        "email": account.email,
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
    }


def test_admin_form_deactivation_ends_access(demo):
    access = Access(demo, "applicant")
    applicant = user("applicant")

    response = demo.client("platform").post(
        f"/admin/auth/user/{applicant.pk}/change/", change_form(applicant)
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert not user("applicant").is_active
    event = AuditEvent.objects.get(verb="account.deactivated")
    assert event.actor_role == "platform_admin"
    assert event.data["tokens_revoked"] == 1
    assert_ended_for_good(access)


def test_admin_cannot_delete_an_account(demo):
    applicant = user("applicant")
    admin = demo.client("platform")

    page = admin.get(f"/admin/auth/user/{applicant.pk}/delete/")
    posted = admin.post(f"/admin/auth/user/{applicant.pk}/delete/", {"post": "yes"})
    listing = admin.get("/admin/auth/user/")

    assert page.status_code == 403
    assert posted.status_code == 403
    assert user("applicant").is_active
    assert "delete_selected" not in listing.content.decode()
    assert "deactivate_accounts" in listing.content.decode()


def test_admin_form_reactivation_is_audited(demo):
    applicant = user("applicant")
    accounts.deactivate_account(actor=None, user=applicant, centre=None)

    response = demo.client("platform").post(
        f"/admin/auth/user/{applicant.pk}/change/",
        {**change_form(applicant), "is_active": "on"},
    )

    assert response.status_code == 302
    assert user("applicant").is_active
    assert AuditEvent.objects.filter(verb="account.reactivated").count() == 1


def test_admin_form_keeps_last_centre_admin(demo):
    admin = user("centreadmin")

    response = demo.client("platform").post(
        f"/admin/auth/user/{admin.pk}/change/", change_form(admin)
    )

    assert response.status_code == 200
    assert "last active centre admin" in response.content.decode()
    assert user("centreadmin").is_active
    assert not AuditEvent.objects.filter(verb="account.deactivated").exists()


def test_admin_form_rejects_own_deactivation(demo):
    platform = user("platform")

    response = demo.client("platform").post(
        f"/admin/auth/user/{platform.pk}/change/", change_form(platform)
    )

    assert response.status_code == 200
    assert "cannot deactivate your own account" in response.content.decode()
    assert user("platform").is_active


def test_admin_bulk_deactivation_ends_access(demo):
    access = Access(demo, "applicant")
    selected = [user("applicant").pk, user("centreadmin").pk]

    response = demo.client("platform").post(
        "/admin/auth/user/",
        {"action": "deactivate_accounts", "_selected_action": selected},
        follow=True,
    )

    text = response.content.decode()
    assert "1 account changed." in text
    assert "last active centre admin" in text
    assert user("centreadmin").is_active
    assert AuditEvent.objects.filter(verb="account.deactivated").count() == 1
    assert_ended_for_good(access)


def test_admin_bulk_reactivation(demo):
    accounts.deactivate_account(actor=None, user=user("applicant"), centre=None)

    demo.client("platform").post(
        "/admin/auth/user/",
        {"action": "reactivate_accounts", "_selected_action": [user("applicant").pk]},
    )

    assert user("applicant").is_active
    assert AuditEvent.objects.filter(verb="account.reactivated").count() == 1


def test_admin_password_ends_access(demo):
    access = Access(demo, "applicant")
    applicant = user("applicant")

    response = demo.client("platform").post(
        f"/admin/auth/user/{applicant.pk}/password/",
        {
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert user("applicant").check_password(NEW_PASSWORD)
    assert PasswordChangeRequired.objects.filter(user=applicant).exists()
    event = AuditEvent.objects.get(verb="account.password_set")
    assert NEW_PASSWORD not in str(event.data)
    assert_ended_for_good(access)


def test_admin_password_disabling_ends_access(demo):
    access = Access(demo, "applicant")
    applicant = user("applicant")

    response = demo.client("platform").post(
        f"/admin/auth/user/{applicant.pk}/password/",
        {"usable_password": "false", "unset-password": "1"},
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert not user("applicant").has_usable_password()
    assert AuditEvent.objects.filter(verb="account.password_disabled").count() == 1
    assert_ended_for_good(access)


def test_admin_own_password_keeps_session(demo):
    platform = demo.client("platform")

    response = platform.post(
        f"/admin/auth/user/{user('platform').pk}/password/",
        {
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert platform.get("/accounts/profile/").status_code == 200
    assert not PasswordChangeRequired.objects.filter(user=user("platform")).exists()


@pytest.mark.parametrize("subcommand", ["deactivate", "reset-password"])
def test_account_command_ends_access(demo, subcommand):
    access = Access(demo, "applicant")

    call_command("account", subcommand, "--user", "applicant", stdout=io.StringIO())

    assert_ended_for_good(access)


def test_staff_page_deactivation_ends_access(demo):
    access = Access(demo, "clerk")

    response = demo.client("centreadmin").post(
        f"/staff/{demo.centre.slug}/",
        {"action": "deactivate", "username": "clerk"},
    )

    assert response.status_code in (200, 302)
    assert not user("clerk").is_active
    assert_ended_for_good(access)


@pytest.mark.parametrize(
    ("route", "verb"),
    [
        ("applicant-deactivations", "account.deactivated_at_window"),
        ("applicant-password-resets", "account.password_reset_at_window"),
    ],
)
def test_window_clerk_ends_access(demo, route, verb):
    access = Access(demo, "applicant")

    response = demo.client("clerk").post(
        f"/api/v1/centres/{demo.centre.slug}/{route}",
        {"id_number": APPLICANT_ID},
        content_type="application/json",
    )

    assert response.status_code in (200, 201), response.content
    event = AuditEvent.objects.get(verb=verb)
    assert event.data["tokens_revoked"] == 1
    assert_ended_for_good(access)
