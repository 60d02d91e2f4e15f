"""Error details hold codes and values, so they are the same in every language.

Each case raises its error once under Chinese and once under English: the messages
differ, the details do not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import translation

from onestop.cases.uploads import check_upload
from onestop.certificates.identifiers import parse_identifier
from onestop.core.errors import OneStopError
from onestop.core.json_errors import body_invalid
from onestop.core.json_input import check_text
from onestop.ratings.queries import clerk_centre as ratings_clerk_centre
from onestop.ratings.queries import pairing_centre
from onestop.window.views import clerk_centre as window_clerk_centre
from onestop.worktime.schedule import parse_schedule

IDENTIFIER = "1.2.156.3005.2.11100000000013338W009.11330105002500287C.{serial}.002.0"


def _raise_body_invalid() -> None:
    raise body_invalid(b'{"a": 1,}')


RAISERS: dict[str, Callable[[], Any]] = {
    "identifier prefix": lambda: parse_identifier("1.2.156.3005.3.1"),
    "identifier serial": lambda: parse_identifier(IDENTIFIER.format(serial="2025-05")),
    "identifier parts": lambda: parse_identifier("1.2.156.3005.2.A.B"),
    "window clerk centre": lambda: window_clerk_centre(AnonymousUser()),
    "ratings clerk centre": lambda: ratings_clerk_centre(AnonymousUser()),
    "pad pairing roles": lambda: pairing_centre(AnonymousUser()),
    "unknown upload type": lambda: check_upload(
        "scan.pdf", b"\x00\x13\x37 no known signature", material="身份证"
    ),
    "schedule header": lambda: parse_schedule(b"day,type\n2027-01-01,holiday\n"),
    "schedule JSON": lambda: parse_schedule(b'{"year": 2027,', "2027.json"),
    "schedule list": lambda: parse_schedule(b'{"holidays": 1}', "2027.json"),
    "schedule year": lambda: parse_schedule(b'{"year": "2027"}', "2027.json"),
    "body lone surrogate": lambda: check_text("\ud800"),
    "body JSON": _raise_body_invalid,
}


def _error_in(language: str, raiser: Callable[[], Any]) -> dict[str, Any]:
    with translation.override(language), pytest.raises(OneStopError) as caught:
        raiser()
    with translation.override(language):
        return caught.value.as_dict()


@pytest.mark.parametrize("case", RAISERS)
def test_details_same_in_both_languages(case):
    chinese = _error_in("zh-hans", RAISERS[case])
    english = _error_in("en", RAISERS[case])

    assert chinese["code"] == english["code"]
    assert chinese["details"] == english["details"]
    assert chinese["message"] != english["message"]


def test_identifier_details_name_part_and_rule():
    details = _error_in("zh-hans", RAISERS["identifier serial"])["details"]

    assert details == {
        "part": "serial",
        "value": "2025-05",
        "expected": "serial_characters",
    }


def test_identifier_message_names_rule_in_words():
    english = _error_in("en", RAISERS["identifier serial"])["message"]
    chinese = _error_in("zh-hans", RAISERS["identifier serial"])["message"]

    assert "the serial 2025-05 should be 1 to 40 digits or capital letters" in english
    assert "40" in chinese
    assert "serial" not in chinese


def test_any_centre_is_a_key_in_details():
    error = _error_in("zh-hans", RAISERS["window clerk centre"])

    assert error["details"]["centre"] == "any"
    assert "任一政务服务中心" in error["message"]


def test_unknown_upload_type_is_null():
    english = _error_in("en", RAISERS["unknown upload type"])

    assert english["details"]["detected"] is None
    assert "is not of a type OneStop recognises" in english["message"]


def test_json_problem_details_give_position():
    details = _error_in("zh-hans", RAISERS["body JSON"])["details"]

    assert details["error"] == {
        "line": 1,
        "column": 8,
        "problem": "trailing_comma",
    }


@pytest.mark.parametrize(
    "path", ["/api/v1/certificates/1.2.156.3005.2.abc/verification"]
)
def test_api_details_same_for_accept_language(db, path):
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-Hans").get(path).json()
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get(path).json()

    assert chinese["code"] == "certificate_id.format"
    assert chinese["details"] == english["details"]
    assert chinese["details"]["part"] == "part_count"
    assert chinese["message"] != english["message"]
