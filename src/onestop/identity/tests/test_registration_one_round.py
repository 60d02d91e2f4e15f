"""Registration returns field errors and conflicts (taken user name, registered ID number
or enterprise) together, in one response."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from onestop.identity.codes import id_check_digit
from onestop.identity.models import Enterprise, Person, SignInThrottle

pytestmark = pytest.mark.django_db

APPLICANT_ID = "440604198503150024"
APPLICANT_MASKED = "4406**********0024"
NEW_ID = "110101199003077758"
LONG_ADDRESS = "佛山市禅城区祖庙路" + "一" * 291
DEMO_USCC = "91440604MA4W1X2YX9"
# The first 17 digits of a valid ID number that no person in the demo has.
OTHER_FIRST_17 = "44060419920704123"


def taken_payload(**changes: str) -> dict[str, str]:
    """A registration with a taken user name, a registered ID number and a too long
    address, all three wrong at once."""
    payload = {
        "username": "agent",
        "password": "a-long-passphrase-1",
        "id_number": APPLICANT_ID,
        "name": "王五",
        "address": LONG_ADDRESS,
    }
    return {**payload, **changes}


def post_person(payload: dict[str, str], address: str = "192.0.2.60"):
    return Client().post(
        "/api/v1/identity/persons",
        json.dumps(payload),
        content_type="application/json",
        REMOTE_ADDR=address,
    )


def test_api_lists_conflicts_with_address(demo):
    response = post_person(taken_payload())
    body = response.json()
    fields = body["details"]["fields"]

    assert len(LONG_ADDRESS) == 300
    assert response.status_code == 400
    assert body["code"] == "identity.registration_invalid"
    assert body["details"]["count"] == 3
    assert fields["username"]["code"] == "identity.username_taken"
    assert fields["id_number"]["code"] == "identity.id_number_registered"
    assert fields["id_number"]["masked"] == APPLICANT_MASKED
    assert fields["address"]["code"] == "identity.address_invalid"
    assert fields["address"]["length"] == 300


def test_page_lists_conflicts_with_address(demo):
    response = Client().post("/accounts/register/", taken_payload())
    text = response.content.decode()

    assert response.status_code == 400
    assert 'data-code="identity.registration_invalid"' in text
    assert 'id="error-username"' in text
    assert 'id="error-id_number"' in text
    assert 'id="error-address"' in text
    assert "The user name agent is taken." in text
    assert f"The ID number {APPLICANT_MASKED} is already registered." in text
    assert "The address has 300 characters" in text


def test_conflict_with_field_error_counted(demo, settings):
    settings.ONESTOP_REGISTRATION_CONFLICTS_PER_ADDRESS = 2

    answers = [post_person(taken_payload()).status_code for _ in range(2)]
    locked = post_person(taken_payload(address=""))

    assert answers == [400, 400]
    assert locked.status_code == 429
    assert locked.json()["code"] == "identity.too_many_registrations"
    assert SignInThrottle.objects.filter(key__startswith="register:").count() == 1


def test_field_errors_alone_not_counted(demo, settings):
    settings.ONESTOP_REGISTRATION_CONFLICTS_PER_ADDRESS = 1

    response = post_person(taken_payload(username="new-name", id_number=NEW_ID))
    again = post_person(taken_payload(username="new-name", id_number=NEW_ID))

    assert response.status_code == 400
    assert response.json()["code"] == "identity.address_invalid"
    assert again.status_code == 400


def test_user_name_of_other_id_number_rejected(demo):
    other_id = OTHER_FIRST_17 + id_check_digit(OTHER_FIRST_17)

    response = post_person(
        taken_payload(username=other_id, id_number=NEW_ID, address="")
    )
    body = response.json()

    assert response.status_code == 400
    assert body["code"] == "identity.username_is_id_number"
    assert body["details"] == {
        "masked": f"4406**********{other_id[-4:]}",
        "field": "username",
    }
    assert get_user_model().objects.filter(username=other_id).count() == 0


def test_user_name_of_registered_id_number_rejected(demo):
    response = post_person(
        taken_payload(username=APPLICANT_ID.lower(), id_number=NEW_ID, address="")
    )

    assert response.status_code == 400
    assert response.json()["code"] == "identity.username_is_id_number"
    assert APPLICANT_ID not in response.content.decode()


def test_user_name_of_own_id_number_accepted(demo):
    response = post_person(taken_payload(username=NEW_ID, id_number=NEW_ID, address=""))

    assert response.status_code == 201
    assert Person.objects.get(id_number=NEW_ID).user.username == NEW_ID


def test_enterprise_claim_with_name_error_saves_nothing(demo):
    response = demo.client("applicant").post(
        "/api/v1/identity/enterprises",
        {"uscc": DEMO_USCC, "name": "", "legal_representative": "李秀英"},
        content_type="application/json",
    )
    body = response.json()

    assert response.status_code == 400
    assert body["code"] == "identity.enterprise_name_invalid"
    assert body["details"]["field"] == "name"
    assert Enterprise.objects.get(uscc=DEMO_USCC).agencies.count() == 1


def test_enterprise_agent_registers_again(demo):
    response = demo.client("agent").post(
        "/api/v1/identity/enterprises",
        {"uscc": DEMO_USCC, "name": "示例商贸", "legal_representative": "陈志强"},
        content_type="application/json",
    )

    assert response.status_code == 201
