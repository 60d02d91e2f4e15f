"""The supervisor's dashboard: warnings, calendar alerts and extension decisions."""

from __future__ import annotations

import datetime as dt
import html

import pytest
import time_machine
from django.utils import translation

from onestop.cases.models import Case, CaseExtension
from onestop.cases.tests.test_clock import apply_and_accept, at, post, request_extension
from onestop.core.models import Department
from onestop.testing import full_width
from onestop.worktime.queries import clear_calendar_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    clear_calendar_cache()
    yield
    clear_calendar_cache()


def dashboard(demo, when, username="supervisor"):
    with time_machine.travel(when, tick=False):
        return demo.client(username).get("/supervise/")


def test_dashboard_counts_warnings(demo):
    # Accepted on 2 March and promised on 9 March, so overdue on 10 March.
    apply_and_accept(demo, at(2026, 3, 2, 9))
    apply_and_accept(demo, at(2026, 3, 9, 9))

    response = dashboard(demo, at(2026, 3, 10))

    assert response.status_code == 200
    by_department = response.context["by_department"]
    assert [(row["yellow"], row["red"]) for row in by_department] == [(0, 1)]
    assert by_department[0]["name"] == demo.market.name
    assert [row["name"] for row in response.context["by_matter"]] == ["食品经营许可"]
    assert b'id="warning-chart"' in response.content
    assert b"vendor/echarts/echarts.min.js" in response.content


def test_suspended_case_keeps_its_remaining_days(demo):
    number, _body = apply_and_accept(demo, at(2026, 3, 2, 9))
    post(
        demo.client("reviewer"),
        f"/api/v1/cases/{number}/special-procedure",
        {"procedure": "hearing", "reason": "举行听证"},
        at(2026, 3, 3),
    )

    response = dashboard(demo, at(2026, 3, 20))

    # Two weeks after the suspension the case still has the 4 working days it had left.
    assert response.context["warned"] == []
    assert [c["number"] for c in response.context["paused"]] == [number]
    with time_machine.travel(at(2026, 3, 20), tick=False):
        detail = demo.client("supervisor").get(f"/api/v1/cases/{number}").json()
    assert detail["remaining_working_days"] == 4
    assert detail["warning"] == "ok"


def test_every_table_has_column_headers(demo):
    apply_and_accept(demo, at(2026, 3, 2, 9))
    number, _body = apply_and_accept(demo, at(2026, 3, 9, 9))
    request_extension(demo, number)
    suspended, _body = apply_and_accept(demo, at(2026, 3, 2, 10))
    post(
        demo.client("reviewer"),
        f"/api/v1/cases/{suspended}/special-procedure",
        {"procedure": "hearing", "reason": "举行听证"},
        at(2026, 3, 3),
    )

    page = dashboard(demo, at(2026, 3, 10)).content.decode()

    tables = page.split("<table")[1:]
    assert len(tables) == 5
    for table in tables:
        assert "<thead><tr><th>" in table.split("<tbody>")[0]
    paused = page.split('id="paused"')[1].split("</table>")[0]
    assert "<th>Case number</th>" in paused
    assert "<th>State</th>" in paused
    assert suspended in paused


def test_dashboard_alerts_missing_calendar_year(demo):
    response = dashboard(demo, at(2026, 3, 10))

    assert response.context["missing_years"] == [
        {"centre": demo.centre.name, "years": [2027]}
    ]
    assert 'id="calendar-missing"' in response.content.decode()
    with time_machine.travel(at(2026, 3, 10), tick=False):
        english = demo.client("supervisor").get(
            "/supervise/", headers={"Accept-Language": "en"}
        )
    assert "Deadlines in that year are provisional" in english.content.decode()
    # A supervisor has no shell on the server, so the page names who loads the year.
    assert "ask them, or a centre admin" in english.content.decode()
    assert "onestop calendar" not in english.content.decode()


def test_dashboard_needs_supervisor(demo):
    response = dashboard(demo, at(2026, 3, 10), username="reviewer")

    assert response.status_code == 403


