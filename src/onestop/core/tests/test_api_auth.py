"""Rejections of /api/v1 requests before any endpoint runs: authentication, CSRF, body."""

from __future__ import annotations

import pytest
from django.test import Client

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
