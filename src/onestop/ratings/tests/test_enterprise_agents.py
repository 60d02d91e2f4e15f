"""Every verified agent of an enterprise rates the enterprise's cases, changes their
rating and rates the fix of a bad one, whoever filed the case."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.html import escape

from onestop.cases.tests.test_enterprise_agents import (
    OUTSIDER,
    add_outsider,
    add_second_agent,
    issued_for_enterprise,
    revoke_filer,
)
from onestop.core.models import AuditEvent, Notification
from onestop.identity.agency import AgencyNotVerified, AgencyRevoked
from onestop.identity.models import AgencyStatus, EnterpriseAgent, Person
from onestop.ratings.actions import (
    RATING_LINK_SENT,
    issue_rating_link,
    rate_case,
    record_visit,
)
from onestop.ratings.errors import NotYourCase
from onestop.ratings.models import Rating, RatingChannel, RatingLink

pytestmark = pytest.mark.django_db


def rate(client, case, level=5):
    return client.post(
        f"/api/v1/ratings/cases/{case.number}",
        {"level": level},
        content_type="application/json",
    )


def test_second_agent_rates_case(demo):
    case = issued_for_enterprise(demo)
    add_second_agent(demo)
    revoke_filer(demo)

    by_filer = rate(demo.client("agent"), case)
    by_second = rate(demo.client("applicant"), case)

    assert by_filer.status_code == 403
    assert by_filer.json()["code"] == "agency.revoked"
    assert by_second.status_code == 201, by_second.content
    rating = Rating.objects.get(case=case)
    assert rating.person == Person.objects.get(user__username="agent")
    event = AuditEvent.objects.get(verb="case.rated")
    assert event.actor == demo.user("applicant")
    assert event.actor_role == "applicant"


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (AgencyStatus.PENDING, AgencyNotVerified),
        (AgencyStatus.REVOKED, AgencyRevoked),
        (AgencyStatus.REJECTED, NotYourCase),
        (None, NotYourCase),
    ],
)
def test_rating_error_by_agency_status(demo, status, error):
    case = issued_for_enterprise(demo)
    outsider = add_outsider(status)

    with pytest.raises(error) as raised:
        rate_case(actor=outsider, case=case, level=5)

    assert type(raised.value) is error
    assert not Rating.objects.filter(case=case).exists()


def test_non_agent_cannot_rate(demo):
    case = issued_for_enterprise(demo)
    add_outsider()

    response = rate(demo.client(OUTSIDER), case)

    assert response.status_code == 404
    assert response.json()["code"] == "case.not_found"
    assert not Rating.objects.filter(case=case).exists()


def test_second_agent_changes_filers_rating(demo):
    case = issued_for_enterprise(demo)
    add_second_agent(demo)
    add_outsider(AgencyStatus.PENDING)
    rating_id = rate(demo.client("agent"), case, level=2).json()["id"]
    url = f"/api/v1/ratings/{rating_id}"

    by_pending = demo.client(OUTSIDER).put(
        url, {"level": 1}, content_type="application/json"
    )
    by_second = demo.client("applicant").put(
        url, {"level": 4}, content_type="application/json"
    )

    assert by_pending.status_code == 404
    assert by_pending.json()["code"] == "rating.not_found"
    assert by_second.status_code == 200, by_second.content
    assert Rating.objects.get(pk=rating_id).level == 4
    event = AuditEvent.objects.get(verb="rating.changed")
    assert event.actor == demo.user("applicant")


def test_revoked_filer_told_why_rating_is_closed(demo):
    case = issued_for_enterprise(demo)
    rating_id = rate(demo.client("agent"), case, level=2).json()["id"]
    revoke_filer(demo)

    response = demo.client("agent").put(
        f"/api/v1/ratings/{rating_id}", {"level": 4}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "agency.revoked"
    assert Rating.objects.get(pk=rating_id).level == 2


def test_second_agent_rates_fix(demo):
    case = issued_for_enterprise(demo)
    add_second_agent(demo)
    rectification = rate_case(
        actor=demo.user("agent"), case=case, level=1
    ).rectification
    reviewer = demo.client("reviewer")
    base = f"/api/v1/ratings/rectifications/{rectification.pk}"
    reviewer.post(
        f"{base}/callback", {"note": "已回访"}, content_type="application/json"
    )
    reviewer.post(
        f"{base}/close",
        {"outcome": "explained", "note": "法定材料"},
        content_type="application/json",
    )
    revoke_filer(demo)
    second = demo.client("applicant")
    url = f"/api/v1/ratings/cases/{case.number}/fix-rating"

    page = second.get(f"/portal/cases/{case.number}/").content.decode()
    by_filer = demo.client("agent").post(
        url, {"level": 2}, content_type="application/json"
    )
    by_second = second.post(url, {"level": 4}, content_type="application/json")

    assert 'id="rate-fix"' in page
    assert by_filer.status_code == 403
    assert by_filer.json()["code"] == "agency.revoked"
    assert by_second.status_code == 200, by_second.content
    rectification.refresh_from_db()
    assert rectification.fix_level == 4
    event = AuditEvent.objects.get(verb="rectification.fix_rated")
    assert event.actor == demo.user("applicant")


def test_second_agent_sees_rating_form(demo):
    case = issued_for_enterprise(demo)
    add_second_agent(demo)

    page = demo.client("applicant").get(f"/portal/cases/{case.number}/")

    assert page.status_code == 200
    assert 'id="rate"' in page.content.decode()


def test_case_link_sent_to_every_agent(demo):
    case = issued_for_enterprise(demo)
    add_second_agent(demo)
    add_outsider(AgencyStatus.PENDING)

    link = issue_rating_link(
        actor=demo.user("clerk"), channel=RatingChannel.SMS, case=case
    )

    sent = Notification.objects.filter(message_id=RATING_LINK_SENT)
    assert sorted(n.user.username for n in sent) == ["agent", "applicant"]
    assert {n.link for n in sent} == {f"/r/{link.token}"}


def test_case_link_checks_signed_in_agent(demo):
    case = issued_for_enterprise(demo)
    add_second_agent(demo)
    link = issue_rating_link(
        actor=demo.user("clerk"), channel=RatingChannel.SMS, case=case
    )
    revoke_filer(demo)
    url = f"/api/v1/ratings/links/{link.token}"

    by_filer = demo.client("agent").post(
        url, {"level": 3}, content_type="application/json"
    )
    by_second = demo.client("applicant").post(
        url, {"level": 5}, content_type="application/json"
    )

    assert RatingLink.objects.get(pk=link.pk).person.user == demo.user("agent")
    assert by_filer.status_code == 403
    assert by_filer.json()["code"] == "agency.revoked"
    assert by_second.status_code == 201, by_second.content
    assert Rating.objects.get(case=case).level == 5


def sms_link_of_filer(demo):
    """Return an enterprise's case and its SMS rating link, issued to its filer `agent`."""
    case = issued_for_enterprise(demo)
    link = issue_rating_link(
        actor=demo.user("clerk"), channel=RatingChannel.SMS, case=case
    )
    return case, link


