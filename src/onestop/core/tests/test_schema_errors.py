"""The 422 request.invalid body: a translated message per problem, and details with
pydantic's type and the values that each message names."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from pydantic import BaseModel, ConfigDict, Field, Json, ValidationError

from onestop.core.schema_errors import (
    MAX_REPORTED_PROBLEMS,
    schema_error_detail,
    schema_error_message,
    value_facts,
)

pytestmark = pytest.mark.django_db


class Sample(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = ""
    count: int = 0
    agreed: bool = False
    tags: list[str] = Field(default_factory=list, max_length=2)
    extra: dict[str, str] = Field(default_factory=dict)
    code: str = Field("abc", min_length=3, max_length=5)
    document: Json[dict[str, int]] | None = None
    required: str


def errors_of(data: dict) -> list[dict]:
    """Return the pydantic errors of `data` with their facts, the way the API handler
    passes them on."""
    with pytest.raises(ValidationError) as caught:
        Sample.model_validate(data)
    errors = []
    for error in caught.value.errors(include_url=False):
        item: dict[str, Any] = {**error, "loc": ("body", "payload", *error["loc"])}
        item.update(value_facts(item.pop("input")))
        errors.append(item)
    return errors


def messages_by_type(data: dict) -> dict[str, str]:
    return {error["type"]: schema_error_message(error) for error in errors_of(data)}


def test_common_types_named_in_english():
    messages = messages_by_type(
        {
            "name": 5,
            "count": [1],
            "agreed": {"a": 1},
            "tags": "x",
            "extra": [],
            "unknown": 1,
        }
    )
    assert messages == {
        "string_type": "name must be a string, not a JSON number.",
        "int_type": "count must be a whole number, not a JSON array.",
        "bool_type": "agreed must be true or false, not a JSON object.",
        "list_type": "tags must be a JSON array, not a JSON string.",
        "dict_type": "extra must be a JSON object, not a JSON array.",
        "missing": "required is missing. Send it with the request.",
        "extra_forbidden": "unknown is not a member of this request. Remove it.",
    }


def test_parsing_and_length_types_named():
    messages = messages_by_type(
        {
            "required": "x",
            "count": "many",
            "agreed": "maybe",
            "code": "toolongcode",
            "tags": ["a", "b", "c"],
            "document": "{not json",
        }
    )
    assert messages["int_parsing"] == (
        "count must be a whole number, but the string sent is not one."
    )
    assert messages["bool_parsing"] == (
        "agreed must be true or false, but the string sent is neither."
    )
    assert messages["string_too_long"] == (
        "code must have at most 5 characters; it has 11."
    )
    assert messages["too_long"] == "tags must have at most 2 items; it has 3."
    assert messages["json_invalid"] == "document is not valid JSON (line 1, column 2)."


def test_short_string_and_nested_path():
    errors = errors_of({"required": "x", "code": "a", "extra": {"k": 1}})
    assert [schema_error_message(error) for error in errors] == [
        "extra.k must be a string, not a JSON number.",
        "code must have at least 3 characters; it has 1.",
    ]
    details = [schema_error_detail(error) for error in errors]
    assert details[0] == {
        "location": ["body", "payload", "extra", "k"],
        "type": "string_type",
        "input_type": "number",
    }
    assert details[1] == {
        "location": ["body", "payload", "code"],
        "type": "string_too_short",
        "input_type": "string",
        "length": 1,
        "min_length": 3,
    }


def test_detail_values_of_numbers_and_json():
    errors = errors_of({"required": "x", "count": 5.5, "document": "{not json"})
    details = {error["type"]: schema_error_detail(error) for error in errors}

    assert details["int_from_float"]["number"] == "5.5"
    assert details["json_invalid"]["line"] == 1
    assert details["json_invalid"]["column"] == 2
    for detail in details.values():
        assert "message" not in detail


def test_unknown_type_falls_back_with_pydantic_text():
    error = {
        "type": "uuid_parsing",
        "loc": ("query", "token"),
        "msg": "Input should be a valid UUID",
        "ctx": {"error": "invalid character", "expected": "a UUID"},
        "input_type": "string",
    }

    assert schema_error_message(error) == (
        "token is invalid (pydantic error type uuid_parsing). The schema check "
        "says: Input should be a valid UUID."
    )
    assert schema_error_detail(error) == {
        "location": ["query", "token"],
        "type": "uuid_parsing",
        "input_type": "string",
        "context": {"expected": "a UUID"},
    }


def test_common_types_named_in_chinese():
    with translation.override("zh-hans"):
        messages = messages_by_type(
            {"name": 5, "count": "many", "code": "toolongcode", "unknown": 1}
        )
    assert messages == {
        "string_type": "name 应为字符串，而不是 JSON 数字。",
        "int_parsing": "count 应为整数，但发送的字符串不是整数。",
        "string_too_long": "code 最多 5 个字符，实际为 11 个。",
        "missing": "缺少 required。请随请求一并发送。",
        "extra_forbidden": "unknown 不是此请求的成员。请删除它。",
    }


def test_api_body_in_chinese(demo):
    response = demo.client("clerk").post(
        "/api/v1/cases/440604000000000/correction",
        json.dumps({"items": [{"material": 5}]}),
        content_type="application/json",
        headers={"Accept-Language": "zh-hans"},
    )

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "request.invalid"
    assert body["details"]["errors"] == [
        {
            "location": ["body", "payload", "items", "0", "material"],
            "type": "string_type",
            "input_type": "number",
        }
    ]
    assert body["message"] == (
        "请求不符合接口规范：items[0].material 应为字符串，而不是 JSON 数字。"
        "details.errors 中列出了每一处问题及其位置和 pydantic 类型。"
    )


def test_api_body_in_english(demo):
    response = demo.client("applicant").put(
        "/api/v1/identity/me",
        json.dumps({"phone": 5, "bogus": True}),
        content_type="application/json",
    )

    assert response.status_code == 422
    body = response.json()
    assert [error["type"] for error in body["details"]["errors"]] == [
        "string_type",
        "extra_forbidden",
    ]
    assert body["message"] == (
        "The request does not match the API schema: phone must be a string, not a "
        "JSON number. bogus is not a member of this request. Remove it. "
        "details.errors lists each problem with its location and pydantic type."
    )


def test_many_problems_listed_up_to_limit(demo):
    members = {f"k{number}": number for number in range(MAX_REPORTED_PROBLEMS + 50)}
    body = {"username": "a", "password": "b", **members}

    response = Client().post(
        "/api/v1/auth/token", json.dumps(body), content_type="application/json"
    )

    assert response.status_code == 422
    details = response.json()["details"]
    assert len(details["errors"]) == MAX_REPORTED_PROBLEMS
    assert details["errors"][0]["location"] == ["body", "payload", "k0"]
    assert details["error_count"] == MAX_REPORTED_PROBLEMS + 50
    message = response.json()["message"]
    assert f"k{MAX_REPORTED_PROBLEMS - 1} is not a member" in message
    assert f"k{MAX_REPORTED_PROBLEMS} is not a member" not in message
    assert "50 more problems are not listed." in message


def test_one_problem_counted(demo):
    response = demo.client("applicant").put(
        "/api/v1/identity/me",
        json.dumps({"bogus": True}),
        content_type="application/json",
        headers={"Accept-Language": "zh-hans"},
    )

    assert response.status_code == 422
    assert response.json()["details"]["error_count"] == 1
    assert "未列出" not in response.json()["message"]


def test_query_parameter_named_without_source():
    error = {
        "loc": ("query", "limit"),
        "type": "int_parsing",
        "input_type": "string",
    }

    assert schema_error_detail(error) == {
        "location": ["query", "limit"],
        "type": "int_parsing",
        "input_type": "string",
    }
    assert schema_error_message(error) == (
        "limit must be a whole number, but the string sent is not one."
    )


def test_json_invalid_in_chinese():
    with translation.override("zh-hans"):
        messages = messages_by_type({"required": "x", "document": "{not json"})
    assert messages["json_invalid"] == "document 不是有效的 JSON（第 1 行第 2 列）。"


def test_date_type_named():
    message = schema_error_message(
        {"type": "date_from_datetime_parsing", "loc": ("body", "payload", "on")}
    )
    assert message == ("on must be a date in the form YYYY-MM-DD, such as 2026-12-05.")


def test_body_type_in_chinese_has_no_stray_space(demo):
    response = demo.client("clerk").post(
        "/api/v1/auth/token",
        "[1, 2]",
        content_type="application/json",
        headers={"Accept-Language": "zh-hans"},
    )

    assert response.status_code == 422
    message = response.json()["message"]
    assert message.startswith(
        "请求不符合接口规范：请求体应为 JSON 对象，而不是 JSON 数组。"
    )


def test_unknown_type_in_chinese_quotes_no_english():
    with translation.override("zh-hans"):
        message = schema_error_message(
            {
                "type": "uuid_parsing",
                "loc": ("query", "token"),
                "msg": "Input should be a valid UUID",
            }
        )

    assert message == "token 无效（pydantic 错误类型 uuid_parsing）。"


def test_api_datetime_names_value_in_chinese(demo):
    response = demo.client("reviewer").post(
        "/api/v1/cases/440604000000000/special-procedure/end",
        json.dumps({"reason": "x", "ended_at": "2026-12-05 99:00"}),
        content_type="application/json",
        headers={"Accept-Language": "zh-hans"},
    )

    body = response.json()
    assert response.status_code == 422
    assert body["details"]["errors"][0]["type"] == "datetime_from_date_parsing"
    assert body["details"]["errors"][0]["value"] == "2026-12-05 99:00"
    assert body["message"] == (
        "请求不符合接口规范：ended_at 必须是 ISO 8601 格式的日期时间，例如 "
        "2026-12-05T14:30:00+08:00 或 2026-12-05 14:30，而发送的文本为"
        "“2026-12-05 99:00”。details.errors 中列出了每一处问题及其位置和 "
        "pydantic 类型。"
    )
