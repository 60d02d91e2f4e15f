"""/api/v1/centres/{slug}/accounts/{username}: reset, deactivate, reactivate, denials."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from onestop.core.models import (
    ApiToken,
    AuditEvent,
    Membership,
    PasswordChangeRequired,
    Role,
)
from onestop.portal.demo import PASSWORD

pytestmark = pytest.mark.django_db


def issue_token(username, password=PASSWORD):
    return Client().post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
    )


def token_client(username, password=PASSWORD):
    response = issue_token(username, password)
    assert response.status_code == 200, response.content
    return Client(HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}")


def account_url(centre, username, action):
    return f"/api/v1/centres/{centre.slug}/accounts/{username}/{action}"


def add_centre_admin(centre, username):
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    Membership.objects.create(user=user, centre=centre, role=Role.CENTRE_ADMIN)
    return user


def test_reset_returns_initial_password(demo):
    response = token_client("centreadmin").post(
        account_url(demo.centre, "clerk", "password-reset")
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["username"] == "clerk"
    assert body["is_active"] is True
    assert len(body["initial_password"]) == 16
    clerk = demo.user("clerk")
    assert clerk.check_password(body["initial_password"])
    assert body["initial_password"] not in clerk.password
    assert PasswordChangeRequired.objects.filter(user=clerk).exists()


def test_reset_requires_change_at_sign_in(demo):
    body = (
        token_client("centreadmin")
        .post(account_url(demo.centre, "clerk", "password-reset"))
        .json()
    )

    old_password = issue_token("clerk")
    new_password = issue_token("clerk", body["initial_password"])

    assert old_password.status_code == 401
    assert old_password.json()["code"] == "auth.bad_credentials"
    assert new_password.status_code == 403
    assert new_password.json()["code"] == "auth.password_change_required"


def test_token_revoked_after_reset(demo):
    clerk_api = token_client("clerk")
    assert clerk_api.get("/api/v1/notifications").status_code == 200

    token_client("centreadmin").post(
        account_url(demo.centre, "clerk", "password-reset")
    )

    response = clerk_api.get("/api/v1/notifications")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert not ApiToken.objects.filter(
        user=demo.user("clerk"), revoked_at=None
    ).exists()


def test_reset_writes_audit_event(demo):
    token_client("clerk")
    token_client("centreadmin").post(
        account_url(demo.centre, "clerk", "password-reset")
    )

    event = AuditEvent.objects.filter(verb="account.password_reset").get()
    assert event.actor == demo.user("centreadmin")
    assert event.actor_role == "centre_admin"
    assert event.centre == demo.centre
    assert event.data == {"user_id": demo.user("clerk").pk, "tokens_revoked": 1}


def test_reset_denied_to_other_centre_admin(demo, other_centre):
    add_centre_admin(other_centre, "nanhai-admin")

    response = token_client("nanhai-admin").post(
        account_url(demo.centre, "clerk", "password-reset")
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission.role_required"
    assert demo.user("clerk").check_password(PASSWORD)


def test_reset_denied_for_account_of_other_centre(demo, other_centre):
    response = token_client("centreadmin").post(
        account_url(demo.centre, "nanhai-clerk", "password-reset")
    )

    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "account.outside_centre"
    assert "nanhai-clerk" in body["message"]
    assert demo.user("nanhai-clerk").check_password(PASSWORD)


def test_reset_denied_for_accounts_elsewhere(demo):
    admin = token_client("centreadmin")

    for username in ("applicant", "platform"):
        response = admin.post(account_url(demo.centre, username, "password-reset"))
        assert response.status_code == 403, username
        assert response.json()["code"] == "account.outside_centre"


@pytest.mark.parametrize("action", ["password-reset", "deactivate", "reactivate"])
def test_role_granted_to_applicant_gives_admin_no_reach(demo, action):
    # A role that a platform admin granted to an applicant's account must not let a
    # centre admin take the account over.
    admin = token_client("centreadmin")
    granted = token_client("platform").post(
        f"/api/v1/centres/{demo.centre.slug}/staff",
        {"username": "applicant", "role": "supervisor"},
        content_type="application/json",
    )
    password_before = demo.user("applicant").password

    response = admin.post(account_url(demo.centre, "applicant", action))

    assert granted.status_code == 201, granted.content
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "account.registered_applicant"
    applicant = demo.user("applicant")
    assert applicant.password == password_before
    assert applicant.is_active
    assert (
        token_client("platform")
        .post(account_url(demo.centre, "applicant", action))
        .status_code
        == 200
    )


def test_platform_admin_resets_any_account(demo, other_centre):
    platform = token_client("platform")

    for username in ("nanhai-clerk", "applicant"):
        response = platform.post(account_url(demo.centre, username, "password-reset"))
        assert response.status_code == 200, username


def test_reset_denied_to_clerk(demo):
    response = token_client("clerk").post(
        account_url(demo.centre, "reviewer", "password-reset")
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission.role_required"


def test_reset_unknown_account_not_found(demo):
    response = token_client("centreadmin").post(
        account_url(demo.centre, "nobody", "password-reset")
    )
    assert response.status_code == 404
    assert response.json()["code"] == "account.not_found"


def test_deactivated_token_gets_clear_code(demo):
    clerk_api = token_client("clerk")

    response = token_client("centreadmin").post(
        account_url(demo.centre, "clerk", "deactivate")
    )

    assert response.status_code == 200, response.content
    assert response.json() == {"username": "clerk", "is_active": False}
    rejected = clerk_api.get("/api/v1/notifications")
    assert rejected.status_code == 403
    assert rejected.json()["code"] == "auth.account_deactivated"
    assert "clerk" in rejected.json()["message"]


def test_deactivated_account_cannot_get_token(demo):
    token_client("centreadmin").post(account_url(demo.centre, "clerk", "deactivate"))

    right_password = issue_token("clerk")
    wrong_password = issue_token("clerk", "not-the-password-1")

    assert right_password.status_code == 403
    assert right_password.json()["code"] == "auth.account_deactivated"
    assert wrong_password.status_code == 401
    assert wrong_password.json()["code"] == "auth.bad_credentials"


def test_deactivation_keeps_records(demo):
    clerk = demo.user("clerk")
    token_client("centreadmin").post(account_url(demo.centre, "clerk", "deactivate"))

    assert Membership.objects.filter(user=clerk, role=Role.CLERK).exists()
    assert get_user_model().objects.filter(pk=clerk.pk).exists()
    verbs = list(AuditEvent.objects.values_list("verb", flat=True))
    assert "account.deactivated" in verbs


def test_reactivated_account_signs_in(demo):
    admin = token_client("centreadmin")
    admin.post(account_url(demo.centre, "clerk", "deactivate"))

    response = admin.post(account_url(demo.centre, "clerk", "reactivate"))

    assert response.status_code == 200
    assert response.json()["is_active"] is True
    assert issue_token("clerk").status_code == 200
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="account.")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == ["account.deactivated", "account.reactivated"]


def test_self_deactivation_rejected(demo):
    add_centre_admin(demo.centre, "second-admin")

    response = token_client("centreadmin").post(
        account_url(demo.centre, "centreadmin", "deactivate")
    )

    assert response.status_code == 409
    assert response.json()["code"] == "account.own_deactivation"
    assert demo.user("centreadmin").is_active


def test_last_centre_admin_not_deactivated(demo):
    response = token_client("platform").post(
        account_url(demo.centre, "centreadmin", "deactivate")
    )

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "account.last_centre_admin"
    assert demo.centre.name in body["message"]
    assert demo.user("centreadmin").is_active


def test_admin_deactivated_while_another_remains(demo):
    add_centre_admin(demo.centre, "second-admin")

    response = token_client("second-admin").post(
        account_url(demo.centre, "centreadmin", "deactivate")
    )

    assert response.status_code == 200
    assert not demo.user("centreadmin").is_active


def test_deactivated_admin_does_not_count(demo):
    second = add_centre_admin(demo.centre, "second-admin")
    second.is_active = False
    second.save()

    response = token_client("platform").post(
        account_url(demo.centre, "centreadmin", "deactivate")
    )

    assert response.status_code == 409
    assert response.json()["code"] == "account.last_centre_admin"


def test_deactivation_denied_to_other_centre_admin(demo, other_centre):
    add_centre_admin(other_centre, "nanhai-admin")

    response = token_client("nanhai-admin").post(
        account_url(other_centre, "clerk", "deactivate")
    )

    assert response.status_code == 403
    assert response.json()["code"] == "account.outside_centre"
    assert demo.user("clerk").is_active