REVOKED_THROUGH_LINK = (
    "A service centre revoked your authority to act for 佛山市禅城区示例商贸有限公司 "
    "(9144**********2YX9), so you can no longer apply for it, see its certificates "
    "or cases, or give consents for it. To act for it again, claim it on your profile "
    "and bring its business licence (营业执照) and a new power of attorney (授权委托书) "
    "to the comprehensive window of a service centre. This rating link was issued to "
    "the agent who filed the case. Another verified agent of the enterprise can sign "
    "in and rate the case on its page."
)


def test_case_link_without_session_rates_for_agent(demo):
    case, link = sms_link_of_filer(demo)

    response = Client().post(
        f"/api/v1/ratings/links/{link.token}",
        {"level": 5},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert Rating.objects.get(case=case).link == link


def test_case_link_of_revoked_agent_rejected(demo):
    case, link = sms_link_of_filer(demo)
    revoke_filer(demo)

    response = Client().post(
        f"/api/v1/ratings/links/{link.token}",
        {"level": 5},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "agency.revoked"
    assert body["message"] == REVOKED_THROUGH_LINK
    assert body["details"] == {
        "enterprise": "佛山市禅城区示例商贸有限公司",
        "uscc": "9144**********2YX9",
    }
    assert not Rating.objects.filter(case=case).exists()


def test_link_page_of_revoked_agent_shows_error(demo):
    case, link = sms_link_of_filer(demo)
    revoke_filer(demo)
    phone = Client(headers={"Accept-Language": "en"})

    opened = phone.get(f"/r/{link.token}")
    sent = phone.post(f"/r/{link.token}", {"level": "5"})

    for response in (opened, sent):
        page = response.content.decode()
        assert response.status_code == 403
        assert 'data-code="agency.revoked"' in page
        assert escape(REVOKED_THROUGH_LINK) in page
        assert "<form" not in page.split("<main", 1)[1]
        assert case.number not in page
    assert not Rating.objects.filter(case=case).exists()


def test_case_link_of_pending_claim_rejected(demo):
    case, link = sms_link_of_filer(demo)
    EnterpriseAgent.objects.filter(person__user__username="agent").update(
        status=AgencyStatus.PENDING
    )

    response = Client().post(
        f"/api/v1/ratings/links/{link.token}",
        {"level": 5},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert response.json()["code"] == "agency.not_verified"
    assert not Rating.objects.filter(case=case).exists()


def test_rating_change_through_link_follows_agency(demo):
    case, link = sms_link_of_filer(demo)
    phone = Client()
    phone.post(f"/r/{link.token}", {"level": "2"})
    revoke_filer(demo)

    response = phone.post(f"/r/{link.token}", {"level": "4"})

    assert response.status_code == 403
    assert 'data-code="agency.revoked"' in response.content.decode()
    assert Rating.objects.get(case=case).level == 2


def test_visit_link_valid_after_revocation(demo):
    case = issued_for_enterprise(demo)
    visit = record_visit(
        actor=demo.user("clerk"),
        centre=demo.centre,
        person=Person.objects.get(user__username="agent"),
        window="4",
        case=case,
    )
    link = issue_rating_link(
        actor=demo.user("clerk"), channel=RatingChannel.QR_CODE, visit=visit
    )
    revoke_filer(demo)

    response = Client().post(
        f"/api/v1/ratings/links/{link.token}",
        {"level": 4},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert Rating.objects.get(visit=visit).level == 4
