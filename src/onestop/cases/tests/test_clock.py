"""The clock of a case through the API: holidays, pauses, extensions and re-evaluation.

Every expected date below is counted by hand on the State Council schedules of 2025 and
2026 that `chinesecalendar` 1.11 ships. The food business licence has a promised limit
of 5 and a statutory limit of 10 working days; the drug retail licence 15 and 20.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from onestop.cases.models import Case, CaseEvent, CaseExtension, CasePause, CaseState
from onestop.cases.tasks import reevaluate_daily, reevaluate_provisional_deadlines
from onestop.core import outbox
from onestop.core.models import AuditEvent
from onestop.testing import material_files, upload, valid_form
from onestop.worktime.actions import load_schedule
from onestop.worktime.engine import SHANGHAI, CalendarDay
from onestop.worktime.queries import clear_calendar_cache
from onestop.worktime.schedule import Schedule

pytestmark = pytest.mark.django_db

FOOD = "food-business-licence"
DRUG = "drug-retail-licence"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    clear_calendar_cache()
    yield
    clear_calendar_cache()


def at(year, month, day, hour=10, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def apply_and_accept(demo, when, *, matter=FOOD, review=True):
    """Apply online, accept at the window at `when`, and optionally start the review."""
    from onestop.catalog.models import Matter

    found = Matter.objects.get(centre=demo.centre, pack_id=matter)
    with time_machine.travel(when - dt.timedelta(minutes=5), tick=False):
        data = {"centre": demo.centre.slug, "matter": matter, **valid_form(found)}
        data.update(material_files(found))
        response = demo.client("applicant").post(
            "/api/v1/cases", data, headers={"Idempotency-Key": f"{matter}-{when}"}
        )
        assert response.status_code == 201, response.content
    number = response.json()["number"]

    with time_machine.travel(when, tick=False):
        response = demo.client("clerk").post(
            f"/api/v1/cases/{number}/accept", {}, content_type="application/json"
        )
        assert response.status_code == 200, response.content
        if review:
            outbox.drain()
    return number, response.json()


def post(client, path, body, when):
    with time_machine.travel(when, tick=False):
        return client.post(path, body, content_type="application/json")


def dues(number):
    case = Case.objects.get(number=number)
    return case.promised_due, case.statutory_due


# --- holidays and office hours --------------------------------------------------------


def test_spring_festival_2026_is_skipped(demo):
    # Friday 13 February. Saturday 14 is a make-up workday, 15 to 23 February rest days.
    _number, body = apply_and_accept(demo, at(2026, 2, 13))

    assert body["promised_due"] == "2026-02-27"
    assert body["statutory_due"] == "2026-03-05"
    assert body["deadline_provisional"] is False


def test_national_day_2025_counts_make_up_days(demo):
    # Tuesday 30 September. 1 to 8 October are rest days, Saturday 11 October works.
    _number, body = apply_and_accept(demo, at(2025, 9, 30))

    assert body["promised_due"] == "2025-10-14"
    assert body["statutory_due"] == "2025-10-21"


def test_make_up_sunday_2025_acceptance(demo):
    # Sunday 28 September 2025 is a workday, so acceptance counts on that day.
    _number, body = apply_and_accept(demo, at(2025, 9, 28))

    assert body["promised_due"] == "2025-10-11"


def test_national_day_2026_with_mid_autumn(demo):
    # Thursday 24 September. 25 to 27 September and 1 to 7 October are rest days, and
    # Saturday 10 October is a workday.
    _number, body = apply_and_accept(demo, at(2026, 9, 24))

    assert body["promised_due"] == "2026-10-09"
    assert body["statutory_due"] == "2026-10-15"


def test_saturday_acceptance_counts_on_sunday(demo):
    # Saturday 19 September 2026 is a rest day, but Sunday 20 September is a workday.
    _number, body = apply_and_accept(demo, at(2026, 9, 19))

    assert body["promised_due"] == "2026-09-28"


def test_acceptance_after_office_hours(demo):
    _before, in_hours = apply_and_accept(demo, at(2026, 3, 2, 17, 29))
    _after, late = apply_and_accept(demo, at(2026, 3, 2, 18, 0))

    assert in_hours["promised_due"] == "2026-03-09"
    assert late["promised_due"] == "2026-03-10"


# --- year boundary and re-evaluation --------------------------------------------------


def test_deadline_into_unloaded_year_is_provisional(demo):
    # 15 December 2026 plus 20 working days reaches January 2027, which is not
    # loaded, so 1 January 2027 counts as a workday on the weekends-only rule.
    _number, body = apply_and_accept(demo, at(2026, 12, 15), matter=DRUG)

    assert body["promised_due"] == "2027-01-05"
    assert body["statutory_due"] == "2027-01-12"
    assert body["deadline_provisional"] is True


def test_each_due_date_is_flagged_alone(demo):
    # 22 December 2026 plus 5 working days stays in 2026, plus 10 reaches 2027.
    number, body = apply_and_accept(demo, at(2026, 12, 22))
    with time_machine.travel(at(2026, 12, 23), tick=False):
        page = demo.client("reviewer").get(f"/office/cases/{number}/").content.decode()

    assert body["promised_due"] == "2026-12-29"
    assert body["statutory_due"] == "2027-01-05"
    assert body["deadline_provisional"] is True
    assert body["promised_due_provisional"] is False
    assert body["statutory_due_provisional"] is True
    assert 'id="promised-due-provisional"' not in page
    assert 'id="statutory-due-provisional"' in page


def test_both_due_dates_provisional_in_unloaded_year(demo):
    _number, body = apply_and_accept(demo, at(2026, 12, 15), matter=DRUG)

    assert body["promised_due_provisional"] is True
    assert body["statutory_due_provisional"] is True


def test_stale_due_dates_stay_provisional(demo):
    # The year is loaded, but the daily re-evaluation has not recomputed the dates.
    number, _body = apply_and_accept(demo, at(2026, 12, 22))
    new_year = CalendarDay(dt.date(2027, 1, 1), False, "元旦")
    load_schedule(Schedule(year=2027, days=(new_year,)), actor=demo.user("platform"))
    clear_calendar_cache()

    with time_machine.travel(at(2026, 12, 23), tick=False):
        body = demo.client("reviewer").get(f"/api/v1/cases/{number}").json()

    assert body["deadline_provisional"] is True
    assert body["promised_due_provisional"] is True
    assert body["statutory_due_provisional"] is True


def test_reevaluation_after_year_is_loaded(demo):
    number, _body = apply_and_accept(demo, at(2026, 12, 15), matter=DRUG)
    unaffected, _ = apply_and_accept(demo, at(2026, 12, 1))
    new_year = CalendarDay(dt.date(2027, 1, 1), False, "元旦")
    load_schedule(Schedule(year=2027, days=(new_year,)), actor=demo.user("platform"))
    clear_calendar_cache()

    result = reevaluate_provisional_deadlines()

    case = Case.objects.get(number=number)
    assert result.recomputed == 1
    assert case.promised_due == dt.date(2027, 1, 6)
    assert case.statutory_due == dt.date(2027, 1, 13)
    assert case.deadline_provisional is False
    assert Case.objects.get(number=unaffected).deadline_provisional is False


def test_reevaluation_leaves_unloaded_years_alone(demo):
    number, _body = apply_and_accept(demo, at(2026, 12, 15), matter=DRUG)
    before = dues(number)

    result = reevaluate_provisional_deadlines()

    assert result.checked == 1
    assert result.recomputed == 0
    assert dues(number) == before
    assert Case.objects.get(number=number).deadline_provisional is True


def test_daily_job_runs_once_a_day(demo):
    apply_and_accept(demo, at(2026, 12, 15), matter=DRUG)

    with time_machine.travel(at(2026, 12, 16, 1), tick=False):
        first = reevaluate_daily()
        second = reevaluate_daily()
    with time_machine.travel(at(2026, 12, 17, 1), tick=False):
        next_day = reevaluate_daily()

    assert first is not None
    assert second is None
    assert next_day is not None
    assert any(function is reevaluate_daily for _s, function in outbox._periodic)


# --- special procedures ---------------------------------------------------------------


def test_special_procedure_across_holidays(demo):
    number, _body = apply_and_accept(demo, at(2026, 9, 24))
    reviewer = demo.client("reviewer")

    started = post(
        reviewer,
        f"/api/v1/cases/{number}/special-procedure",
        {"procedure": "inspection", "reason": "送检样品"},
        at(2026, 9, 24, 15),
    )
    ended = post(
        reviewer,
        f"/api/v1/cases/{number}/special-procedure/end",
        {"reason": "检验报告已收到"},
        at(2026, 10, 8, 10),
    )

    # Paused workdays: 28, 29, 30 September and 8 October.
    assert started.status_code == 200, started.content
    assert started.json()["state"] == CaseState.SUSPENDED
    assert ended.status_code == 200, ended.content
    assert ended.json()["state"] == CaseState.IN_REVIEW
    assert ended.json()["promised_due"] == "2026-10-14"
    assert ended.json()["statutory_due"] == "2026-10-21"


def test_special_procedure_events_and_pause(demo):
    number, _body = apply_and_accept(demo, at(2026, 9, 24))
    reviewer = demo.client("reviewer")
    post(
        reviewer,
        f"/api/v1/cases/{number}/special-procedure",
        {"procedure": "expert_review", "reason": "组织专家评审"},
        at(2026, 9, 28),
    )
    post(
        reviewer,
        f"/api/v1/cases/{number}/special-procedure/end",
        {"reason": "评审结束"},
        at(2026, 9, 29),
    )

    pause = CasePause.objects.get(case__number=number)
    actions = list(
        CaseEvent.objects.filter(case__number=number).values_list("action", flat=True)
    )
    verbs = set(
        AuditEvent.objects.filter(object_id=number).values_list("verb", flat=True)
    )
    assert pause.kind == CasePause.Kind.SPECIAL_PROCEDURE
    assert pause.procedure == "expert_review"
    assert pause.ended_at == at(2026, 9, 29)
    assert actions[-2:] == ["suspend", "resume"]
    assert "case.special_procedure_started" in verbs
    assert "case.special_procedure_ended" in verbs


def test_pause_ending_before_start_is_rejected(demo):
    number, _body = apply_and_accept(demo, at(2026, 9, 24))
    reviewer = demo.client("reviewer")
    post(
        reviewer,
        f"/api/v1/cases/{number}/special-procedure",
        {"procedure": "hearing", "reason": "举行听证"},
        at(2026, 9, 28, 10),
    )

    response = post(
        reviewer,
        f"/api/v1/cases/{number}/special-procedure/end",
        {"reason": "听证结束", "ended_at": at(2026, 9, 28, 9).isoformat()},
        at(2026, 9, 29),
    )

    assert response.status_code == 400
    assert response.json()["code"] == "case.pause_ends_before_start"
    assert response.json()["message"] == (
        "The special procedure started at 2026-09-28 10:00, so it cannot end at "
        "2026-09-28 09:00. Give an end time at or after the start."
    )
    assert Case.objects.get(number=number).state == CaseState.SUSPENDED
    assert CasePause.objects.get(case__number=number).ended_at is None


def test_pause_ending_in_future_is_rejected(demo):
    number, _body = apply_and_accept(demo, at(2026, 9, 24))
    reviewer = demo.client("reviewer")
    post(
        reviewer,
        f"/api/v1/cases/{number}/special-procedure",
        {"procedure": "testing", "reason": "检测"},
        at(2026, 9, 28),
    )

    response = post(
        reviewer,
        f"/api/v1/cases/{number}/special-procedure/end",
        {"reason": "检测完成", "ended_at": at(2026, 10, 30).isoformat()},
        at(2026, 9, 29),
    )

    assert response.status_code == 400
    assert response.json()["code"] == "case.pause_ends_in_future"


def test_special_procedure_with_earlier_end_time(demo):
    number, _body = apply_and_accept(demo, at(2026, 9, 24))
    reviewer = demo.client("reviewer")
    post(
        reviewer,
        f"/api/v1/cases/{number}/special-procedure",
        {"procedure": "appraisal", "reason": "鉴定"},
        at(2026, 9, 28),
    )

    response = post(
        reviewer,
        f"/api/v1/cases/{number}/special-procedure/end",
        {"reason": "鉴定结束", "ended_at": at(2026, 9, 29).isoformat()},
        at(2026, 10, 12),
    )

    # Paused: only 29 September, so both dates move by one workday.
    assert response.status_code == 200, response.content
    assert response.json()["promised_due"] == "2026-10-10"
    assert response.json()["statutory_due"] == "2026-10-16"


def test_unknown_procedure_is_rejected(demo):
    number, _body = apply_and_accept(demo, at(2026, 9, 24))

    with time_machine.travel(at(2026, 9, 28), tick=False):
        response = demo.client("reviewer").post(
            f"/api/v1/cases/{number}/special-procedure",
            {"procedure": "lottery", "reason": "抽签"},
            content_type="application/json",
            headers={"Accept-Language": "zh-hans"},
        )

    assert response.status_code == 400
    assert response.json()["code"] == "case.unknown_procedure"
    assert "听证（hearing）" in response.json()["message"]
    assert "expert_review," not in response.json()["message"]
    assert Case.objects.get(number=number).state == CaseState.IN_REVIEW


def test_special_procedure_needs_review_state(demo):
    number, _body = apply_and_accept(demo, at(2026, 9, 24), review=False)

    response = post(
        demo.client("reviewer"),
        f"/api/v1/cases/{number}/special-procedure",
        {"procedure": "hearing", "reason": "听证"},
        at(2026, 9, 28),
    )

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


def test_clerk_cannot_start_special_procedure(demo):
    number, _body = apply_and_accept(demo, at(2026, 9, 24))

    response = post(
        demo.client("clerk"),
        f"/api/v1/cases/{number}/special-procedure",
        {"procedure": "hearing", "reason": "听证"},
        at(2026, 9, 28),
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission.role_required"


def test_other_centre_reviewer_cannot_see_case(demo, other_centre):
    number, _body = apply_and_accept(demo, at(2026, 9, 24))

    response = post(
        demo.client("nanhai-reviewer"),
        f"/api/v1/cases/{number}/special-procedure",
        {"procedure": "hearing", "reason": "听证"},
        at(2026, 9, 28),
    )

    assert response.status_code == 404
    assert response.json()["code"] == "case.not_found"


# --- corrections ----------------------------------------------------------------------


def correct(demo, number, requested, answered):
    """Request a correction of the first material, then answer it."""
    key = Case.objects.get(number=number).matter_version.guide.materials[0]["key"]
    response = post(
        demo.client("reviewer"),
        f"/api/v1/cases/{number}/correction",
        {"items": [{"material": key, "note": "复印件不清晰"}]},
        requested,
    )
    assert response.status_code == 200, response.content
    with time_machine.travel(answered, tick=False):
        response = demo.client("applicant").post(
            f"/api/v1/cases/{number}/resubmit",
            {f"material.{key}": upload(f"{key}.pdf")},
        )
    assert response.status_code == 200, response.content
    return response.json()


def test_same_day_correction_costs_nothing(demo):
    number, accepted = apply_and_accept(demo, at(2026, 3, 2, 9))

    body = correct(demo, number, at(2026, 3, 3, 10), at(2026, 3, 3, 16))

    assert accepted["promised_due"] == "2026-03-09"
    assert body["state"] == CaseState.IN_REVIEW
    assert body["promised_due"] == "2026-03-09"
    assert body["statutory_due"] == accepted["statutory_due"]


def test_next_day_correction_costs_one_day(demo):
    number, _accepted = apply_and_accept(demo, at(2026, 3, 2, 9))

    body = correct(demo, number, at(2026, 3, 3, 10), at(2026, 3, 4, 10))

    assert body["promised_due"] == "2026-03-10"


# --- extensions -----------------------------------------------------------------------


def request_extension(demo, number, days=5, when=None):
    return post(
        demo.client("reviewer"),
        f"/api/v1/cases/{number}/extensions",
        {"working_days": days, "reason": "需要现场核查"},
        when or at(2026, 3, 3),
    )


def test_unapproved_extension_changes_nothing(demo):
    number, _accepted = apply_and_accept(demo, at(2026, 3, 2, 9))
    before = dues(number)

    response = request_extension(demo, number)

    assert response.status_code == 201, response.content
    assert response.json()["status"] == CaseExtension.Status.REQUESTED
    assert dues(number) == before
    assert Case.objects.get(number=number).state == CaseState.IN_REVIEW


@pytest.mark.parametrize("days", ["3", 3.0, True])
def test_extension_days_of_wrong_json_type_rejected(demo, days):
    number, _accepted = apply_and_accept(demo, at(2026, 3, 2, 9))

    response = request_extension(demo, number, days=days)

    assert response.status_code == 422
    assert response.json()["details"]["errors"][0]["location"][-1] == "working_days"
    assert not CaseExtension.objects.exists()


def test_approved_extension_moves_both_dues(demo):
    number, _accepted = apply_and_accept(demo, at(2026, 3, 2, 9))
    extension = request_extension(demo, number).json()["id"]

    response = post(
        demo.client("supervisor"),
        f"/api/v1/cases/extensions/{extension}/approve",
        {"note": "同意延期"},
        at(2026, 3, 4),
    )

    # 9 March plus 5 workdays, and 16 March plus 5 workdays.
    assert response.status_code == 200, response.content
    assert response.json()["status"] == CaseExtension.Status.APPROVED
    assert dues(number) == (dt.date(2026, 3, 16), dt.date(2026, 3, 23))


def test_extension_survives_later_transitions(demo):
    number, _accepted = apply_and_accept(demo, at(2026, 3, 2, 9))
    extension = request_extension(demo, number).json()["id"]
    post(
        demo.client("supervisor"),
        f"/api/v1/cases/extensions/{extension}/approve",
        {},
        at(2026, 3, 4),
    )

    body = correct(demo, number, at(2026, 3, 5, 10), at(2026, 3, 5, 11))

    assert body["promised_due"] == "2026-03-16"
    assert body["statutory_due"] == "2026-03-23"


def test_rejected_extension_changes_nothing(demo):
    number, _accepted = apply_and_accept(demo, at(2026, 3, 2, 9))
    before = dues(number)
    extension = request_extension(demo, number).json()["id"]

    response = post(
        demo.client("supervisor"),
        f"/api/v1/cases/extensions/{extension}/reject",
        {"note": "理由不充分"},
        at(2026, 3, 4),
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == CaseExtension.Status.REJECTED
    assert dues(number) == before


def test_extension_events_and_audit(demo):
    number, _accepted = apply_and_accept(demo, at(2026, 3, 2, 9))
    extension = request_extension(demo, number).json()["id"]
    post(
        demo.client("supervisor"),
        f"/api/v1/cases/extensions/{extension}/approve",
        {},
        at(2026, 3, 4),
    )

    events = list(CaseEvent.objects.filter(case__number=number).order_by("pk"))
    verbs = set(
        AuditEvent.objects.filter(object_id=number).values_list("verb", flat=True)
    )
    assert [e.action for e in events[-2:]] == ["request_extension", "approve_extension"]
    assert events[-1].from_state == events[-1].to_state == CaseState.IN_REVIEW
    assert events[-1].actor_role == "supervisor"
    assert "case.extension_requested" in verbs
    assert "case.extension_approved" in verbs


def test_reviewer_cannot_approve_extension(demo):
    number, _accepted = apply_and_accept(demo, at(2026, 3, 2, 9))
    extension = request_extension(demo, number).json()["id"]

    response = post(
        demo.client("reviewer"),
        f"/api/v1/cases/extensions/{extension}/approve",
        {},
        at(2026, 3, 4),
    )

    assert response.status_code == 403
    assert (
        CaseExtension.objects.get(pk=extension).status == CaseExtension.Status.REQUESTED
    )


def test_extension_decided_twice_is_rejected(demo):
    number, _accepted = apply_and_accept(demo, at(2026, 3, 2, 9))
    extension = request_extension(demo, number).json()["id"]
    supervisor = demo.client("supervisor")
    path = f"/api/v1/cases/extensions/{extension}"
    post(supervisor, f"{path}/approve", {}, at(2026, 3, 4))

    response = post(supervisor, f"{path}/reject", {"note": "撤回"}, at(2026, 3, 4))

    assert response.status_code == 409
    assert response.json()["code"] == "case.extension_not_pending"


def test_second_pending_extension_is_rejected(demo):
    number, _accepted = apply_and_accept(demo, at(2026, 3, 2, 9))
    request_extension(demo, number)

    response = request_extension(demo, number, days=3)

    assert response.status_code == 409
    assert response.json()["code"] == "case.extension_already_pending"


def test_extension_beyond_matter_limit_is_rejected(demo):
    number, _accepted = apply_and_accept(demo, at(2026, 3, 2, 9))

    response = request_extension(demo, number, days=6)

    assert response.status_code == 400
    assert response.json()["code"] == "case.invalid_extension_days"
    assert response.json()["message"] == (
        f"An extension of 6 working days is not allowed for the case {number}. "
        "The matter's guide allows at most 5 working days of extension in total. "
        "Request from 1 to 5 working days."
    )


def approve(demo, extension, when=None):
    return post(
        demo.client("supervisor"),
        f"/api/v1/cases/extensions/{extension}/approve",
        {"note": "同意"},
        when or at(2026, 3, 4),
    )


def test_extensions_stay_within_matter_total(demo):
    # The food business licence allows 5 working days of extension in total.
    number, _accepted = apply_and_accept(demo, at(2026, 3, 2, 9))
    approve(demo, request_extension(demo, number, days=3).json()["id"])
    before = dues(number)

    response = request_extension(demo, number, days=3, when=at(2026, 3, 4))

    assert response.status_code == 400
    assert response.json()["code"] == "case.extension_over_limit"
    assert response.json()["message"] == (
        "The matter's guide allows at most 5 working days of extension in total. "
        f"Extensions of 3 working days of the case {number} are approved or "
        "waiting for a decision, which leaves 2 working days. Request at most 2 "
        "working days instead of 3 working days."
    )
    assert response.json()["details"]["left"] == 2
    assert CaseExtension.objects.filter(case__number=number).count() == 1
    assert dues(number) == before


def test_remaining_extension_days_can_be_requested(demo):
    number, _accepted = apply_and_accept(demo, at(2026, 3, 2, 9))
    approve(demo, request_extension(demo, number, days=3).json()["id"])

    response = request_extension(demo, number, days=2, when=at(2026, 3, 4))

    assert response.status_code == 201, response.content


def test_used_up_extension_days_are_named(demo):
    number, _accepted = apply_and_accept(demo, at(2026, 3, 2, 9))
    approve(demo, request_extension(demo, number, days=5).json()["id"])

    response = request_extension(demo, number, days=1, when=at(2026, 3, 4))

    assert response.status_code == 409
    assert response.json()["code"] == "case.extension_days_used_up"
    assert response.json()["message"] == (
        f"The case {number} has no extension days left, because extensions of 5 "
        "working days are approved or waiting for a decision. The matter's guide "
        "allows at most 5 working days of extension in total."
    )


def test_approval_rechecks_extension_total(demo):
    # Two requests of 3 days each fit alone, but not together.
    number, _accepted = apply_and_accept(demo, at(2026, 3, 2, 9))
    first = request_extension(demo, number, days=3).json()["id"]
    case = Case.objects.get(number=number)
    second = CaseExtension.objects.create(
        centre=case.centre,
        case=case,
        working_days=3,
        reason="需要补充检验",
        requested_by=demo.user("reviewer"),
    )
    approve(demo, first)
    before = dues(number)

    response = approve(demo, second.pk)

    assert response.status_code == 409
    assert response.json()["code"] == "case.extension_approval_over_limit"
    assert response.json()["message"] == (
        f"The extension request {second.pk} adds 3 working days, but extensions of "
        f"3 working days of the case {number} are approved already, which leaves 2 "
        "working days. The matter's guide allows at most 5 working days of extension "
        "in total. Reject this request instead."
    )
    second.refresh_from_db()
    assert second.status == CaseExtension.Status.REQUESTED
    assert dues(number) == before


def test_extension_total_error_is_translated(demo):
    number, _accepted = apply_and_accept(demo, at(2026, 3, 2, 9))
    approve(demo, request_extension(demo, number, days=4).json()["id"])

    with time_machine.travel(at(2026, 3, 4), tick=False):
        response = demo.client("reviewer").post(
            f"/api/v1/cases/{number}/extensions",
            {"working_days": 3, "reason": "需要现场核查"},
            content_type="application/json",
            headers={"Accept-Language": "zh-hans"},
        )

    assert response.json()["message"] == (
        f"本事项办事指南规定累计最多可延期 5 个工作日。案件 {number} 已批准或待审批的"
        "延期共 4 个工作日，剩余 1 个工作日。请申请不超过 1 个工作日，而不是 3 个"
        "工作日。"
    )


def test_one_working_day_left_is_singular(demo):
    number, _accepted = apply_and_accept(demo, at(2026, 3, 2, 9))
    approve(demo, request_extension(demo, number, days=4).json()["id"])

    response = request_extension(demo, number, days=3, when=at(2026, 3, 4))

    assert response.json()["message"] == (
        "The matter's guide allows at most 5 working days of extension in total. "
        f"Extensions of 4 working days of the case {number} are approved or "
        "waiting for a decision, which leaves 1 working day. Request at most 1 "
        "working day instead of 3 working days."
    )
    assert response.json()["details"]["left"] == 1


def test_extension_of_closed_case_is_rejected(demo):
    number, _accepted = apply_and_accept(demo, at(2026, 3, 2, 9))
    post(
        demo.client("reviewer"),
        f"/api/v1/cases/{number}/approve",
        {"opinion": "准予许可"},
        at(2026, 3, 3),
    )

    response = request_extension(demo, number)

    assert response.status_code == 409
    assert response.json()["code"] == "case.not_extendable"


def test_case_extensions_are_listed(demo):
    number, _accepted = apply_and_accept(demo, at(2026, 3, 2, 9))
    request_extension(demo, number)

    with time_machine.travel(at(2026, 3, 3), tick=False):
        response = demo.client("reviewer").get(f"/api/v1/cases/{number}/extensions")

    assert response.status_code == 200
    assert [e["working_days"] for e in response.json()] == [5]


# --- the department's case page -------------------------------------------------------


def office_post(demo, number, data, when):
    with time_machine.travel(when, tick=False):
        return demo.client("reviewer").post(f"/office/cases/{number}/", data)


def test_office_page_offers_clock_buttons(demo):
    number, _body = apply_and_accept(demo, at(2026, 3, 2, 9))

    with time_machine.travel(at(2026, 3, 3), tick=False):
        page = demo.client("reviewer").get(f"/office/cases/{number}/").content.decode()

    assert 'id="start-special-procedure"' in page
    assert 'id="request-extension"' in page
    assert 'id="end-special-procedure"' not in page


def test_office_page_suspends_and_resumes(demo):
    number, _body = apply_and_accept(demo, at(2026, 3, 2, 9))

    suspended = office_post(
        demo,
        number,
        {"action": "special_procedure", "procedure": "hearing", "reason": "听证"},
        at(2026, 3, 3),
    )
    state_after_suspend = Case.objects.get(number=number).state
    with time_machine.travel(at(2026, 3, 4), tick=False):
        page = demo.client("reviewer").get(f"/office/cases/{number}/").content.decode()
    resumed = office_post(
        demo,
        number,
        {"action": "end_special_procedure", "reason": "听证结束"},
        at(2026, 3, 5),
    )

    assert suspended.status_code == 302
    assert state_after_suspend == CaseState.SUSPENDED
    assert 'id="end-special-procedure"' in page
    assert resumed.status_code == 302
    assert Case.objects.get(number=number).state == CaseState.IN_REVIEW


def test_office_page_requests_extension(demo):
    number, _body = apply_and_accept(demo, at(2026, 3, 2, 9))

    response = office_post(
        demo,
        number,
        {"action": "extension", "working_days": "3", "reason": "现场核查"},
        at(2026, 3, 3),
    )

    assert response.status_code == 302
    assert CaseExtension.objects.get(case__number=number).working_days == 3


@pytest.mark.parametrize("action", ["bogus", ""])
def test_office_page_rejects_unknown_action(demo, action):
    number, _body = apply_and_accept(demo, at(2026, 3, 2, 9))

    response = office_post(
        demo,
        number,
        {"action": action, "working_days": "3", "reason": "核查"},
        at(2026, 3, 3),
    )

    assert response.status_code == 400
    assert 'data-code="form.unknown_choice"' in response.content.decode()
    assert not CaseExtension.objects.filter(case__number=number).exists()
    assert Case.objects.get(number=number).state == CaseState.IN_REVIEW


def test_office_page_shows_clock_error(demo):
    number, _body = apply_and_accept(demo, at(2026, 3, 2, 9))

    response = office_post(
        demo,
        number,
        {"action": "extension", "working_days": "500", "reason": "核查"},
        at(2026, 3, 3),
    )

    assert response.status_code == 400
    assert 'data-code="case.invalid_extension_days"' in response.content.decode()


def test_clock_error_is_translated(demo):
    number, _body = apply_and_accept(demo, at(2026, 3, 2, 9))

    with time_machine.travel(at(2026, 3, 3), tick=False):
        response = demo.client("reviewer").post(
            f"/api/v1/cases/{number}/extensions",
            {"working_days": 6, "reason": "需要现场核查"},
            content_type="application/json",
            headers={"Accept-Language": "zh-hans"},
        )

    assert response.json()["message"] == (
        f"案件 {number} 不能延期 6 个工作日。本事项办事指南规定累计最多可延期 5 个"
        "工作日。请申请 1 至 5 个工作日。"
    )


@pytest.mark.parametrize("days", ["abc", "1.5", "-5", "", "0"])
def test_office_extension_names_invalid_days(demo, days):
    number, _body = apply_and_accept(demo, at(2026, 3, 2, 9))

    response = office_post(
        demo,
        number,
        {"action": "extension", "working_days": days, "reason": "现场核查"},
        at(2026, 3, 3),
    )

    assert response.status_code == 400
    assert "case.extension_days_invalid" in response.content.decode()
    assert (
        f"&quot;{days}&quot; is not a number of working days"
        in response.content.decode()
    )
    assert not CaseExtension.objects.filter(case__number=number).exists()


def test_office_invalid_days_names_days_left(demo):
    number, _body = apply_and_accept(demo, at(2026, 3, 2, 9))
    approve(demo, request_extension(demo, number, days=3).json()["id"])

    response = office_post(
        demo,
        number,
        {"action": "extension", "working_days": "abc", "reason": "现场核查"},
        at(2026, 3, 4),
    )
    with time_machine.travel(at(2026, 3, 4), tick=False):
        page = demo.client("reviewer").get(f"/office/cases/{number}/").content.decode()

    assert response.status_code == 400
    assert (
        "Enter a whole number from 1 to 2, the working days of extension this case "
        "has left." in response.content.decode()
    )
    assert "9999" not in response.content.decode()
    assert 'name="working_days" min="1" max="2" value="2"' in page


def test_office_page_when_extension_days_used_up(demo):
    number, _body = apply_and_accept(demo, at(2026, 3, 2, 9))
    approve(demo, request_extension(demo, number, days=5).json()["id"])

    response = office_post(
        demo,
        number,
        {"action": "extension", "working_days": "abc", "reason": "现场核查"},
        at(2026, 3, 4),
    )
    with time_machine.travel(at(2026, 3, 4), tick=False):
        page = demo.client("reviewer").get(f"/office/cases/{number}/").content.decode()

    assert response.status_code == 409
    assert 'data-code="case.extension_days_used_up"' in response.content.decode()
    assert 'id="extension-days-used-up"' in page
    assert 'id="request-extension"' not in page


def test_office_page_counts_one_day_left(demo):
    number, _body = apply_and_accept(demo, at(2026, 3, 2, 9))
    approve(demo, request_extension(demo, number, days=4).json()["id"])

    with time_machine.travel(at(2026, 3, 4), tick=False):
        page = (
            demo.client("reviewer")
            .get(f"/office/cases/{number}/", HTTP_ACCEPT_LANGUAGE="en")
            .content.decode()
        )

    assert "This case may request at most 1 working day. The due dates move" in page


# --- messages to the applicant --------------------------------------------------------


def applicant_messages(demo, number):
    """Return (subject, body) of the applicant's messages about the case, oldest first."""
    from onestop.core.models import Notification

    found = Notification.objects.filter(
        user=demo.user("applicant"), link=f"/portal/cases/{number}/"
    ).order_by("created_at", "pk")
    return [(n.subject, n.body) for n in found]