def test_dashboard_approves_extension(demo):
    number, _body = apply_and_accept(demo, at(2026, 3, 2, 9))
    extension = request_extension(demo, number).json()["id"]
    page = dashboard(demo, at(2026, 3, 3))

    with time_machine.travel(at(2026, 3, 3), tick=False):
        response = demo.client("supervisor").post(
            f"/supervise/extensions/{extension}/decide",
            {"decision": "approve", "note": "同意"},
        )

    assert f'id="approve-extension-{extension}"' in page.content.decode()
    assert response.status_code == 302
    assert (
        CaseExtension.objects.get(pk=extension).status == CaseExtension.Status.APPROVED
    )
    assert Case.objects.get(number=number).promised_due == dt.date(2026, 3, 16)


def test_rejecting_extension_needs_note(demo):
    number, _body = apply_and_accept(demo, at(2026, 3, 2, 9))
    extension = request_extension(demo, number).json()["id"]

    with time_machine.travel(at(2026, 3, 3), tick=False):
        response = demo.client("supervisor").post(
            f"/supervise/extensions/{extension}/decide",
            {"decision": "reject", "note": ""},
        )

    assert response.status_code == 400
    assert (
        CaseExtension.objects.get(pk=extension).status == CaseExtension.Status.REQUESTED
    )


def decide(demo, extension, posted, query=""):
    with time_machine.travel(at(2026, 3, 3), tick=False):
        return demo.client("supervisor").post(
            f"/supervise/extensions/{extension}/decide{query}", posted
        )


def test_reject_without_note_shows_form(demo):
    number, _body = apply_and_accept(demo, at(2026, 3, 2, 9))
    extension = request_extension(demo, number).json()["id"]

    response = decide(demo, extension, {"decision": "reject", "note": ""})

    page = response.content.decode()
    assert response.status_code == 400
    assert f'id="decision-error-{extension}" data-code="case.reason_required"' in page
    assert f'id="reject-extension-{extension}"' in page
    assert 'id="dashboard-filters"' in page
    assert "Go back" not in page


