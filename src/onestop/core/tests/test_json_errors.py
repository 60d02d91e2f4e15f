"""JSON syntax errors described in the active language with their line and column."""

from __future__ import annotations

import json

import pytest
from django.db import models
from django.utils import translation

from onestop.core.errors import InvalidInput, tidy_cjk_spacing
from onestop.core.json_errors import describe_json_error, describe_json_value_error
from onestop.core.models import Role


def decode_error(text: str) -> json.JSONDecodeError:
    with pytest.raises(json.JSONDecodeError) as caught:
        json.loads(text)
    return caught.value


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("", "line 1, column 1: a value is expected"),
        ("{bad", "line 1, column 2: a member name in double quotes is expected"),
        ('{"a" 1}', "line 1, column 6: a colon is expected"),
        ('{"a": 1 "b": 2}', "line 1, column 9: a comma is expected"),
        ("[1] x", "line 1, column 5: there is more text after the JSON value"),
        ('\n"abc', "line 2, column 1: a string has no closing double quote"),
        ("[1,]", "line 1, column 3: a comma comes before a closing bracket"),
    ],
)
def test_json_error_in_english(text, english):
    with translation.override("en"):
        assert describe_json_error(decode_error(text)) == english


def test_json_error_in_chinese():
    with translation.override("zh-hans"):
        described = describe_json_error(decode_error("{bad"))
    assert described == "第 1 行第 2 列：此处应有用双引号括起的成员名"


@pytest.mark.parametrize(
    ("text", "tidy"),
    [
        ("请求体 应为 JSON 对象", "请求体应为 JSON 对象"),
        ("政务服务中心 没有编号为 nope 的事项", "政务服务中心没有编号为 nope 的事项"),
        ("此处不存在政务服务中心 。", "此处不存在政务服务中心。"),
        ("王𠀀 先生", "王𠀀先生"),
        ("单位名称 is required.", "单位名称 is required."),
        ("开票金额（元） is 0.001, which", "开票金额（元） is 0.001, which"),
        ("请删除它。 details.errors 中", "请删除它。details.errors 中"),
        ("窗口 “公安窗口”（G1） 是", "窗口“公安窗口”（G1）是"),
        ("含有 “😀” U+1F600，", "含有“😀” U+1F600，"),
        ("地址中含有U+200B，", "地址中含有 U+200B，"),
        ("U+200B位于第 3 位", "U+200B 位于第 3 位"),
        ("综合<U+200B>窗口", "综合<U+200B>窗口"),
        ("The name “王” is taken. Choose", "The name “王” is taken. Choose"),
        ("contains U+200B (ZERO WIDTH SPACE).", "contains U+200B (ZERO WIDTH SPACE)."),
    ],
)
def test_cjk_spacing_tidied(text, tidy):
    assert tidy_cjk_spacing(text) == tidy


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/auth/token", "/api/v1/cases/window"])
def test_body_syntax_error_gives_position(demo, path):
    response = demo.client("clerk").post(
        path,
        '{"username": "clerk",\n "password" 1}',
        content_type="application/json",
        headers={"Accept-Language": "zh-hans"},
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "request.body_invalid"
    assert body["details"]["line"] == 2
    assert body["details"]["column"] == 13
    assert body["message"].startswith(
        "请求体不是有效的 JSON（第 2 行第 13 列：此处应有冒号）"
    )


@pytest.mark.django_db
def test_body_not_utf8_gives_byte_offset(demo):
    response = demo.client("clerk").post(
        "/api/v1/auth/token",
        b'{"reason": "\xff\xfe"}',
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )

    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "request.body_invalid"
    assert body["details"] == {"offset": 12, "byte": "0xFF"}
    assert body["message"].startswith(
        "The request body is not UTF-8 text: the byte 0xFF at offset 12 (counted "
        "from 0)"
    )


@pytest.mark.django_db
def test_body_with_utf16_mark_keeps_plain_message(demo):
    response = demo.client("clerk").post(
        "/api/v1/auth/token", b"\xff\xfe{", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "request.body_invalid"
    assert response.json()["details"] == {}


def test_too_many_digits_described():
    with pytest.raises(ValueError, match="4300 digits") as caught:
        json.loads("1" * 5000)

    with translation.override("en"):
        english = describe_json_value_error(caught.value)
    with translation.override("zh-hans"):
        chinese = describe_json_value_error(caught.value)

    assert english == "a number has more than 4300 digits"
    assert chinese == "数字的位数超过 4300 位"


def test_value_error_of_syntax_has_position():
    with translation.override("en"):
        text = describe_json_value_error(decode_error("{bad"))

    assert text == "line 1, column 2: a member name in double quotes is expected"


def test_choice_detail_key_and_label():
    error = InvalidInput(
        "%(role)s; %(roles)s", role=Role.CLERK, roles=[Role.CLERK, Role.SUPERVISOR]
    )

    with translation.override("en"):
        body = error.as_dict()
    assert isinstance(Role.CLERK, models.Choices)
    assert body["details"] == {"role": "clerk", "roles": ["clerk", "supervisor"]}
    assert body["message"] == (
        "window clerk; window clerk (clerk), supervisor (supervisor)"
    )
