"""case.not_found gives the rule of case numbers for a text that cannot be one.

A well-formed number that names no visible case keeps the plain message, so the
response for a case of another centre is the same as for a number never given.
"""

from __future__ import annotations

import pytest

from onestop.cases.tests.test_api_flow import apply

pytestmark = pytest.mark.django_db

UNKNOWN = "44060426120699999"


def get_case(demo, number, language, user="applicant"):
    return demo.client(user).get(
        f"/api/v1/cases/{number}", headers={"Accept-Language": language}
    )


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("abc", "abc"),
        ("9" * 40, "9" * 40),
        # The ID number pattern of the log masking also matches 16 digits.
        ("4406042612060000", "4406********0000"),
    ],
)
def test_malformed_number_gives_rule_in_english(demo, number, shown):
    response = get_case(demo, number, "en")

    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "case.not_found"
    assert body["details"] == {"number": shown}
    assert body["message"] == (
        f"No case numbered {shown} was found among the cases you may see. A case "
        "number has 17 digits, such as 44060426120600001."
    )


def test_malformed_number_gives_rule_in_chinese(demo):
    response = get_case(demo, "abc", "zh-hans")

    assert response.json()["message"] == (
        "在您有权查看的办件中，未找到编号为 abc 的办件。办件编号为 17 位数字，例如 "
        "44060426120600001。"
    )


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", f"No case numbered {UNKNOWN} was found among the cases you may see."),
        ("zh-hans", f"在您有权查看的办件中，未找到编号为 {UNKNOWN} 的办件。"),
    ],
)
def test_well_formed_unknown_number_keeps_message(demo, language, message):
    response = get_case(demo, UNKNOWN, language)

    assert response.status_code == 404
    assert response.json()["message"] == message


def test_full_width_number_counts_as_well_formed(demo):
    full_width = UNKNOWN.translate({code: code + 0xFEE0 for code in range(48, 58)})

    response = get_case(demo, full_width, "en")

    assert response.json()["message"] == (
        f"No case numbered {full_width} was found among the cases you may see."
    )


def test_hidden_case_reads_as_unknown_number(demo, other_centre):
    number = apply(demo.client("applicant"), demo).json()["number"]

    hidden = get_case(demo, number, "en", user="nanhai-clerk").json()
    unknown = get_case(demo, UNKNOWN, "en", user="nanhai-clerk").json()

    assert hidden["code"] == unknown["code"] == "case.not_found"
    assert hidden["message"] == unknown["message"].replace(UNKNOWN, number)


@pytest.mark.parametrize(
    ("language", "rule"),
    [
        (
            "en",
            "Search for a case number of 17 digits, such as 44060426120600001, or for "
            "the applicant&#x27;s resident ID number of 18 characters.",
        ),
        (
            "zh-hans",
            "请输入 17 位数字的办件编号（例如 44060426120600001），或申请人 18 位",
        ),
    ],
)
def test_window_search_gives_rule(demo, language, rule):
    response = demo.client("clerk").post(
        "/window/cases/", {"q": "abc"}, headers={"Accept-Language": language}
    )

    assert response.status_code == 404
    text = response.content.decode()
    assert 'data-code="case.not_found"' in text
    assert rule in text


def test_window_search_unknown_number_keeps_message(demo):
    response = demo.client("clerk").post(
        "/window/cases/", {"q": UNKNOWN}, headers={"Accept-Language": "en"}
    )

    text = response.content.decode()
    assert f"No case numbered {UNKNOWN} was found among the cases you may see." in text
    assert "17 digits" not in text
