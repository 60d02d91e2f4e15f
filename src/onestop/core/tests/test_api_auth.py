"""Rejections of /api/v1 requests before any endpoint runs: authentication, CSRF, body."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from onestop.cases.tests.test_receipts import window_data
from onestop.core.actions import issue_api_token
from onestop.core.models import ApiToken, Membership, Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer os_wrong-token"}], ids=["none", "wrong"]
)
def test_unsafe_request_without_valid_token_gets_401(demo, headers):
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        "/api/v1/cases/window",
        data={"matter": "food-business-licence"},
        headers=headers,
    )

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("language", "phrase"),
    [("en", "no valid CSRF token"), ("zh-hans", "没有有效的 CSRF 令牌")],
)
def test_session_post_without_csrf_token_gets_403(demo, language, phrase):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.user("clerk"))

    response = client.post(
        "/api/v1/cases/window",
        data={"matter": "food-business-licence"},
        headers={"Accept-Language": language},
    )

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert phrase in response.json()["message"]
    assert "X-CSRFToken" in response.json()["message"]


def test_unparseable_json_body_gets_clear_400(client):
    response = client.post(
        "/api/v1/auth/token",
        data="not json",
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "request.body_invalid"
    assert "not valid JSON" in response.json()["message"]


def bearer_client(demo, username: str) -> Client:
    """Return a client that sends a new token of `username` and no session cookie."""
    token = issue_api_token(actor=demo.user(username), name="test")
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_revoked_token_gets_401_at_once(demo):
    applicant = bearer_client(demo, "applicant")
    assert applicant.get("/api/v1/identity/me").status_code == 200

    ApiToken.objects.filter(user=demo.user("applicant")).update(
        revoked_at=timezone.now()
    )
    response = applicant.get("/api/v1/identity/me")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_removed_role_applies_at_once(demo):
    clerk = bearer_client(demo, "clerk")
    assert clerk.post("/api/v1/cases/window", window_data(demo)).status_code == 201

    Membership.objects.filter(user=demo.user("clerk"), role=Role.CLERK).delete()
    response = clerk.post("/api/v1/cases/window", window_data(demo))

    assert response.status_code == 403
    assert response.json()["code"] == "permission.role_required"


def test_inactive_user_token_gets_403(demo):
    applicant = bearer_client(demo, "applicant")
    assert applicant.get("/api/v1/identity/me").status_code == 200

    get_user_model().objects.filter(username="applicant").update(is_active=False)
    response = applicant.get("/api/v1/identity/me")

    assert response.status_code == 403
    assert response.json()["code"] == "auth.account_deactivated"
