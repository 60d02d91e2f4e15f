"""The form part of a multipart application: JSON errors in the request's language."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.utils import translation
from django.utils.datastructures import MultiValueDict

from onestop.cases.intake import FormJsonInvalid, application_from_request


def form_part_error(text: str, language: str) -> str:
    post = QueryDict(mutable=True)
    post["form"] = text
    with translation.override(language):
        with pytest.raises(FormJsonInvalid) as caught:
            application_from_request(post, MultiValueDict())
        assert caught.value.code == "form.json_invalid"
        return caught.value.render()


def test_syntax_error_in_chinese():
    message = form_part_error("{bad", "zh-hans")
    assert message == (
        "请求中的 form 部分不是有效的 JSON（第 1 行第 2 列：此处应有用双引号括起的"
        "成员名）。请发送一个 JSON 对象。"
    )


def test_syntax_error_in_english():
    message = form_part_error("{bad", "en")
    assert message == (
        "The form part is not valid JSON (line 1, column 2: a member name in double "
        "quotes is expected). Send one JSON object."
    )


def test_array_named_in_chinese():
    message = form_part_error("[1, 2]", "zh-hans")
    assert message == "请求中的 form 部分应为 JSON 对象，而不是 JSON 数组。"
