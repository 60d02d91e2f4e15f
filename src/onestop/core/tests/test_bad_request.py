"""Oversized bodies and stale forms get OneStop's error, not Django's bare pages."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
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


def json_body_of(size: int) -> str:
    """Return a JSON object of exactly `size` bytes."""
    return json.dumps({"address": "a" * (size - len('{"address": ""}'))})


@pytest.mark.parametrize(
    ("size", "size_mb"),
    [(6 * 1024 * 1024, "6"), (5 * 1024 * 1024 + 1, "5.1")],
    ids=["6-MB", "one-byte-over"],
)
def test_large_json_body_names_its_size(demo, size, size_mb):
    response = demo.client("applicant").put(
        "/api/v1/identity/me",
        json_body_of(size),
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "request.form_too_large"
    assert body["details"] == {
        "size": size,
        "limit": 5 * 1024 * 1024,
        "size_mb": size_mb,
        "limit_mb": "5",
    }
    assert body["message"].startswith(
        f"The form or JSON body is {size_mb} MB, larger than 5 MB, the limit for text "
        "without files."
    )


def test_large_json_body_size_in_chinese(demo):
    response = demo.client("applicant").put(
        "/api/v1/identity/me",
        json_body_of(6 * 1024 * 1024),
        content_type="application/json",
        headers={"Accept-Language": "zh-hans"},
    )

    assert response.json()["message"].startswith(
        "表单或 JSON 请求体为 6 MB，超过 5 MB，即不含文件的文字内容的上限。"
    )


@pytest.mark.django_db
def test_stale_form_gets_onestop_page():
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})

    response = client.post("/accounts/login/", {"username": "x", "password": "y"})

    assert response.status_code == 403
    text = response.content.decode()
    assert "out of date" in text
    assert "DEBUG" not in text


def too_many_fields(count: int) -> dict[str, str]:
    return {f"field.f{number}": "x" for number in range(count)}


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "en",
            "The request has more than 1000 fields, the maximum for one request, so "
            "nothing from it was saved. Send fewer fields.",
        ),
        (
            "zh-hans",
            "请求的字段超过 1000 个，即一次请求的上限，因此请求中的内容均未保存。请减少字段"
            "后重新发送。",
        ),
    ],
)
def test_too_many_multipart_fields_get_json(demo, language, text):
    response = demo.client("applicant").post(
        "/api/v1/cases",
        {"centre": demo.centre.region_code, **too_many_fields(1001)},
        headers={"Accept-Language": language},
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "code": "request.too_many_fields",
        "message": text,
        "details": {"limit": 1000},
    }


def test_too_many_files_get_json(demo):
    files = {
        f"material.m{number}": SimpleUploadedFile(f"{number}.pdf", b"%PDF-1.4")
        for number in range(101)
    }

    response = demo.client("applicant").post(
        "/api/v1/cases",
        {"centre": demo.centre.region_code, **files},
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "request.too_many_files"
    assert body["message"] == (
        "The request has more than 100 files, the maximum for one request, so nothing "
        "from it was saved. Send fewer files."
    )
    assert body["details"] == {"limit": 100}


def test_too_many_query_parameters_get_json(demo):
    query = "&".join(f"p{number}=1" for number in range(1001))

    response = demo.client("applicant").get(f"/api/v1/cases?{query}")

    assert response.status_code == 400
    assert response.json()["code"] == "request.too_many_fields"


def test_page_too_many_fields_gets_page(demo):
    response = demo.client("centreadmin").post(
        f"/catalog/{demo.centre.slug}/matters/new/",
        too_many_fields(1001),
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    assert "<code>request.too_many_fields</code>" in response.content.decode()
