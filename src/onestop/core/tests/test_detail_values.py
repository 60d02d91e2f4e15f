"""Values sent that errors give back: whole in the details up to DETAIL_TEXT_LENGTH
characters, and cut to SHOWN_LENGTH in the message, by one rule on every error."""

from __future__ import annotations

import pytest
from django.utils.translation import gettext_lazy

from onestop.core.errors import (
    DETAIL_TEXT_LENGTH,
    SHOWN_LENGTH,
    InvalidInput,
    detail_text,
    echoed,
)
from onestop.identity.codes import InvalidPhone, check_phone

pytestmark = pytest.mark.django_db


class SampleInvalid(InvalidInput):
    code = "sample.invalid"
    message = gettext_lazy("%(value)s is not accepted.")


def test_detail_text_keeps_bounded_value_whole():
    value = "𠮷" * DETAIL_TEXT_LENGTH

    assert detail_text(value) == value


def test_detail_text_cuts_longer_value_marked():
    cut = detail_text("a" * (DETAIL_TEXT_LENGTH + 1))

    assert cut == "a" * DETAIL_TEXT_LENGTH + "…"
    assert len(cut) == DETAIL_TEXT_LENGTH + 1


def test_echoed_value_in_details_and_message():
    body = SampleInvalid(value=echoed("b" * 100)).as_dict()

    assert body["details"]["value"] == "b" * 100
    assert type(body["details"]["value"]) is str
    assert body["message"] == "b" * SHOWN_LENGTH + "… is not accepted."


def test_phone_detail_is_whole_up_to_limit():
    with pytest.raises(InvalidPhone) as raised:
        check_phone("1" * 150)

    assert raised.value.as_dict()["details"]["value"] == "1" * 150
    assert "1" * 40 + "…" in raised.value.render()
    assert "1" * 41 not in raised.value.render()


def test_api_unknown_path_detail_bounded(demo):
    body = demo.client("clerk").get("/api/v1/" + "n" * 300).json()

    assert body["code"] == "api.path_not_found"
    assert body["details"]["path"] == "/api/v1/" + "n" * 192 + "…"
    assert "n" * 41 not in body["message"]