def test_decision_error_keeps_note_and_filters(demo):
    number, _body = apply_and_accept(demo, at(2026, 3, 2, 9))
    extension = request_extension(demo, number).json()["id"]
    note = "同" * 2001

    response = decide(
        demo,
        extension,
        {"decision": "approve", "note": note},
        query="?department=market_regulation",
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-code="case.reason_too_long"' in page
    assert f'value="{note}"' in page
    assert '<option value="market_regulation" selected>' in page
    assert (
        f'action="/supervise/extensions/{extension}/decide?department=market_regulation"'
        in page
    )
    assert (
        CaseExtension.objects.get(pk=extension).status == CaseExtension.Status.REQUESTED
    )


def test_decision_returns_to_filtered_dashboard(demo):
    number, _body = apply_and_accept(demo, at(2026, 3, 2, 9))
    extension = request_extension(demo, number).json()["id"]

    response = decide(
        demo,
        extension,
        {"decision": "reject", "note": "材料齐全，无需延长"},
        query="?department=market_regulation",
    )

    assert response.status_code == 302
    assert response["Location"] == "/supervise/?department=market_regulation"


def test_duplicate_matter_names_show_id(demo):
    from onestop.catalog.models import Matter

    template = Matter.objects.get(centre=demo.centre, pack_id="food-business-licence")
    for pack_id in ("local-night-market-1", "local-night-market-2"):
        Matter.objects.create(
            centre=demo.centre,
            department=template.department,
            pack_id=pack_id,
            name="夜市摊位登记",
            matter_type=template.matter_type,
        )

    page = demo.client("supervisor").get("/supervise/").content.decode()

    assert (
        '<option value="local-night-market-1" >夜市摊位登记 (local-night-market-1)'
        in page
    )
    assert (
        '<option value="local-night-market-2" >夜市摊位登记 (local-night-market-2)'
        in page
    )
    assert f">{template.name}</option>" in page


@pytest.mark.parametrize("posted", [{"decision": "bogus"}, {}])
def test_unknown_extension_decision_is_rejected(demo, posted):
    number, _body = apply_and_accept(demo, at(2026, 3, 2, 9))
    extension = request_extension(demo, number).json()["id"]

    with time_machine.travel(at(2026, 3, 3), tick=False):
        response = demo.client("supervisor").post(
            f"/supervise/extensions/{extension}/decide", {**posted, "note": "不同意"}
        )

    assert response.status_code == 400
    assert "form.unknown_choice" in response.content.decode()
    assert "approve, reject" in response.content.decode()
    assert (
        CaseExtension.objects.get(pk=extension).status == CaseExtension.Status.REQUESTED
    )


def test_state_counts_count_every_case(demo):
    from onestop.cases.actions import Application, submit_online_case
    from onestop.cases.uploads import check_upload
    from onestop.catalog.models import Matter
    from onestop.testing import PDF_BYTES, valid_form

    matter = Matter.objects.get(centre=demo.centre, pack_id="food-business-licence")
    form = {k.removeprefix("field."): v for k, v in valid_form(matter).items()}
    scan = check_upload("scan.pdf", PDF_BYTES, material="scan")
    uploads = {m["key"]: [scan] for m in matter.current_version.guide.materials}
    for _ in range(3):
        submit_online_case(
            actor=demo.user("applicant"),
            matter=matter,
            application=Application(form_data=form, uploads=uploads),
        )
    page = demo.client("supervisor").get("/supervise/")
    states = {str(label): count for label, count in page.context["states"]}
    assert states["Submitted"] == 3


# --- filters -----------------------------------------------------------------------------


def filtered_count(demo, **query):
    """Return the number of cases the dashboard counts on 10 March 2026 with `query`."""
    with time_machine.travel(at(2026, 3, 10), tick=False):
        response = demo.client("supervisor").get("/supervise/", query)
    assert response.status_code == 200, response.content
    return sum(count for _label, count in response.context["states"])


def test_dashboard_filters_by_department_and_period(demo):
    apply_and_accept(demo, at(2026, 3, 2, 9))
    apply_and_accept(demo, at(2026, 3, 9, 9))
    other = Department.objects.filter(centre=demo.centre).exclude(pk=demo.market.pk)[0]

    def counts(**query):
        return filtered_count(demo, **query)

    assert counts() == 2
    assert counts(department="market_regulation") == 2
    assert counts(department=other.role_key) == 0
    assert counts(matter="food-business-licence") == 2
    assert counts(matter="drainage-permit") == 0
    assert counts(start="2026-03-05") == 1
    assert counts(start="2026-03-02", end="2026-03-02") == 1


def test_dashboard_reads_full_width_dates(demo):
    apply_and_accept(demo, at(2026, 3, 2, 9))
    apply_and_accept(demo, at(2026, 3, 9, 9))

    assert filtered_count(demo, start=full_width("2026-03-05")) == 1
    assert filtered_count(demo, start=" 2026-03-05\u3000") == 1
    assert filtered_count(demo, start="2026-03-02", end=full_width("2026-03-02")) == 1


def test_filter_form_selects_chosen_codes(demo):
    query = {"department": "market_regulation", "matter": "food-business-licence"}

    response = demo.client("supervisor").get("/supervise/", query)

    assert response.status_code == 200
    page = response.content.decode()
    assert '<option value="market_regulation" selected>' in page
    assert '<option value="food-business-licence" selected>' in page
    assert f'value="{demo.market.pk}"' not in page


def test_filter_names_unknown_code(demo):
    response = demo.client("supervisor").get(
        "/supervise/", {"matter": "no-such-matter"}
    )

    assert response.status_code == 400
    assert (
        "no-such-matter is not a matter you supervise. Choose one from the list of "
        "the dashboard's filters."
    ) in html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("query", "code", "named"),
    [
        ({"department": "999999"}, "supervise.filter_invalid", "999999"),
        ({"department": "abc"}, "supervise.filter_invalid", "abc"),
        ({"matter": "no-such-matter"}, "supervise.filter_invalid", "no-such-matter"),
        ({"centre": "nowhere"}, "supervise.filter_invalid", "nowhere"),
        ({"matter": "0"}, "supervise.filter_invalid", "0"),
        ({"start": "2026-02-30"}, "supervise.date_not_a_day", "2026-02-30"),
        ({"end": "2026-13-01"}, "supervise.date_not_a_day", "2026-13-01"),
        ({"start": "2026-2-3"}, "supervise.date_invalid", "2026-2-3"),
        ({"start": "20260203"}, "supervise.date_invalid", "20260203"),
        ({"start": "2026-W10-1"}, "supervise.date_invalid", "2026-W10-1"),
        (
            {"start": full_width("2026-02-30")},
            "supervise.date_not_a_day",
            full_width("2026-02-30"),
        ),
        ({"start": "2026-03-05", "end": "2026-03-01"}, "supervise.period_reversed", ""),
    ],
)
def test_dashboard_rejects_unknown_filter(demo, query, code, named):
    response = demo.client("supervisor").get("/supervise/", query)

    assert response.status_code == 400
    content = response.content.decode()
    assert code in content
    assert named in content


