"""case.not_found shows an invisible character of the number as <U+XXXX>."""

from __future__ import annotations

import pytest

from onestop.cases.tests.test_api_flow import apply

pytestmark = pytest.mark.django_db


def test_nul_in_number_shown_as_code_point(demo):
    number = apply(demo.client("applicant"), demo).json()["number"]

    response = demo.client("applicant").get(
        f"/api/v1/cases/{number}%00", headers={"Accept-Language": "en"}
    )

    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "case.not_found"
    assert "\x00" not in body["message"]
    assert body["message"] == (
        f"No case numbered {number}<U+0000> was found among the cases you may see."
    )
    assert body["details"]["number"] == f"{number}\x00"


def test_nul_in_number_in_chinese(demo):
    number = apply(demo.client("applicant"), demo).json()["number"]

    response = demo.client("applicant").get(
        f"/api/v1/cases/{number}%00", headers={"Accept-Language": "zh-hans"}
    )

    assert response.status_code == 404
    assert response.json()["message"] == (
        f"在您有权查看的办件中，未找到编号为 {number}<U+0000> 的办件。"
    )


def test_visible_number_shown_as_sent(demo):
    response = demo.client("applicant").get(
        "/api/v1/cases/440604000000000", headers={"Accept-Language": "en"}
    )

    assert response.status_code == 404
    assert response.json()["message"] == (
        "No case numbered 440604000000000 was found among the cases you may see."
    )


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "No case numbered {number}&lt;U+0000&gt; was found"),
        ("zh-hans", "未找到编号为 {number}&lt;U+0000&gt; 的办件"),
    ],
)
def test_portal_page_shows_code_point(demo, language, text):
    number = apply(demo.client("applicant"), demo).json()["number"]

    response = demo.client("applicant").get(
        f"/portal/cases/{number}%00/", headers={"Accept-Language": language}
    )

    assert response.status_code == 404
    page = response.content.decode()
    assert "\x00" not in page
    assert text.format(number=number) in page
