"""A 15-digit ID number is stored in its 18-character form, with a notice at registration."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from onestop.identity.codes import legacy_id_notice
from onestop.identity.models import Person

pytestmark = pytest.mark.django_db

LEGACY_ID = "440604880808123"
UPGRADED_ID = "440604198808081234"
PAYLOAD = {
    "username": "wangwu",
    "password": "a-long-passphrase-1",
    "id_number": LEGACY_ID,
    "name": "王五",
}


def test_api_registration_reports_conversion():
    response = Client(headers={"accept-language": "en"}).post(
        "/api/v1/identity/persons", json.dumps(PAYLOAD), content_type="application/json"
    )

    assert response.status_code == 201
    notices = response.json()["notices"]
    assert len(notices) == 1
    assert "4406*******8123" in notices[0]
    assert "4406**********1234" in notices[0]
    assert LEGACY_ID not in notices[0]
    assert UPGRADED_ID not in response.content.decode()
    assert Person.objects.get().id_number == UPGRADED_ID


def test_api_registration_in_chinese():
    response = Client(headers={"accept-language": "zh-hans"}).post(
        "/api/v1/identity/persons", json.dumps(PAYLOAD), content_type="application/json"
    )

    assert response.json()["notices"][0].startswith(
        "15 位公民身份号码 4406*******8123 已转换为 18 位号码 4406**********1234"
    )


def test_api_registration_of_18_digits_has_no_notice():
    response = Client().post(
        "/api/v1/identity/persons",
        json.dumps({**PAYLOAD, "id_number": UPGRADED_ID}),
        content_type="application/json",
    )

    assert response.status_code == 201
    assert response.json()["notices"] == []


def test_page_registration_shows_notice():
    client = Client(headers={"accept-language": "en"})
    response = client.post("/accounts/register/", PAYLOAD, follow=True)

    text = response.content.decode()
    assert "was converted to its 18-character form 4406**********1234" in text


def test_window_registration_shows_notice(demo):
    response = demo.client("clerk").post(
        "/window/register/",
        {"step": "register", "id_number": LEGACY_ID, "name": "王五"},
        headers={"accept-language": "en"},
    )

    text = response.content.decode()
    assert 'id="id-number-notice"' in text
    assert "4406**********1234" in text


@pytest.mark.parametrize("value", ["", "440604880808", "44060488080812X", "abc"])
def test_no_notice_for_other_values(value):
    assert legacy_id_notice(value) == ""
