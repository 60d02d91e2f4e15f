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
    assert caught.value.details["code_point"] == "U+D800"


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


@pytest.mark.parametrize("escape", ["\\u0000", "\\u0007", "\\u001b", "\\u007f"])
def test_loads_rejects_control_character(escape):
    with pytest.raises(json_input.ControlCharacterInvalid) as caught:
        json_input.loads('{"reason": "a' + escape + 'b"}')

    assert caught.value.details["path"] == "reason"


def test_loads_keeps_tab_and_line_breaks():
    assert json_input.loads('{"note": "a\\tb\\nc\\r\\n"}') == {"note": "a\tb\nc\r\n"}


def test_api_token_with_nul_answers_400(demo):
    response = demo.client("applicant").post(
        "/api/v1/auth/token",
        '{"username": "a\\u0000b", "password": "x"}',
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "request.control_character"


def test_page_form_with_nul_answers_400(demo):
    response = demo.client("applicant").post(
        "/accounts/profile/",
        {"phone": "", "address": "佛山\x00市"},
        headers={"accept-language": "en"},
    )

    assert response.status_code == 400
    assert "U+0000" in response.content.decode()


def test_api_multipart_with_control_character_answers_json_400(demo):
    response = demo.client("applicant").post(
        "/api/v1/cases",
        {"centre": demo.centre.slug, "matter": "x\x07"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "request.control_character"
    assert response.json()["details"]["path"] == "matter"


def test_loads_rejects_repeated_member_in_nested_object():
    with pytest.raises(json_input.MemberRepeated) as raised:
        json_input.loads('{"form": {"a": 1, "b": 2, "a": 3}}')

    assert raised.value.details == {"member": "a", "count": 2}


@pytest.mark.django_db
def test_registration_with_repeated_member_answers_400():
    body = (
        '{"username": "wangwu", "password": "a-long-passphrase-1", '
        '"id_number": "110101199003077758", "name": "王五", "name": "赵六"}'
    )
    response = Client(headers={"accept-language": "en"}).post(
        "/api/v1/identity/persons", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "request.member_repeated"
    assert response.json()["message"] == (
        "The member name appears 2 times in one JSON object. Send it once."
    )
    assert Person.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ('{"level": NaN}', 1, 11),
        ('{"level": Infinity}', 1, 11),
        ('{"note": "NaN",\n "level": -Infinity}', 2, 11),
    ],
)
def test_loads_rejects_non_finite_words(text, line, column):
    with pytest.raises(json.JSONDecodeError) as caught:
        json_input.loads(text)

    assert (caught.value.lineno, caught.value.colno) == (line, column)


def test_loads_keeps_words_inside_strings():
    assert json_input.loads('{"note": "NaN Infinity"}') == {"note": "NaN Infinity"}


def test_api_nan_answers_body_invalid(demo):
    response = demo.client("applicant").post(
        "/api/v1/auth/token",
        '{"username": "applicant", "password": NaN}',
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "request.body_invalid"
    assert body["details"]["line"] == 1
    assert body["details"]["column"] == 39
    assert body["details"]["error"]["problem"] == "value_expected"
