"""JSON bodies with lone surrogate escapes get a 400 naming the member, never a 500."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from onestop.core import json_input
from onestop.identity.models import Person

pytestmark = pytest.mark.django_db

LONE_SURROGATE_JSON = '"\\ud800x"'


def test_loads_names_nested_member():
    with pytest.raises(json_input.TextInvalid) as caught:
        json_input.loads('{"form": {"items": ["ok", ' + LONE_SURROGATE_JSON + "]}}")

    assert caught.value.details["path"] == "form.items[1]"
    assert caught.value.details["code_point"] == "d800"


def test_loads_accepts_escaped_pair():
    assert json_input.loads('{"name": "\\ud840\\udc00"}') == {"name": "𠀀"}


def test_loads_names_given_path():
    with pytest.raises(json_input.TextInvalid) as caught:
        json_input.loads('{"address": ' + LONE_SURROGATE_JSON + "}", "form")

    assert caught.value.details["path"] == "form.address"


def test_registration_with_lone_surrogate_answers_400():
    body = (
        '{"username": "wangwu", "password": "a-long-passphrase-1", '
        '"id_number": "110101199003077758", "name": "王五", "address": '
        + LONE_SURROGATE_JSON
        + "}"
    )
    response = Client(headers={"accept-language": "en"}).post(
        "/api/v1/identity/persons", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "request.text_invalid"
    assert "address" in response.json()["message"]
    assert Person.objects.count() == 0


def test_token_request_with_lone_surrogate_answers_400():
    body = '{"username": ' + LONE_SURROGATE_JSON + ', "password": "x"}'
    response = Client().post(
        "/api/v1/auth/token", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["details"]["path"] == "username"


def test_window_json_with_lone_surrogate_answers_400(demo):
    body = json.dumps({"centre": "x", "matter": "y", "id_number": "z"})
    body = body[:-1] + ', "form": {"name": ' + LONE_SURROGATE_JSON + "}}"
    response = demo.client("clerk").post(
        "/api/v1/cases/window", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["details"]["path"] == "form.name"
