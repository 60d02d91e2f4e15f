"""The closed loop of bad ratings: assignment, call-back, outcome, appeal and follow-up."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from onestop.core.errors import PermissionDenied
from onestop.ratings import rectifications
from onestop.ratings.actions import rate_case
from onestop.ratings.models import Rating, Rectification, RectificationStatus
from onestop.worktime.queries import compute_due

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def bad_rating(demo, case, level=1):
    return rate_case(
        actor=demo.user("applicant"), case=case, level=level, comment="态度差"
    )


def api(client, rectification, action, payload):
    return client.post(
        f"/api/v1/ratings/rectifications/{rectification.pk}/{action}",
        payload,
        content_type="application/json",
    )


def test_bad_rating_assigned_to_handling_department(demo, issued_case):
    case = issued_case()
    rectification = bad_rating(demo, case).rectification
    assert rectification.department == demo.market
    assert rectification.status == RectificationStatus.OPEN


def test_due_date_counts_working_days(demo, issued_case):
    case = issued_case()
    with time_machine.travel(
        dt.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI), tick=False
    ):
        rectification = bad_rating(demo, case).rectification
    assert rectification.due_date == dt.date(2026, 3, 9)
    assert rectification.due_provisional is False


def test_due_date_skips_national_day(demo, issued_case):
    case = issued_case()
    moment = dt.datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)
    with time_machine.travel(moment, tick=False):
        rectification = bad_rating(demo, case, level=2).rectification
    expected = compute_due(demo.centre.region_code, moment, 5, "working_days").date
    assert rectification.due_date == expected
    assert rectification.due_date > dt.date(2026, 10, 8)


def test_good_rating_opens_nothing(demo, issued_case):
    rate_case(actor=demo.user("applicant"), case=issued_case(), level=3)
    assert not Rectification.objects.exists()


def test_close_without_callback_rejected(demo, issued_case):
    rectification = bad_rating(demo, issued_case()).rectification
    response = api(
        demo.client("reviewer"),
        rectification,
        "close",
        {"outcome": "rectified", "note": "已改进"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "rectification.callback_required"
    assert str(rectification.pk) in response.json()["message"]
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.OPEN


def test_callback_then_close_rectified(demo, issued_case):
    rectification = bad_rating(demo, issued_case()).rectification
    reviewer = demo.client("reviewer")
    called = api(
        reviewer, rectification, "callback", {"note": "已致电，申请人接受道歉"}
    )
    closed = api(
        reviewer, rectification, "close", {"outcome": "rectified", "note": "已培训"}
    )
    assert called.status_code == 200, called.content
    assert called.json()["callback_at"]
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == RectificationStatus.CLOSED
    assert closed.json()["outcome"] == "rectified"


def test_rectify_by_date_needs_future_date(demo, issued_case):
    rectification = bad_rating(demo, issued_case()).rectification
    deptadmin = demo.client("deptadmin")
    api(deptadmin, rectification, "callback", {"note": "已回访"})
    missing = api(
        deptadmin, rectification, "close", {"outcome": "rectify_by_date", "note": "x"}
    )
    later = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    dated = api(
        deptadmin,
        rectification,
        "close",
        {"outcome": "rectify_by_date", "note": "增设窗口", "rectify_by": later},
    )
    assert missing.status_code == 400
    assert missing.json()["code"] == "rectification.rectify_date_required"
    assert dated.status_code == 200
    assert dated.json()["rectify_by"] == later


def test_past_rectify_date_is_named(demo, issued_case):
    rectification = bad_rating(demo, issued_case()).rectification
    deptadmin = demo.client("deptadmin")
    api(deptadmin, rectification, "callback", {"note": "已回访"})
    today = timezone.localdate().isoformat()

    response = api(
        deptadmin,
        rectification,
        "close",
        {"outcome": "rectify_by_date", "note": "增设窗口", "rectify_by": "2020-01-01"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "rectification.rectify_date_past"
    assert response.json()["message"] == (
        f"The fix date 2020-01-01 is before today, {today}. Give today or a later "
        "date by which the fix will be done."
    )


def test_explained_outcome_and_fix_rating(demo, issued_case):
    case = issued_case()
    rectification = bad_rating(demo, case).rectification
    reviewer = demo.client("reviewer")
    api(reviewer, rectification, "callback", {"note": "已解释"})
    api(reviewer, rectification, "close", {"outcome": "explained", "note": "法定材料"})
    applicant = demo.client("applicant")
    page = applicant.get(f"/portal/cases/{case.number}/").content.decode()
    assert 'id="rate-fix"' in page
    response = applicant.post(f"/ratings/cases/{case.number}/fix/", {"level": "4"})
    assert response.status_code == 302
    rectification.refresh_from_db()
    assert rectification.fix_level == 4
    again = applicant.post(
        f"/api/v1/ratings/cases/{case.number}/fix-rating",
        {"level": 5},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert again.json()["code"] == "rectification.fix_not_rateable"


def test_list_filtered_by_status(demo, issued_case):
    rectification = bad_rating(demo, issued_case()).rectification
    reviewer = demo.client("reviewer")

    open_rows = reviewer.get("/api/v1/ratings/rectifications", {"status": "open"})
    closed_rows = reviewer.get("/api/v1/ratings/rectifications", {"status": "closed"})
    misspelt = reviewer.get("/api/v1/ratings/rectifications", {"state": "closed"})

    assert [row["id"] for row in open_rows.json()] == [rectification.pk]
    assert closed_rows.json() == []
    assert misspelt.status_code == 422
    assert misspelt.json()["details"]["errors"] == [
        {"location": ["query", "state"], "type": "extra_forbidden"}
    ]


def test_unknown_status_named_with_codes(demo, issued_case):
    bad_rating(demo, issued_case())

    response = demo.client("reviewer").get(
        "/api/v1/ratings/rectifications",
        {"status": "bogus"},
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "rectification.status_unknown"
    assert body["details"] == {
        "status": "bogus",
        "statuses": ["open", "appealed", "closed", "withdrawn"],
    }
    assert body["message"].startswith(
        "The status bogus is not a rectification status. Use one of the codes: open (open)"
    )


def test_reviewer_of_other_department_sees_nothing(demo, issued_case):
    rectification = bad_rating(demo, issued_case()).rectification
    other = demo.client("reviewer-public_security")
    assert other.get("/api/v1/ratings/rectifications").json() == []
    response = api(other, rectification, "callback", {"note": "x"})
    assert response.status_code == 404
    assert response.json()["code"] == "rectification.not_found"


def test_supervisor_sees_but_does_not_work(demo, issued_case):
    rectification = bad_rating(demo, issued_case()).rectification
    supervisor = demo.client("supervisor")
    listed = supervisor.get("/api/v1/ratings/rectifications").json()
    response = api(supervisor, rectification, "callback", {"note": "x"})
    assert [row["id"] for row in listed] == [rectification.pk]
    assert response.status_code == 403
    assert response.json()["code"] == "permission.role_required"


def test_other_centre_supervisor_sees_nothing(demo, other_centre, issued_case):
    from onestop.core.models import Membership, Role

    bad_rating(demo, issued_case())
    user = demo.user("nanhai-clerk")
    Membership.objects.create(user=user, centre=other_centre, role=Role.SUPERVISOR)
    listed = demo.client("nanhai-clerk").get("/api/v1/ratings/rectifications").json()
    assert listed == []


def test_appeal_after_deadline_rejected(demo, issued_case):
    rectification = bad_rating(demo, issued_case()).rectification
    with time_machine.travel(timezone.now() + dt.timedelta(days=6)):
        response = api(
            demo.client("reviewer"),
            rectification,
            "appeal",
            {"kind": "malicious", "reason": "与办件无关的辱骂"},
        )
    assert response.status_code == 400
    assert response.json()["code"] == "rectification.appeal_deadline_passed"


def test_upheld_appeal_excludes_rating(demo, issued_case):
    rectification = bad_rating(demo, issued_case()).rectification
    appealed = api(
        demo.client("reviewer"),
        rectification,
        "appeal",
        {"kind": "mistaken", "reason": "申请人来电称误点"},
    )
    decided = api(
        demo.client("supervisor"),
        rectification,
        "decision",
        {"upheld": True, "note": "录音核实为误评"},
    )
    assert appealed.json()["status"] == RectificationStatus.APPEALED
    assert decided.status_code == 200, decided.content
    assert decided.json()["outcome"] == "appeal_upheld"
    assert Rating.objects.get(pk=rectification.rating_id).is_excluded is True


def test_rejected_appeal_reopens(demo, issued_case):
    rectification = bad_rating(demo, issued_case()).rectification
    api(
        demo.client("reviewer"),
        rectification,
        "appeal",
        {"kind": "malicious", "reason": "x"},
    )
    reviewer_decides = api(
        demo.client("reviewer"),
        rectification,
        "decision",
        {"upheld": True, "note": "x"},
    )
    decided = api(
        demo.client("supervisor"),
        rectification,
        "decision",
        {"upheld": False, "note": "证据不足"},
    )
    assert reviewer_decides.status_code == 403
    assert decided.json()["status"] == RectificationStatus.OPEN
    assert Rating.objects.get(pk=rectification.rating_id).is_excluded is False


def bad_visit_rating(demo):
    """Return the rectification of a bad rating of a visit without a case."""
    from onestop.identity.models import Person
    from onestop.ratings.actions import issue_rating_link, rate_by_link, record_visit

    visit = record_visit(
        actor=demo.user("clerk"),
        centre=demo.centre,
        person=Person.objects.get(user__username="applicant"),
        window="2",
    )
    link = issue_rating_link(
        actor=demo.user("clerk"), channel="window_screen", visit=visit
    )
    return rate_by_link(actor=None, token=link.token, level=1).rectification


def test_visit_without_case_answered_by_centre(demo):
    rectification = bad_visit_rating(demo)
    assert rectification.department is None
    with pytest.raises(PermissionDenied):
        rectifications.record_callback(
            actor=demo.user("reviewer"), rectification=rectification, note="x"
        )
    done = rectifications.record_callback(
        actor=demo.user("centreadmin"), rectification=rectification, note="已回访"
    )
    assert done.callback_at is not None


def test_rectification_page_shows_comment_escaped(demo, issued_case):
    case = issued_case()
    rating = rate_case(
        actor=demo.user("applicant"),
        case=case,
        level=1,
        comment="<img src=x onerror=1>",
    )
    page = (
        demo.client("reviewer")
        .get(f"/ratings/rectifications/{rating.rectification.pk}/")
        .content.decode()
    )
    assert "&lt;img src=x onerror=1&gt;" in page
    assert "<img src=x" not in page


def rate_the_fix(client, case, level=5):
    return client.post(
        f"/api/v1/ratings/cases/{case.number}/fix-rating",
        {"level": level},
        content_type="application/json",
    )


def test_fix_rating_before_close_names_the_rectification(demo, issued_case):
    case = issued_case()
    rectification = bad_rating(demo, case).rectification

    response = rate_the_fix(demo.client("applicant"), case)

    assert response.status_code == 409
    assert response.json()["code"] == "rectification.fix_not_rateable"
    assert response.json()["details"]["rectification"] == rectification.pk
    assert f"rectification {rectification.pk} " in response.json()["message"]


def test_fix_rating_by_clerk_is_not_applicant(demo, issued_case):
    case = issued_case()
    bad_rating(demo, case)

    response = rate_the_fix(demo.client("clerk"), case)

    assert response.status_code == 403
    assert response.json()["code"] == "rating.not_applicant"


def test_fix_rating_without_bad_rating_is_not_found(demo, issued_case):
    case = issued_case()
    rate_case(actor=demo.user("applicant"), case=case, level=5)

    response = rate_the_fix(demo.client("applicant"), case)

    assert response.status_code == 404
    assert response.json()["code"] == "rectification.none_for_case"
    assert case.number in response.json()["message"]


PERSONAL_COMMENT = "窗口人员态度差，请回电 13800138000，身份证 440604198503150024"


@pytest.mark.parametrize("username", ["reviewer", "supervisor"])
def test_staff_see_comment_numbers_masked(demo, issued_case, username):
    case = issued_case()
    rating = rate_case(
        actor=demo.user("applicant"), case=case, level=1, comment=PERSONAL_COMMENT
    )
    client = demo.client(username)

    listed = client.get("/api/v1/ratings/rectifications").content.decode()
    detail = client.get(
        f"/api/v1/ratings/rectifications/{rating.rectification.pk}"
    ).content.decode()
    page = client.get(f"/ratings/rectifications/{rating.rectification.pk}/")
    page_list = client.get("/ratings/rectifications/").content.decode()

    for body in (listed, detail, page.content.decode(), page_list):
        assert "13800138000" not in body
        assert "440604198503150024" not in body
    assert "138****8000" in detail
    assert "4406**********0024" in page.content.decode()
    rating.refresh_from_db()
    assert rating.comment == PERSONAL_COMMENT


def test_staff_notes_are_masked(demo, issued_case):
    rectification = bad_rating(demo, issued_case()).rectification

    called = api(
        demo.client("reviewer"),
        rectification,
        "callback",
        {"note": "已致电 13800138000"},
    )

    assert called.json()["callback_note"] == "已致电 138****8000"


def test_applicant_sees_own_comment_whole(demo, issued_case):
    case = issued_case()

    response = demo.client("applicant").post(
        f"/api/v1/ratings/cases/{case.number}",
        {"level": 1, "comment": PERSONAL_COMMENT},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["comment"] == PERSONAL_COMMENT


@pytest.mark.parametrize(
    "posted",
    [{"action": "bogus"}, {}, {"action": "decide", "upheld": "maybe"}],
)
def test_rectification_page_rejects_unknown_choice(demo, issued_case, posted):
    rectification = bad_rating(demo, issued_case()).rectification
    api(
        demo.client("reviewer"),
        rectification,
        "appeal",
        {"kind": "mistaken", "reason": "申请人来电称误点"},
    )

    response = demo.client("supervisor").post(
        f"/ratings/rectifications/{rectification.pk}/", {**posted, "note": "核实"}
    )

    assert response.status_code == 400
    assert 'data-code="form.unknown_choice"' in response.content.decode()
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.APPEALED
    assert rectification.appeal_upheld is None


@pytest.mark.parametrize(
    ("action", "payload", "code", "named"),
    [
        (
            "close",
            {"outcome": "fixed", "note": "已改进"},
            "rectification.invalid_outcome",
            "已整改（rectified）",
        ),
        (
            "appeal",
            {"kind": "unfair", "reason": "申请人来电称误点"},
            "rectification.invalid_appeal_kind",
            "误评（mistaken）",
        ),
    ],
)
def test_unknown_choice_names_labels(demo, issued_case, action, payload, code, named):
    rectification = bad_rating(demo, issued_case()).rectification

    response = demo.client("reviewer").post(
        f"/api/v1/ratings/rectifications/{rectification.pk}/{action}",
        payload,
        content_type="application/json",
        headers={"Accept-Language": "zh-hans"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert named in response.json()["message"]


def test_close_form_keeps_values(demo, issued_case):
    rectification = bad_rating(demo, issued_case()).rectification

    response = demo.client("reviewer").post(
        f"/ratings/rectifications/{rectification.pk}/",
        {
            "action": "close",
            "outcome": "rectify_by_date",
            "rectify_by": "2030-01-15",
            "note": "已安排窗口培训",
        },
    )

    text = response.content.decode()
    assert response.status_code == 400
    assert 'data-code="rectification.callback_required"' in text
    assert 'value="rectify_by_date" checked' in text
    assert 'name="rectify_by" value="2030-01-15"' in text
    assert "required>已安排窗口培训</textarea>" in text
    # The call-back form, which was not sent, stays empty.
    assert text.count("已安排窗口培训") == 1


def test_appeal_form_keeps_values(demo, issued_case):
    rectification = bad_rating(demo, issued_case()).rectification

    response = demo.client("reviewer").post(
        f"/ratings/rectifications/{rectification.pk}/",
        {"action": "appeal", "kind": "not-a-kind", "reason": "申请人误评"},
    )

    text = response.content.decode()
    assert response.status_code == 400
    assert ">申请人误评</textarea>" in text


def test_contact_masked_until_shown(demo, issued_case):
    from onestop.core.models import AuditEvent

    rectification = bad_rating(demo, issued_case()).rectification
    deptadmin = demo.client("deptadmin")
    url = f"/ratings/rectifications/{rectification.pk}/"

    page = deptadmin.get(url).content.decode()
    shown = deptadmin.post(url, {"action": "show_contact"})

    assert "138****8000" in page
    assert "13800138000" not in page
    assert "李秀英" not in page
    assert 'value="show_contact"' in page
    assert shown.status_code == 200
    assert "李秀英" in shown.content.decode()
    assert 'href="tel:13800138000"' in shown.content.decode()
    event = AuditEvent.objects.get(verb="rectification.contact_viewed")
    assert event.object_id == str(rectification.pk)


def test_supervisor_cannot_show_contact(demo, issued_case):
    from onestop.core.models import AuditEvent

    rectification = bad_rating(demo, issued_case()).rectification

    response = demo.client("supervisor").post(
        f"/ratings/rectifications/{rectification.pk}/", {"action": "show_contact"}
    )

    assert response.status_code == 403
    assert "李秀英" not in response.content.decode()
    assert not AuditEvent.objects.filter(verb="rectification.contact_viewed").exists()


def test_case_number_links_to_office_page(demo, issued_case):
    case = issued_case()
    rectification = bad_rating(demo, case).rectification

    page = demo.client("deptadmin").get(f"/ratings/rectifications/{rectification.pk}/")

    assert f'href="/office/cases/{case.number}/"' in page.content.decode()


WORK_FORMS = (
    'value="show_contact"',
    'value="callback"',
    'value="close"',
    'value="appeal"',
)


def test_supervisor_page_has_no_work_forms(demo, issued_case):
    rectification = bad_rating(demo, issued_case()).rectification

    page = demo.client("supervisor").get(f"/ratings/rectifications/{rectification.pk}/")

    text = page.content.decode()
    assert page.status_code == 200
    for form in WORK_FORMS:
        assert form not in text
    assert "138****8000" in text


def test_reviewer_page_has_work_forms(demo, issued_case):
    rectification = bad_rating(demo, issued_case()).rectification

    page = demo.client("reviewer").get(f"/ratings/rectifications/{rectification.pk}/")

    text = page.content.decode()
    for form in WORK_FORMS:
        assert form in text
    assert 'value="decide"' not in text


def test_supervisor_page_has_decide_form(demo, issued_case):
    rectification = bad_rating(demo, issued_case()).rectification
    api(
        demo.client("reviewer"),
        rectification,
        "appeal",
        {"kind": "mistaken", "reason": "申请人来电称误点"},
    )

    page = demo.client("supervisor").get(f"/ratings/rectifications/{rectification.pk}/")

    assert 'value="decide"' in page.content.decode()


def test_centre_rectification_supervisor_forms(demo):
    rectification = bad_visit_rating(demo)
    url = f"/ratings/rectifications/{rectification.pk}/"

    page = demo.client("supervisor").get(url).content.decode()

    for form in WORK_FORMS:
        assert form in page
