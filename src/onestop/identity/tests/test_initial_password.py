"""An account created with an initial password must choose its own before anything else."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from onestop.core.models import AuditEvent, PasswordChangeRequired
from onestop.core.staff.actions import grant_role

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "river-lamp-2026"
UNCHANGED_MESSAGE = (
    "The new password is the same as the current one. Choose a different password: "
    "whoever set or saw the current one may still know it."
)


@pytest.fixture
def new_clerk(demo):
    """Return the user name and initial password of a clerk account a centre admin made."""
    grant = grant_role(
        actor=demo.user("centreadmin"),
        username="zhou",
        role="clerk",
        centre=demo.centre,
        create_account=True,
    )
    return "zhou", grant.initial_password


def signed_in(username, password):
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": username, "password": password}
    )
    assert response.status_code == 302
    return client


def change(client, old):
    return client.post(
        "/accounts/password/",
        {
            "old_password": old,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )


def test_pages_redirect_to_password_change(new_clerk):
    client = signed_in(*new_clerk)

    response = client.get("/window/")

    assert response.status_code == 302
    assert response.url == "/accounts/password/"
    page = client.get("/accounts/password/")
    assert page.status_code == 200
    assert 'id="initial-password-notice"' in page.content.decode()


def test_session_api_rejected(new_clerk):
    client = signed_in(*new_clerk)

    response = client.get("/api/v1/notifications")

    assert response.status_code == 403
    assert response.json()["code"] == "auth.password_change_required"
    assert "/accounts/password/" in response.json()["message"]


def test_token_refused_until_changed(new_clerk):
    username, password = new_clerk
    body = {"username": username, "password": password}

    response = Client().post(
        "/api/v1/auth/token", body, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "auth.password_change_required"
    assert "zhou" in response.json()["message"]


def test_change_unlocks_account(new_clerk):
    username, password = new_clerk
    client = signed_in(username, password)

    response = change(client, password)

    assert response.status_code == 302
    assert client.get("/window/").status_code == 200
    assert not PasswordChangeRequired.objects.filter(user__username=username).exists()
    event = AuditEvent.objects.get(verb="password.changed")
    assert event.data == {"initial_password_replaced": True}
    token = Client().post(
        "/api/v1/auth/token",
        {"username": username, "password": NEW_PASSWORD},
        content_type="application/json",
    )
    assert token.status_code == 200


def test_wrong_current_password_keeps_requirement(new_clerk):
    username, password = new_clerk
    client = signed_in(username, password)

    response = change(client, "not-the-password-1")

    assert response.status_code == 400
    assert PasswordChangeRequired.objects.filter(user__username=username).exists()
    assert client.get("/window/").status_code == 302


def test_other_accounts_unaffected(demo):
    assert demo.client("clerk").get("/window/").status_code == 200


def change_to(client, old: str, new: str):
    return client.post(
        "/accounts/password/",
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_initial_password_kept_rejected(new_clerk):
    username, initial = new_clerk
    client = signed_in(username, initial)

    response = change_to(client, initial, initial)

    assert response.status_code == 400
    text = response.content.decode()
    assert f'data-code="password_unchanged">{UNCHANGED_MESSAGE}</span>' in text
    user = get_user_model().objects.get(username=username)
    assert user.check_password(initial)
    assert PasswordChangeRequired.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(verb="password.changed").exists()
    assert client.get("/window/").url == "/accounts/password/"


def test_initial_password_then_new_one_accepted(new_clerk):
    username, initial = new_clerk
    client = signed_in(username, initial)
    change_to(client, initial, initial)

    response = change_to(client, initial, NEW_PASSWORD)

    assert response.status_code == 302
    user = get_user_model().objects.get(username=username)
    assert user.check_password(NEW_PASSWORD)
    assert not PasswordChangeRequired.objects.filter(user=user).exists()
