"""Rating a visit at the window: the screen, the QR code on the receipt, the SMS link."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from onestop.core.models import AuditEvent, Notification
from onestop.ratings.actions import issue_rating_link, record_visit
from onestop.ratings.errors import CaseNotOfVisit
from onestop.ratings.models import Rating, RatingChannel, RatingLink, Visit

pytestmark = pytest.mark.django_db


def open_visit(demo, case=None):
    """Record a visit through the clerk's page and return the visit and the clerk client."""
    clerk = demo.client("clerk")
    data = {"window": "5"}
    if case is None:
        data["id_number"] = "440604198503150024"
    else:
        data["case"] = case.number
    response = clerk.post("/ratings/visits/new/", data)
    assert response.status_code == 302, response.content
    return Visit.objects.latest("pk"), clerk


def link_of(visit, channel):
    return RatingLink.objects.get(visit=visit, channel=channel)


def test_visit_page_shows_screen_link_and_qr(demo):
    visit, clerk = open_visit(demo)
    page = clerk.get(f"/ratings/visits/{visit.pk}/").content.decode()
    screen = link_of(visit, RatingChannel.WINDOW_SCREEN)
    qr = link_of(visit, RatingChannel.QR_CODE)
    assert f"/ratings/screen/{screen.token}/" in page
    assert f"/r/{qr.token}" in page
    assert "<svg" in page
    assert visit.clerk == demo.user("clerk")
    assert visit.window == "综合窗口 5"


def test_screen_rates_visit_without_sign_in(demo):
    visit, _clerk = open_visit(demo)
    url = f"/ratings/screen/{link_of(visit, RatingChannel.WINDOW_SCREEN).token}/"
    tablet = Client(headers={"Accept-Language": "zh-hans"})
    page = tablet.get(url).content.decode()
    assert 'class="kiosk rating-screen"' in page
    assert "服务态度" in page
    assert "非常不满意" in page
    response = tablet.post(url, {"level": "5", "tags": ["service_attitude"]})
    assert response.status_code == 302
    rating = Rating.objects.get(visit=visit)
    assert rating.level == 5
    assert rating.channel == RatingChannel.WINDOW_SCREEN
    assert rating.tags == ["service_attitude"]
    assert rating.clerk == demo.user("clerk")
    assert rating.window == "综合窗口 5"
    assert rating.case is None


def test_visit_rated_once(demo):
    visit, _clerk = open_visit(demo)
    token = link_of(visit, RatingChannel.QR_CODE).token
    url = f"/api/v1/ratings/links/{token}"
    first = Client().post(url, {"level": 4}, content_type="application/json")
    screen = link_of(visit, RatingChannel.WINDOW_SCREEN).token
    second = Client().post(
        f"/api/v1/ratings/links/{screen}", {"level": 1}, content_type="application/json"
    )
    assert first.status_code == 201, first.content
    assert second.status_code == 409
    assert second.json()["code"] == "rating.visit_already_rated"
    assert Rating.objects.filter(visit=visit).count() == 1


def test_screen_changes_rating_within_period(demo):
    visit, _clerk = open_visit(demo)
    url = f"/ratings/screen/{link_of(visit, RatingChannel.WINDOW_SCREEN).token}/"
    tablet = Client()
    tablet.post(url, {"level": "1"})
    tablet.post(url, {"level": "4"})
    rating = Rating.objects.get(visit=visit)
    assert rating.level == 4
    assert rating.rectification.status == "withdrawn"


def test_clerk_cannot_rate_on_applicants_behalf(demo):
    visit, clerk = open_visit(demo)
    token = link_of(visit, RatingChannel.WINDOW_SCREEN).token
    response = clerk.post(f"/ratings/screen/{token}/", {"level": "5"})
    assert response.status_code == 403
    assert 'data-code="rating.not_visitor"' in response.content.decode()
    assert not Rating.objects.filter(visit=visit).exists()


def test_expired_screen_link_rejected(demo):
    visit, _clerk = open_visit(demo)
    token = link_of(visit, RatingChannel.WINDOW_SCREEN).token
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
        response = Client().post(
            f"/api/v1/ratings/links/{token}",
            {"level": 5},
            content_type="application/json",
        )
    assert response.status_code == 400
    assert response.json()["code"] == "rating.link_expired"


def test_unknown_link_not_found(db):
    response = Client().get("/r/not-a-real-token")
    assert response.status_code == 404
    assert "rating.link_not_found" in response.content.decode()


def test_sms_short_link_rates_case(demo, issued_case):
    case = issued_case()
    visit, clerk = open_visit(demo, case)
    response = clerk.post(f"/ratings/visits/{visit.pk}/", {"action": "sms"})
    assert response.status_code == 302
    link = link_of(visit, RatingChannel.SMS)
    message = Notification.objects.get(
        user=demo.user("applicant"), link=f"/r/{link.token}"
    )
    assert message.subject
    assert message.message_id == "rating.link_sent"
    assert message.params["date"] == link.expires_at.isoformat()
    assert len(link.token) >= 20
    phone = Client()
    assert phone.get(f"/r/{link.token}").status_code == 200
    phone.post(f"/r/{link.token}", {"level": "2", "comment": "等太久"})
    rating = Rating.objects.get(visit=visit)
    assert rating.channel == RatingChannel.SMS
    assert rating.case == case
    assert rating.department == case.department
    assert rating.rectification.department == case.department


