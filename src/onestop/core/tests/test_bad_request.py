"""Oversized bodies and stale forms get OneStop's error, not Django's bare pages."""

from __future__ import annotations

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "The form or JSON body is larger than 1 MB"),
        ("zh-hans", "表单或 JSON 请求体超过 1 MB"),
    ],
)
def test_large_form_gets_the_error_page(demo, settings, language, text):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

    response = demo.client("centreadmin").post(
        f"/catalog/{demo.centre.slug}/matters/new/",
        {"definition": "a" * (2 * 1024 * 1024)},
        headers={"Accept-Language": language},
    )

    body = response.content.decode()
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert "<code>request.form_too_large</code>" in body
    assert text in body


def test_large_api_body_gets_json(demo, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

    response = demo.client("applicant").put(
        "/api/v1/identity/me",
        json.dumps({"address": "a" * (2 * 1024 * 1024)}),
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 413
    assert response.json()["code"] == "request.form_too_large"
    assert "larger than 1 MB" in response.json()["message"]


@pytest.mark.django_db
def test_stale_form_gets_onestop_page():
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})

    response = client.post("/accounts/login/", {"username": "x", "password": "y"})

    assert response.status_code == 403
    text = response.content.decode()
    assert "out of date" in text
    assert "DEBUG" not in text
