"""Registrations that name existing accounts are limited per client address."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from onestop.identity.models import Person, SignInThrottle
from onestop.identity.tests.test_registration import VALID_ID, valid_payload

pytestmark = pytest.mark.django_db


def register(payload: dict[str, str], address: str, language: str = "en"):
    return Client(headers={"accept-language": language}).post(
        "/api/v1/identity/persons",
        json.dumps(payload),
        content_type="application/json",
        REMOTE_ADDR=address,
    )


def taken(number: int) -> dict[str, str]:
    """A registration of the registered ID number under a new user name."""
    return valid_payload(username=f"guess{number}", password="x")


def test_address_locked_after_limit(settings):
    settings.ONESTOP_REGISTRATION_CONFLICTS_PER_ADDRESS = 3
    assert register(valid_payload(), "10.0.0.1").status_code == 201

    answers = [register(taken(n), "10.0.0.1").status_code for n in range(3)]
    locked = register(taken(9), "10.0.0.1")

    assert answers == [400, 400, 400]
    assert locked.status_code == 429
    assert locked.json()["code"] == "identity.too_many_registrations"
    assert "already registered" in locked.json()["message"]
    assert "110101" not in locked.content.decode()
    assert int(locked["Retry-After"]) > 0


def test_other_address_and_new_numbers_not_counted(settings):
    settings.ONESTOP_REGISTRATION_CONFLICTS_PER_ADDRESS = 2
    register(valid_payload(), "10.0.0.1")
    register(taken(1), "10.0.0.1")

    other = register(taken(2), "10.0.0.2")
    wrong_digit = register(
        valid_payload(username="fresh", id_number="440604198503150025"), "10.0.0.1"
    )

    assert other.status_code == 400
    assert wrong_digit.status_code == 400
    assert register(taken(3), "10.0.0.1").status_code == 400
    assert register(taken(4), "10.0.0.1").status_code == 429


def test_lock_stores_no_address():
    register(valid_payload(), "10.0.0.1")
    register(taken(1), "10.0.0.1")

    keys = list(SignInThrottle.objects.values_list("key", flat=True))
    assert len(keys) == 1
    assert keys[0].startswith("register:")
    assert "10.0.0.1" not in keys[0]


def test_register_page_shows_lock_in_chinese(settings):
    settings.ONESTOP_REGISTRATION_CONFLICTS_PER_ADDRESS = 1
    register(valid_payload(), "10.0.0.1")
    register(taken(1), "10.0.0.1")
    values = {**valid_payload(username="late"), "address": ""}

    response = Client(headers={"accept-language": "zh-hans"}).post(
        "/accounts/register/", values, REMOTE_ADDR="10.0.0.1"
    )

    assert response.status_code == 429
    assert "已注册" in response.content.decode()
    assert Person.objects.filter(id_number=VALID_ID).count() == 1
