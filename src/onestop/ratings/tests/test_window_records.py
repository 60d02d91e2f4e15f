"""Ratings and the centre's window records: pads bound to a window, the pads-only
policy, and statistics grouped by window."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from onestop.core.models import Window
from onestop.ratings.actions import rate_case
from onestop.ratings.models import RatingPad
from onestop.ratings.policy import update_policy
from onestop.ratings.tests.test_pads import new_device, paired_device

pytestmark = pytest.mark.django_db


def window(demo, code):
    return Window.objects.get(centre=demo.centre, code=code)


def test_pad_is_bound_to_window_record(demo):
    _device, pad = paired_device(demo, window="5")

    assert pad.window_record == window(demo, "5")
    assert pad.window == "综合窗口 5"


def test_pairing_page_offers_active_windows(demo):
    Window.objects.filter(centre=demo.centre, code="6").update(is_active=False)

    text = demo.client("clerk").get("/ratings/pads/").content.decode()

    assert '<option value="5">综合窗口 5</option>' in text
    assert '<option value="6">' not in text


def test_pairing_with_unknown_window_is_rejected(demo):
    _device, pairing = new_device()

    response = demo.client("clerk").post(
        "/api/v1/ratings/pads",
        {"code": pairing.code, "window": "综合窗口 5"},
        content_type="application/json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "window.unknown"
    assert body["details"]["active"] == ["1", "2", "3", "4", "5", "6"]
    assert not RatingPad.objects.exists()


def test_pairing_with_inactive_window_is_rejected(demo):
    Window.objects.filter(centre=demo.centre, code="4").update(is_active=False)
    _device, pairing = new_device()

    response = demo.client("clerk").post(
        "/api/v1/ratings/pads",
        {"code": pairing.code, "window": "4"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "window.inactive"
    assert not RatingPad.objects.exists()


def test_pairing_without_window_lists_codes(demo):
    _device, pairing = new_device()

    response = demo.client("clerk").post(
        "/api/v1/ratings/pads",
        {"code": pairing.code, "window": ""},
        content_type="application/json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "rating.pad_window_required"
    assert body["details"]["windows"] == ["1", "2", "3", "4", "5", "6"]


def test_pad_api_shows_window_code(demo):
    paired_device(demo, window="5")

    rows = demo.client("centreadmin").get("/api/v1/ratings/pads").json()

    assert rows[0]["window"] == "综合窗口 5"
    assert rows[0]["window_code"] == "5"


def test_renamed_window_keeps_its_pad(demo):
    _device, pad = paired_device(demo, window="5")
    Window.objects.filter(pk=pad.window_record_id).update(name="评价窗口")
    update_policy(
        actor=demo.user("centreadmin"),
        centre=demo.centre,
        values={"pads_required": True},
    )

    response = demo.client("clerk").post(
        "/api/v1/ratings/visits",
        {"id_number": "440604198503150024", "window": "5"},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content


def test_pads_only_policy_lists_window_codes(demo):
    paired_device(demo, window="3")
    update_policy(
        actor=demo.user("centreadmin"),
        centre=demo.centre,
        values={"pads_required": True},
    )

    without_window = demo.client("clerk").post(
        "/api/v1/ratings/visits",
        {"id_number": "440604198503150024"},
        content_type="application/json",
    )

    assert without_window.status_code == 400
    body = without_window.json()
    assert body["code"] == "rating.window_pad_missing"
    assert body["details"] == {"window": "", "windows": ["3"]}


def test_rating_copies_window_record(demo, issued_case):
    rating = rate_case(
        actor=demo.user("applicant"), case=issued_case(window="2"), level=5
    )

    assert rating.window_record == window(demo, "2")
    assert rating.window == "综合窗口 2"


def test_statistics_group_by_window_record(demo, issued_case):
    applicant = demo.user("applicant")
    for code, level in (("1", 5), ("2", 1), ("2", 4), ("", 3)):
        rate_case(actor=applicant, case=issued_case(window=code), level=level)
    # A renamed window stays one group under its current name.
    Window.objects.filter(centre=demo.centre, code="2").update(name="综合窗口 二")

    response = demo.client("supervisor").get(
        "/api/v1/ratings/stats", {"dimension": "window"}
    )

    assert response.status_code == 200, response.content
    rows = response.json()["rows"]
    by_code = {row["code"]: row for row in rows}
    assert set(by_code) == {"", "1", "2"}
    assert by_code["2"]["label"] == "综合窗口 二"
    assert by_code["2"]["total"] == 2
    assert by_code["1"]["label"] == "综合窗口 1"
    assert by_code[""]["label"] == "(none)"
    assert response.json()["total"]["total"] == 4


def test_two_windows_of_one_name_stay_apart(demo, issued_case):
    Window.objects.filter(centre=demo.centre, code="4").update(name="综合窗口 3")
    applicant = demo.user("applicant")
    rate_case(actor=applicant, case=issued_case(window="3"), level=5)
    rate_case(actor=applicant, case=issued_case(window="4"), level=1)

    response = demo.client("supervisor").get(
        "/api/v1/ratings/stats", {"dimension": "window"}
    )

    rows = response.json()["rows"]
    assert [(row["code"], row["total"]) for row in rows] == [("3", 1), ("4", 1)]


def test_xlsx_has_window_code_and_name(demo, issued_case):
    rate_case(actor=demo.user("applicant"), case=issued_case(window="1"), level=5)

    export = demo.client("supervisor").get(
        "/ratings/stats/export.xlsx", {"dimension": "window"}
    )

    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("window code", "window", "number of ratings")
    assert rows[1][:3] == ("1", "综合窗口 1", 1)
    assert rows[-1][0] in (None, "")
    assert rows[-1][1:3] == ("total", 1)


def test_other_dimensions_have_no_code(demo, issued_case):
    rate_case(actor=demo.user("applicant"), case=issued_case(window="1"), level=5)

    body = (
        demo.client("supervisor")
        .get("/api/v1/ratings/stats", {"dimension": "department"})
        .json()
    )

    assert "code" not in body["rows"][0]