def test_approved_extension_notifies_applicant(demo):
    number, _accepted = apply_and_accept(demo, at(2026, 3, 2, 9))
    extension = request_extension(demo, number).json()["id"]
    requested = applicant_messages(demo, number)

    approve(demo, extension)

    messages = applicant_messages(demo, number)
    assert len(messages) == len(requested) + 1
    assert messages[-1] == (
        f"The time limit of your application {number} is extended by 5 working days",
        "Promised date: 2026-03-16. Statutory date: 2026-03-23. Reason: 需要现场核查",
    )


def test_extension_message_in_chinese(demo, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    number, _accepted = apply_and_accept(demo, at(2026, 3, 2, 9))

    approve(demo, request_extension(demo, number).json()["id"])

    assert applicant_messages(demo, number)[-1] == (
        f"您的申请 {number} 办理时限延长 5 个工作日",
        "承诺办结日期：2026-03-16；法定办结日期：2026-03-23。延期理由：需要现场核查",
    )


def test_rejected_extension_sends_no_message(demo):
    number, _accepted = apply_and_accept(demo, at(2026, 3, 2, 9))
    extension = request_extension(demo, number).json()["id"]
    before = applicant_messages(demo, number)

    post(
        demo.client("supervisor"),
        f"/api/v1/cases/extensions/{extension}/reject",
        {"note": "理由不充分"},
        at(2026, 3, 4),
    )

    assert applicant_messages(demo, number) == before


def test_special_procedure_notifies_applicant(demo):
    number, _body = apply_and_accept(demo, at(2026, 9, 24))
    reviewer = demo.client("reviewer")

    post(
        reviewer,
        f"/api/v1/cases/{number}/special-procedure",
        {"procedure": "inspection", "reason": "送检样品"},
        at(2026, 9, 24, 15),
    )
    suspended = applicant_messages(demo, number)[-1]
    post(
        reviewer,
        f"/api/v1/cases/{number}/special-procedure/end",
        {"reason": "检验报告已收到"},
        at(2026, 10, 8, 10),
    )
    resumed = applicant_messages(demo, number)[-1]

    assert suspended == (
        f"Your application {number} is suspended for a special procedure",
        "Procedure: inspection (检验). Its time does not count towards the time "
        "limit, so the dates move when it ends. Promised date so far: 2026-10-09. "
        "Statutory date so far: 2026-10-15.",
    )
    assert resumed == (
        f"The review of your application {number} has resumed",
        "Promised date: 2026-10-14. Statutory date: 2026-10-21.",
    )


def test_history_names_extension_actions(demo):
    number, _accepted = apply_and_accept(demo, at(2026, 3, 2, 9))
    approve(demo, request_extension(demo, number).json()["id"])

    with time_machine.travel(at(2026, 3, 4), tick=False):
        page = demo.client("reviewer").get(f"/office/cases/{number}/").content.decode()

    assert "<strong>extension requested</strong>" in page
    assert "<strong>extension approved</strong>" in page
    assert "request_extension" not in page
    assert "approve_extension" not in page