def test_case_link_for_sms_without_visit(demo, issued_case):
    case = issued_case()
    link = issue_rating_link(actor=None, channel=RatingChannel.SMS, case=case)
    response = Client().post(
        f"/api/v1/ratings/links/{link.token}",
        {"level": 5},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["case"] == case.number
    assert response.json()["channel"] == "sms"


def test_visit_with_other_persons_case_rejected(demo, issued_case):
    from onestop.identity.models import Person

    case = issued_case()
    with pytest.raises(CaseNotOfVisit) as caught:
        record_visit(
            actor=demo.user("clerk"),
            centre=demo.centre,
            person=Person.objects.get(user__username="agent"),
            case=case,
        )
    assert caught.value.code == "visit.case_mismatch"


def test_applicant_cannot_record_visit(demo):
    response = demo.client("applicant").post(
        "/api/v1/ratings/visits",
        {"id_number": "440604198503150024"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission.role_required"


@pytest.mark.parametrize("channel", ["sms", "qr_code"])
def test_case_link_token_reaches_only_applicant(demo, issued_case, channel):
    case = issued_case()

    response = demo.client("clerk").post(
        f"/api/v1/ratings/cases/{case.number}/links",
        {"channel": channel},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    link = RatingLink.objects.get(case=case, channel=channel)
    body = response.json()
    assert "token" not in body
    assert "url" not in body
    assert link.token not in response.content.decode()
    assert body["delivered_to"] == "applicant_messages"
    assert link.issued_by == demo.user("clerk")
    message = Notification.objects.get(
        user=demo.user("applicant"), link=f"/r/{link.token}"
    )
    assert message.centre == demo.centre


def test_visit_screen_link_is_for_visit_page(demo):
    visit, clerk = open_visit(demo)

    response = clerk.post(
        f"/api/v1/ratings/visits/{visit.pk}/links",
        {"channel": "window_screen"},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["delivered_to"] == "visit_page"
    assert "token" not in response.json()


def test_link_rating_records_link_and_issuer(demo, issued_case):
    case = issued_case()
    link = issue_rating_link(
        actor=demo.user("clerk"), channel=RatingChannel.SMS, case=case
    )

    response = Client().post(
        f"/api/v1/ratings/links/{link.token}",
        {"level": 2, "comment": "等太久"},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    rating = Rating.objects.get(case=case)
    assert rating.link == link
    assert rating.channel == RatingChannel.SMS
    event = AuditEvent.objects.get(verb="case.rated", object_id=str(rating.pk))
    assert event.data["link"] == link.pk
    assert event.data["link_issued_by"] == demo.user("clerk").pk
    rows = demo.client("reviewer").get("/api/v1/ratings/rectifications").json()
    assert rows[0]["rating"]["via_link"] is True
    assert rows[0]["rating"]["link_issued_by"] == "clerk"


AGENT_ID_NUMBER = "44060419900101123X"


def test_visit_page_rejects_other_persons_id(demo, issued_case):
    case = issued_case()
    visits_before = Visit.objects.count()

    response = demo.client("clerk").post(
        "/ratings/visits/new/",
        {"window": "5", "case": case.number, "id_number": AGENT_ID_NUMBER},
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert f"Case {case.number} belongs to another applicant" in page
    assert f'value="{AGENT_ID_NUMBER}"' in page
    assert Visit.objects.count() == visits_before


def test_visit_api_rejects_other_persons_id(demo, issued_case):
    case = issued_case()

    response = demo.client("clerk").post(
        "/api/v1/ratings/visits",
        {"window": "5", "case": case.number, "id_number": AGENT_ID_NUMBER},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "visit.case_mismatch"


def test_visit_with_case_and_own_id(demo, issued_case):
    case = issued_case()

    response = demo.client("clerk").post(
        "/api/v1/ratings/visits",
        {"window": "5", "case": case.number, "id_number": "440604198503150024"},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert Visit.objects.latest("pk").case == case


def test_visit_with_case_and_bad_id_check_digit(demo, issued_case):
    case = issued_case()

    response = demo.client("clerk").post(
        "/api/v1/ratings/visits",
        {"window": "5", "case": case.number, "id_number": "440604198503150025"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"].startswith("id_number.")


def test_visit_page_title_names_window_once(demo):
    visit, clerk = open_visit(demo)

    page = clerk.get(
        f"/ratings/visits/{visit.pk}/", headers={"Accept-Language": "zh-hans"}
    ).content.decode()

    assert "<title>综合窗口 5 现场服务" in page
    assert "<h1>综合窗口 5 现场服务</h1>" in page
