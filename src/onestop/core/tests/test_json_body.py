"""JSON request bodies: nesting depth and the content type, the same on every reader."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from onestop.cases.models import Case, CaseState
from onestop.cases.tests.test_api_flow import apply
from onestop.core.json_input import MAX_NESTING, NestingTooDeep, check_nesting
from onestop.exchange.tests.test_callback_problems import URL as CALLBACKS

DEEP = "[" * 10000 + "]" * 10000


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


def test_nesting_at_limit_passes():
    check_nesting(nested(MAX_NESTING).encode())


def test_nesting_past_limit_names_depth():
    with pytest.raises(NestingTooDeep) as caught:
        check_nesting(nested(MAX_NESTING + 1).encode())

    assert caught.value.details["depth"] == MAX_NESTING + 1
    assert caught.value.details["limit"] == MAX_NESTING


def test_brackets_in_strings_not_counted():
    text = json.dumps(["[" * 500, {"a": "{" * 500}, '\\"[[[['])

    check_nesting(text.encode())


def assert_too_deep(response, depth: int = 10000) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "request.json_too_deep"
    assert body["details"]["depth"] == depth
    assert body["details"]["limit"] == MAX_NESTING


def post_deep_token_request(language: str):
    return Client().post(
        "/api/v1/auth/token",
        DEEP,
        content_type="application/json",
        headers={"Accept-Language": language},
    )


@pytest.mark.django_db
def test_deep_token_request_without_session(caplog):
    with caplog.at_level(logging.INFO):
        response = post_deep_token_request("en")

    assert_too_deep(response)
    assert response.json()["message"] == (
        "The request body nests JSON arrays and objects 10000 levels deep, more than "
        "the limit of 100 levels. Send the data with fewer levels of nesting."
    )
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.mark.django_db
def test_deep_body_in_chinese():
    response = post_deep_token_request("zh-hans")

    assert_too_deep(response)
    assert response.json()["message"] == (
        "请求体中的 JSON 数组和对象嵌套了 10000 层，超过了 100 层的上限。请减少嵌套"
        "层数后再发送。"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/credit/reports", "/api/v1/cases/window"])
def test_deep_body_on_other_readers(demo, path):
    response = demo.client("clerk").post(path, DEEP, content_type="application/json")

    assert_too_deep(response)


@pytest.mark.django_db
def test_deep_body_before_refusal(demo):
    number = apply(demo.client("applicant"), demo).json()["number"]

    response = demo.client("clerk").post(
        f"/api/v1/cases/{number}/refuse", DEEP, content_type="application/json"
    )

    assert_too_deep(response)
    assert Case.objects.get(number=number).state == CaseState.SUBMITTED


@pytest.mark.django_db
def test_deep_form_part_names_part(demo, caplog):
    with caplog.at_level(logging.INFO):
        response = apply(demo.client("applicant"), demo, form={"form": DEEP})

    assert_too_deep(response)
    assert response.json()["details"]["path"] == "form"
    assert response.json()["message"].startswith("form nests JSON arrays and objects")
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.mark.django_db
def test_deep_callback_is_a_listed_problem(client):
    response = client.post(CALLBACKS, DEEP, content_type="application/json")

    assert response.status_code == 400, response.content
    assert response.json()["details"]["problems"] == [
        {"location": "", "code": "json.too_deep", "depth": 10000, "limit": MAX_NESTING}
    ]


@pytest.mark.django_db
def test_nesting_below_limit_reaches_schema(demo):
    response = Client().post(
        "/api/v1/auth/token", nested(50), content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["code"] == "request.invalid"


# --- content types ----------------------------------------------------------------


def refuse(demo, number: str, body: str, content_type: str):
    return demo.client("clerk").post(
        f"/api/v1/cases/{number}/refuse",
        body,
        content_type=content_type,
        headers={"Accept-Language": "en"},
    )


REASON = json.dumps({"reason": "材料不齐"})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content_type", "named"),
    [
        ("text/plain", "text/plain"),
        ("application/x-www-form-urlencoded", "application/x-www-form-urlencoded"),
        ("application/json; charset=latin-1", "application/json; charset=latin-1"),
        ("application/merge-patch+json", "application/merge-patch+json"),
    ],
)
def test_json_operation_rejects_other_types(demo, content_type, named):
    number = apply(demo.client("applicant"), demo).json()["number"]

    response = refuse(demo, number, REASON, content_type)

    assert response.status_code == 415, response.content
    body = response.json()
    assert body["code"] == "request.json_required"
    assert body["details"] == {"content_type": named}
    assert body["message"] == (
        f"This operation takes a JSON body, not {named}. Send one JSON object with "
        "the header Content-Type: application/json."
    )
    assert Case.objects.get(number=number).state == CaseState.SUBMITTED


@pytest.mark.django_db
def test_form_body_to_json_operation(demo):
    number = apply(demo.client("applicant"), demo).json()["number"]

    response = refuse(demo, number, "reason=x", "application/x-www-form-urlencoded")

    assert response.status_code == 415
    assert response.json()["code"] == "request.json_required"


@pytest.mark.django_db
def test_body_without_content_type(demo):
    number = apply(demo.client("applicant"), demo).json()["number"]

    response = refuse(demo, number, REASON, "")

    assert response.status_code == 415
    assert response.json()["details"] == {"content_type": ""}
    assert response.json()["message"].startswith(
        "This operation takes a JSON body, not a body without a Content-Type header."
    )
    assert Case.objects.get(number=number).state == CaseState.SUBMITTED


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content_type",
    ["application/json; charset=utf-8", "Application/JSON; charset=UTF-8"],
)
def test_json_with_utf8_charset_accepted(demo, content_type):
    number = apply(demo.client("applicant"), demo).json()["number"]

    response = refuse(demo, number, REASON, content_type)

    assert response.status_code == 200, response.content
    assert Case.objects.get(number=number).state == CaseState.NOT_ACCEPTED


@pytest.mark.django_db
def test_window_case_rejects_text_body(demo):
    response = demo.client("clerk").post(
        "/api/v1/cases/window",
        json.dumps({"centre": "440604"}),
        content_type="text/plain",
    )

    assert response.status_code == 415
    assert response.json()["details"] == {"content_type": "text/plain"}
