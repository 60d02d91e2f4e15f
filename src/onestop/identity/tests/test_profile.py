"""A profile change reports every invalid field in one response and saves nothing."""

from __future__ import annotations

import pytest

from onestop.identity.models import Person

pytestmark = pytest.mark.django_db

STORED_PHONE = "13800138000"
STORED_ADDRESS = "佛山市禅城区祖庙路1号"


def put_profile(client, payload: dict, language: str = "en"):
    return client.put(
        "/api/v1/identity/me",
        payload,
        content_type="application/json",
        headers={"Accept-Language": language},
    )


def test_profile_lists_every_invalid_field(demo):
    response = put_profile(
        demo.client("applicant"), {"phone": "123", "address": "x" * 300}
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "identity.profile_invalid"
    assert body["details"]["count"] == 2
    fields = body["details"]["fields"]
    assert list(fields) == ["phone", "address"]
    assert fields["phone"]["code"] == "phone.invalid"
    assert fields["address"]["code"] == "identity.address_invalid"
    assert body["message"].startswith(
        "Correct these fields and save the profile again: “123” is not a valid phone "
        "number."
    )
    assert (
        "The address has 300 characters; at most 200 are accepted." in (body["message"])
    )


def test_profile_error_saves_nothing(demo):
    put_profile(demo.client("applicant"), {"phone": "13900139000", "address": "\u200b"})

    person = Person.objects.get(user__username="applicant")
    assert person.phone == STORED_PHONE
    assert person.address == STORED_ADDRESS


def test_profile_one_error_keeps_its_code(demo):
    response = put_profile(demo.client("applicant"), {"phone": "123"})

    assert response.status_code == 400
    assert response.json()["code"] == "phone.invalid"
    assert response.json()["details"]["field"] == "phone"


def test_profile_errors_in_chinese(demo):
    body = put_profile(
        demo.client("applicant"), {"phone": "123", "address": "x" * 300}, "zh-hans"
    ).json()

    assert body["message"].startswith("请更正以下各项后重新保存个人资料：")


def test_profile_page_keeps_typed_values(demo):
    response = demo.client("applicant").post(
        "/accounts/profile/",
        {"phone": "123", "address": "新" * 250},
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert 'data-code="identity.profile_invalid"' in text
    assert 'id="error-phone"' in text
    assert 'id="error-address"' in text
    assert 'value="123"' in text
    assert "新" * 250 in text