def test_other_centres_department_is_not_a_filter(demo, other_centre):
    Department.objects.create(
        centre=other_centre,
        role_key="nanhai_only",
        name="南海区本地部门",
        uscc=demo.market.uscc,
    )

    response = demo.client("supervisor").get(
        "/supervise/", {"department": "nanhai_only"}
    )

    assert response.status_code == 400
    assert "supervise.filter_invalid" in response.content.decode()
    assert "nanhai_only" in response.content.decode()


def test_department_code_filters_every_centre(demo, other_centre):
    apply_and_accept(demo, at(2026, 3, 2, 9))

    with time_machine.travel(at(2026, 3, 10), tick=False):
        response = demo.client("platform").get(
            "/supervise/", {"department": "market_regulation"}
        )

    assert response.status_code == 200
    assert sum(count for _label, count in response.context["states"]) == 1
    page = response.content.decode()
    assert page.count('<option value="market_regulation"') == 1


def test_platform_admin_sees_cases_by_centre(demo, other_centre):
    apply_and_accept(demo, at(2026, 3, 2, 9))

    with time_machine.travel(at(2026, 3, 10), tick=False):
        response = demo.client("platform").get("/supervise/")
        narrowed = demo.client("platform").get(
            "/supervise/", {"centre": other_centre.slug}
        )

    names = [row["name"] for row in response.context["by_centre"]]
    assert names == [demo.centre.name]
    assert response.context["by_centre"][0]["red"] == 1
    assert sum(count for _label, count in narrowed.context["states"]) == 0


@pytest.mark.parametrize(
    "query",
    [
        {"start": "0001-01-01"},
        {"end": "9999-12-31"},
        {"start": "0001-01-01", "end": "9999-12-31"},
    ],
)
def test_farthest_dates_count_every_case(demo, query):
    apply_and_accept(demo, at(2026, 3, 2, 9))

    with time_machine.travel(at(2026, 3, 10), tick=False):
        open_period = demo.client("supervisor").get("/supervise/")
        far = demo.client("supervisor").get("/supervise/", query)

    assert far.status_code == 200
    assert far.context["by_matter"] == open_period.context["by_matter"]
    assert [row["name"] for row in far.context["by_matter"]] == ["食品经营许可"]


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
def test_date_not_a_day_message(demo, language, message):
    response = demo.client("supervisor").get(
        "/supervise/", {"start": "2026-02-30"}, headers={"Accept-Language": language}
    )

    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())


def test_filter_error_shows_filter_form(demo):
    apply_and_accept(demo, at(2026, 3, 2, 9))

    response = demo.client("supervisor").get(
        "/supervise/",
        {"department": "market_regulation", "start": "2026-02-30"},
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    start = page.index('id="dashboard-filters"')
    form = page[start : page.index("</form>", start)]
    assert 'id="filter-error"' in form
    assert 'data-code="supervise.date_not_a_day"' in form
    assert '<option value="market_regulation" selected>' in form
    assert 'name="start" value="2026-02-30"' in form
    assert "The request could not be completed" not in page
    assert 'id="by-department"' not in page
    assert 'id="provisional-count"' not in page
