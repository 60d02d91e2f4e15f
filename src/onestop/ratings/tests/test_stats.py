"""Rating statistics: the supervisor page, its .xlsx export and the public summary."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from onestop.core.models import Window
from onestop.ratings import rectifications
from onestop.ratings.actions import rate_case
from onestop.ratings.stats import percentage
from onestop.testing import full_width

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(demo, issued_case):
    """Rate four cases 5, 4, 2 and 1; the first bad one is called back and rectified."""
    applicant = demo.user("applicant")
    ratings = [
        rate_case(
            actor=applicant,
            case=issued_case(window=window),
            level=level,
            comment="<b>王五</b>",
        )
        for window, level in (("1", 5), ("1", 4), ("2", 2), ("2", 1))
    ]
    reviewer = demo.user("reviewer")
    fixed = ratings[2].rectification
    rectifications.record_callback(actor=reviewer, rectification=fixed, note="已回访")
    rectifications.close_rectification(
        actor=reviewer, rectification=fixed, outcome="rectified", note="已改进"
    )
    return ratings


def as_cell(value):
    """Return a page figure as openpyxl reads it back: a Decimal becomes a float."""
    return float(value) if isinstance(value, Decimal) else value


def test_percentage_rounds_half_up():
    assert percentage(1, 3) == Decimal("33.3")
    assert percentage(2, 3) == Decimal("66.7")
    assert percentage(1, 8) == Decimal("12.5")
    assert percentage(0, 0) is None


def test_figures_by_window(demo, rated):
    response = demo.client("supervisor").get("/ratings/stats/", {"dimension": "window"})
    assert response.status_code == 200
    rows = {row.code: row for row in response.context["report"].rows}
    assert rows["1"].label == "综合窗口 1"
    assert rows["1"].good_rate == Decimal("100.0")
    assert rows["2"].bad_rate == Decimal("100.0")
    assert rows["2"].rectification_rate == Decimal("50.0")
    assert rows["2"].callback_rate == Decimal("50.0")
    total = response.context["report"].total
    assert total.total == 4
    assert total.good_rate == Decimal("50.0")
    assert total.bad_rate == Decimal("50.0")


def test_xlsx_figures_equal_page(demo, rated):
    supervisor = demo.client("supervisor")
    query = {"dimension": "department"}
    page = supervisor.get("/ratings/stats/", query)
    export = supervisor.get("/ratings/stats/export.xlsx", query)
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == page.context["titles"]
    expected = [[as_cell(value) for value in row] for row in page.context["table"]]
    assert cells[1:] == expected
    assert cells[-1][1] == 4


def test_page_renders_each_figure(demo, rated):
    page = demo.client("supervisor").get("/ratings/stats/").content.decode()
    assert "50.0" in page
    assert "vendor/echarts/echarts.min.js" in page
    assert 'id="rating-chart-data"' in page


def test_period_filter(demo, rated):
    supervisor = demo.client("supervisor")
    before = supervisor.get("/ratings/stats/", {"end": "2020-01-01"})
    invalid = supervisor.get("/api/v1/ratings/stats", {"start": "yesterday"})
    assert before.context["report"].total.total == 0
    assert invalid.status_code == 400
    assert invalid.json()["code"] == "rating.invalid_period"


def test_period_in_full_width_digits(demo, rated):
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    supervisor = demo.client("supervisor")

    page = supervisor.get("/ratings/stats/", {"start": full_width(today.isoformat())})
    response = supervisor.get(
        "/api/v1/ratings/stats", {"end": f"\u3000{full_width(yesterday.isoformat())} "}
    )

    assert page.status_code == 200
    assert page.context["report"].total.total == 4
    assert response.status_code == 200, response.content
    assert response.json()["total"]["total"] == 0


@pytest.mark.parametrize(
    ("query", "code", "named"),
    [
        (
            {"start": "2026-12-31", "end": "2026-01-01"},
            "rating.period_reversed",
            "2026-12-31",
        ),
        ({"channel": "fax"}, "rating.invalid_channel", "fax"),
        ({"centre": "999999"}, "rating.invalid_centre", "999999"),
        ({"start": "2026-02-30"}, "rating.date_not_a_day", "2026-02-30"),
        ({"end": "2026-2-3"}, "rating.invalid_period", "2026-2-3"),
        ({"end": "20260203"}, "rating.invalid_period", "20260203"),
        ({"end": "2026-W10-1"}, "rating.invalid_period", "2026-W10-1"),
        (
            {"start": full_width("2026-02-30")},
            "rating.date_not_a_day",
            full_width("2026-02-30"),
        ),
    ],
)
def test_impossible_filter_is_rejected(demo, rated, query, code, named):
    supervisor = demo.client("supervisor")

    response = supervisor.get("/api/v1/ratings/stats", query)
    page = supervisor.get("/ratings/stats/", query)

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert named in response.json()["message"]
    assert page.status_code == 400
    assert code in page.content.decode()


def test_centre_filter_lists_allowed_centres(demo, rated):
    response = demo.client("supervisor").get(
        "/api/v1/ratings/stats", {"centre": "999999"}
    )

    assert demo.centre.slug in response.json()["message"]


def test_public_summary_rejects_unknown_centre(demo, rated):
    response = Client().get("/api/v1/ratings/public", {"centre": "999999"})

    assert response.status_code == 400
    assert response.json()["code"] == "rating.invalid_centre"


def test_by_month_and_clerk(demo, rated):
    supervisor = demo.client("supervisor")
    by_clerk = supervisor.get("/api/v1/ratings/stats", {"dimension": "clerk"}).json()
    by_month = supervisor.get("/api/v1/ratings/stats", {"dimension": "month"}).json()
    assert [row["label"] for row in by_clerk["rows"]] == ["clerk"]
    assert len(by_month["rows"]) == 1
    assert by_month["total"]["good_rate"] == 50.0


def test_upheld_appeal_not_counted(demo, rated):
    rectification = rated[3].rectification
    rectifications.appeal_rating(
        actor=demo.user("reviewer"),
        rectification=rectification,
        kind="malicious",
        reason="辱骂",
    )
    rectifications.decide_appeal(
        actor=demo.user("supervisor"),
        rectification=rectification,
        upheld=True,
        note="核实",
    )
    total = demo.client("supervisor").get("/ratings/stats/").context["report"].total
    assert total.total == 3
    assert total.bad == 1


def test_statistics_need_supervisor(demo, rated):
    for username in ("applicant", "clerk", "reviewer"):
        response = demo.client(username).get("/api/v1/ratings/stats")
        assert response.status_code == 403, username
        assert response.json()["code"] == "permission.role_required"


def test_other_centre_figures_hidden(demo, other_centre, rated):
    from onestop.core.models import Membership, Role

    user = demo.user("nanhai-clerk")
    Membership.objects.create(user=user, centre=other_centre, role=Role.SUPERVISOR)
    response = demo.client("nanhai-clerk").get("/api/v1/ratings/stats")
    assert response.json()["total"]["total"] == 0


def test_public_summary_without_personal_data(demo, rated):
    response = Client().get("/ratings/public/")
    page = response.content.decode()
    assert response.status_code == 200
    assert demo.centre.name in page
    assert "50.0" in page
    assert "王五" not in page
    assert "李秀英" not in page
    assert "clerk" not in page
    by_clerk = Client().get("/api/v1/ratings/public", {"dimension": "clerk"})
    assert by_clerk.status_code == 400
    assert by_clerk.json()["code"] == "rating.invalid_dimension"


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"channel": "fax"}, "link sent by SMS (sms)"),
        ({"dimension": "colour"}, "service centre (centre)"),
    ],
)
def test_filter_error_names_choice_labels(demo, rated, query, named):
    response = demo.client("supervisor").get(
        "/api/v1/ratings/stats", query, headers={"Accept-Language": "en"}
    )

    assert response.status_code == 400
    assert named in response.json()["message"]


@pytest.mark.parametrize("window", ["=1+1", "+1", "-1", "@SUM(A1)"])
def test_xlsx_writes_formula_text_as_text(demo, issued_case, window):
    Window.objects.filter(centre=demo.centre, code="1").update(name=window)
    rate_case(actor=demo.user("applicant"), case=issued_case(window="1"), level=5)

    export = demo.client("supervisor").get(
        "/ratings/stats/export.xlsx", {"dimension": "window"}
    )

    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    cell = sheet["B2"]
    assert cell.value == window
    assert cell.data_type == "s"
    assert cell.quotePrefix is True


def test_xlsx_filters_are_translated(demo, rated):
    export = demo.client("supervisor").get(
        "/ratings/stats/export.xlsx",
        {"dimension": "window", "channel": "sms", "start": "2026-01-01"},
        headers={"Accept-Language": "zh-hans"},
    )

    sheet = load_workbook(io.BytesIO(export.content)).worksheets[1]
    rows = dict(sheet.iter_rows(values_only=True))
    assert sheet.title == "筛选条件"
    assert rows["分组方式"] == "窗口"
    assert rows["评价渠道"] == "短信链接"
    assert rows["评价起始日期"] == "2026-01-01"
    assert rows["政务服务中心"] == "全部"
    assert "dimension" not in rows
    assert "start" not in rows


@pytest.mark.parametrize(
    "query",
    [
        {"start": "0001-01-01"},
        {"end": "9999-12-31"},
        {"start": "0001-01-01", "end": "9999-12-31"},
    ],
)
def test_farthest_dates_leave_the_period_open(demo, rated, query):
    supervisor = demo.client("supervisor")

    page = supervisor.get("/ratings/stats/", query)
    response = supervisor.get("/api/v1/ratings/stats", query)
    export = supervisor.get("/ratings/stats/export.xlsx", query)

    assert page.status_code == 200
    assert page.context["report"].total.total == 4
    assert response.status_code == 200
    assert export.status_code == 200


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "en",
            "2026-02-30 has the form YYYY-MM-DD, but the calendar has no such day. "
            "Give a day that exists.",
        ),
        (
            "zh-hans",
            "“2026-02-30”的格式正确，但日历上没有这一天。请填写实际存在的日期。",
        ),
    ],
)
def test_date_not_a_day_message(demo, rated, language, message):
    response = demo.client("supervisor").get(
        "/api/v1/ratings/stats",
        {"start": "2026-02-30"},
        headers={"Accept-Language": language},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "rating.date_not_a_day"
    assert response.json()["details"] == {"value": "2026-02-30"}
    assert response.json()["message"] == message


def test_page_filter_error_shows_filter_form(demo, rated):
    response = demo.client("supervisor").get(
        "/ratings/stats/",
        {"channel": "sms", "start": "2026-02-30"},
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    start = page.index('id="statistics-filters"')
    form = page[start : page.index("</form>", start)]
    assert 'data-code="rating.date_not_a_day"' in form
    assert 'name="start" value="2026-02-30"' in form
    assert 'value="sms" selected' in form
    assert "The request could not be completed" not in page
    assert "rating-figures" not in page
    assert 'id="export-xlsx"' not in page


def test_invalid_date_worded_as_on_dashboard(demo):
    supervisor = demo.client("supervisor")
    chinese = {"Accept-Language": "zh-hans"}

    stats = supervisor.get("/ratings/stats/", {"end": "2026-2-3"}, headers=chinese)
    dashboard = supervisor.get("/supervise/", {"start": "2026-2-3"}, headers=chinese)

    sentence = "“2026-2-3”不是有效日期。请使用 YYYY-MM-DD 格式，例如 2026-12-01。"
    assert stats.status_code == 400
    assert dashboard.status_code == 400
    assert 'data-code="rating.invalid_period"' in stats.content.decode()
    assert sentence in stats.content.decode()
    assert sentence in dashboard.content.decode()
