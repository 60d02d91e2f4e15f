"""exchange.schema_invalid lists each problem as a code and values, the same in every
language."""

from __future__ import annotations

import pytest

from onestop.exchange.api import _envelope_ids as envelope_ids_of
from onestop.exchange.errors import CallbackInvalid
from onestop.exchange.testing import callback_for, signed

pytestmark = pytest.mark.django_db

URL = "/api/v1/exchange/callbacks"


def post_in(client, body: bytes, language: str) -> dict:
    response = client.post(
        URL, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400, response.content
    return response.json()


def test_schema_problems_are_codes_and_values(client, key, envelope):
    callback = callback_for(envelope, "correction_needed")
    callback.pop("items")
    callback["status_note"] = "x"
    body = signed(callback, key)

    english = post_in(client, body, "en")
    chinese = post_in(client, body, "zh-hans")

    assert english["code"] == "exchange.schema_invalid"
    assert english["details"] == chinese["details"]
    problems = english["details"]["problems"]
    assert {"location": "callback", "code": "schema.required", "member": "items"} in (
        problems
    )
    assert {
        "location": "callback",
        "code": "schema.member_unknown",
        "members": ["status_note"],
    } in problems
    assert english["details"]["count"] == 2
    assert "callback: the member items is missing" in english["message"] or (
        "callback: the members status_note are not defined" in english["message"]
    )
    assert "callback：" in chinese["message"]
    assert "is a required property" not in english["message"]


def test_type_problem_names_json_types(client, key, envelope):
    callback = callback_for(envelope, "denied", opinion=5)

    english = post_in(client, signed(callback, key), "en")
    chinese = post_in(client, signed(callback, key), "zh-hans")

    assert english["details"]["problems"] == [
        {
            "location": "callback/opinion",
            "code": "schema.type",
            "sent": "number",
            "expected": "string",
        }
    ]
    assert english["details"] == chinese["details"]
    assert (
        "callback/opinion: a JSON number is sent, but a string is expected"
        in (english["message"])
    )
    assert "callback/opinion：发送的是 JSON " in chinese["message"]


def test_json_syntax_problem_keeps_line_and_column(client, envelope):
    english = post_in(client, b"{bad", "en")
    chinese = post_in(client, b"{bad", "zh-hans")

    assert english["details"] == chinese["details"]
    assert english["details"]["line"] == 1
    assert english["details"]["column"] == 2
    assert english["details"]["problems"] == [
        {
            "location": "",
            "code": "json.syntax",
            "line": 1,
            "column": 2,
            "problem": "member_name_expected",
        }
    ]
    assert "line 1, column 2" in english["message"]
    assert "第 1 行第 2 列" in chinese["message"]


def test_acknowledgement_problems_name_each_id():
    with pytest.raises(CallbackInvalid) as caught:
        envelope_ids_of(
            b'{"envelope_ids": ["not-a-uuid", "0b8a7f0e-4a51-4d8e-9d0e-2f0f1d2c3b4a", 7]}'
        )

    assert caught.value.details == {
        "problems": [
            {"location": "envelope_ids/0", "code": "schema.format", "format": "uuid"},
            {"location": "envelope_ids/2", "code": "schema.format", "format": "uuid"},
        ],
        "count": 2,
    }


def test_acknowledgement_of_too_many_ids_rejected():
    ids = ", ".join('"0b8a7f0e-4a51-4d8e-9d0e-2f0f1d2c3b4a"' for _ in range(501))

    with pytest.raises(CallbackInvalid) as caught:
        envelope_ids_of(f'{{"envelope_ids": [{ids}]}}'.encode())

    assert caught.value.details["problems"] == [
        {
            "location": "envelope_ids",
            "code": "schema.too_many_items",
            "count": 501,
            "limit": 500,
        }
    ]
