"""case.not_found names the number sent, with an ID number in it masked, and a number
with a control character is rejected before any lookup, naming its code point."""

from __future__ import annotations

import pytest

from onestop.cases.errors import CaseNotFound
from onestop.cases.tests.test_api_flow import apply
from onestop.cases.window_search import find_window_case

pytestmark = pytest.mark.django_db


def test_nul_in_number_rejected_with_code_point(demo):
    number = apply(demo.client("applicant"), demo).json()["number"]

    response = demo.client("applicant").get(
        f"/api/v1/cases/{number}%00", headers={"Accept-Language": "en"}
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "request.control_character"
    assert "\x00" not in body["message"]
    assert body["message"].startswith(
        "The path of the URL contains the control character U+0000"
    )
    assert body["details"] == {"path": "url_path", "code_point": "U+0000"}


def test_visible_number_shown_as_sent(demo):
    response = demo.client("applicant").get(
        "/api/v1/cases/44060426120599999", headers={"Accept-Language": "en"}
    )

    assert response.status_code == 404
    assert response.json()["message"] == (
        "No case numbered 44060426120599999 was found among the cases you may see."
    )


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "The path of the URL contains the control character U+0000"),
        ("zh-hans", "网址（URL）的路径含有控制字符 U+0000"),
    ],
)
def test_portal_page_names_code_point(demo, language, text):
    number = apply(demo.client("applicant"), demo).json()["number"]

    response = demo.client("applicant").get(
        f"/portal/cases/{number}%00/", headers={"Accept-Language": language}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "\x00" not in page
    assert text in page


@pytest.mark.parametrize(
    ("length", "shown"), [(33, "9" * 33), (41, "9" * 40 + "…"), (200, "9" * 40 + "…")]
)
def test_long_number_echoed_whole(demo, length, shown):
    number = "9" * length

    response = demo.client("applicant").get(
        f"/api/v1/cases/{number}", headers={"Accept-Language": "en"}
    )

    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "case.not_found"
    assert body["details"] == {"number": number}
    assert body["message"] == (
        f"No case numbered {shown} was found among the cases you may see. A case "
        "number has 17 digits, such as 44060426120600001."
    )


def test_number_over_detail_length_cut_with_ellipsis(demo):
    response = demo.client("applicant").get(
        f"/api/v1/cases/{'9' * 250}", headers={"Accept-Language": "en"}
    )

    assert response.status_code == 404
    assert response.json()["details"] == {"number": "9" * 200 + "…"}


def test_number_of_field_length_looked_up(demo):
    number = "9" * 32

    response = demo.client("applicant").get(
        f"/api/v1/cases/{number}", headers={"Accept-Language": "en"}
    )

    assert response.status_code == 404
    assert response.json()["message"] == (
        f"No case numbered {number} was found among the cases you may see. A case "
        "number has 17 digits, such as 44060426120600001."
    )


ID_NUMBER = "440604198503150024"


@pytest.mark.parametrize(
    "sent",
    [
        ID_NUMBER,
        "４４０６０４１９８５０３１５００２４",
        "4406 04198503150024",
        "4406%2004198503150024",
        "%EF%BC%94%EF%BC%94%EF%BC%90%EF%BC%96%EF%BC%90%EF%BC%94198503150024",
    ],
)
def test_id_number_as_case_number_masked(demo, sent):
    response = demo.client("clerk").get(
        f"/api/v1/cases/{sent}", headers={"Accept-Language": "en"}
    )

    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "case.not_found"
    assert body["details"] == {"number": "4406**********0024"}
    assert "0419850315" not in body["message"]
    assert "4406**********0024" in body["message"]


def test_window_search_masks_id_number(demo):
    with pytest.raises(CaseNotFound) as raised:
        find_window_case(demo.user("clerk"), demo.centre, "4406 04 1985 0315 002X")

    assert raised.value.details == {"number": "4406**********002X"}
