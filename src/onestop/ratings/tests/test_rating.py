"""Rating a case online: who may rate, what a rating holds, and changing it in time."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from onestop.ratings.actions import rate_case, record_default_ratings
from onestop.ratings.errors import NotYourCase
from onestop.ratings.models import Rating, RatingPolicy, RectificationStatus

pytestmark = pytest.mark.django_db


def rate_url(case):
    return f"/api/v1/ratings/cases/{case.number}"


def test_applicant_rates_with_tags(demo, issued_case):
    case = issued_case()
    response = demo.client("applicant").post(
        rate_url(case),
        {"level": 4, "tags": ["efficiency", "convenience"], "comment": "快"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["level"] == 4
    assert body["tags"] == ["efficiency", "convenience"]
    assert body["is_bad"] is False
    rating = Rating.objects.get(pk=body["id"])
    assert rating.department == case.department
    assert rating.window == "综合窗口 3"
    assert rating.window_record.code == "3"
    assert rating.clerk == demo.user("clerk")


def test_level_as_text_rejected(demo, issued_case):
    case = issued_case()

    response = demo.client("applicant").post(
        rate_url(case),
        {"level": "5"},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 422
    assert response.json()["code"] == "request.invalid"
    assert (
        "level must be a whole number, not a JSON string" in response.json()["message"]
    )
    assert not Rating.objects.exists()


def test_staff_cannot_rate_applicants_case(demo, issued_case):
    case = issued_case()
    response = demo.client("clerk").post(
        rate_url(case), {"level": 5}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "rating.not_applicant"
    assert case.number in response.json()["message"]
    assert not Rating.objects.exists()


def test_other_person_rating_case_rejected(demo, issued_case):
    case = issued_case()
    response = demo.client("agent").post(
        rate_url(case), {"level": 1}, content_type="application/json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "case.not_found"
    with pytest.raises(NotYourCase):
        rate_case(actor=demo.user("agent"), case=case, level=1)
    assert not Rating.objects.exists()


def test_open_case_not_rateable(demo, issued_case):
    from onestop.cases.actions import create_window_case  # noqa: F401

    case = issued_case()
    case.state = "in_review"
    case.save(update_fields=["state"])
    response = demo.client("applicant").post(
        rate_url(case), {"level": 5}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "rating.not_rateable"


def test_comment_over_limit_rejected(demo, issued_case):
    case = issued_case()
    response = demo.client("applicant").post(
        rate_url(case),
        {"level": 3, "comment": "好" * 501},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "rating.comment_too_long"
    assert "501" in response.json()["message"]


def test_level_outside_scale_rejected(demo, issued_case):
    case = issued_case()
    response = demo.client("applicant").post(
        rate_url(case), {"level": 6}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "rating.invalid_level"


def test_on_site_tag_rejected_online(demo, issued_case):
    case = issued_case()
    response = demo.client("applicant").post(
        rate_url(case),
        {"level": 4, "tags": ["service_attitude"]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "rating.invalid_tag"
    assert "service_attitude" in response.json()["message"]


def test_kiosk_rating_after_online_conflicts(demo, issued_case):
    case = issued_case()
    client = demo.client("applicant")
    online = client.post(rate_url(case), {"level": 5}, content_type="application/json")
    kiosk = client.post(
        rate_url(case),
        {"level": 4, "channel": "kiosk", "tags": ["service_attitude"]},
        content_type="application/json",
    )
    assert online.status_code == 201
    assert kiosk.status_code == 409
    assert kiosk.json()["code"] == "rating.already_rated"


def test_html_comment_stored_and_rendered_escaped(demo, issued_case):
    case = issued_case()
    comment = '<script>alert("x")</script>'
    client = demo.client("applicant")
    response = client.post(
        f"/portal/cases/{case.number}/",
        {"action": "rate", "level": "2", "comment": comment, "tags": ["efficiency"]},
    )
    assert response.status_code == 302
    rating = Rating.objects.get(case=case)
    assert rating.comment == comment
    assert rating.tags == ["efficiency"]
    page = client.get(f"/portal/cases/{case.number}/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert comment not in page


def test_portal_form_changes_rating_within_period(demo, issued_case):
    case = issued_case()
    client = demo.client("applicant")
    url = f"/portal/cases/{case.number}/"
    client.post(url, {"action": "rate", "level": "2"})
    changes = str(Rating.objects.get(case=case).pk)
    response = client.post(url, {"action": "rate", "level": "5", "changes": changes})
    assert response.status_code == 302
    rating = Rating.objects.get(case=case)
    assert rating.level == 5
    assert rating.rectification.status == RectificationStatus.WITHDRAWN


def test_change_after_period_rejected(demo, issued_case):
    RatingPolicy.objects.create(centre=demo.centre, change_period_hours=2)
    case = issued_case()
    client = demo.client("applicant")
    rating_id = client.post(
        rate_url(case), {"level": 4}, content_type="application/json"
    ).json()["id"]
    inside = client.put(
        f"/api/v1/ratings/{rating_id}", {"level": 5}, content_type="application/json"
    )
    assert inside.status_code == 200
    assert inside.json()["level"] == 5
    with time_machine.travel(timezone.now() + dt.timedelta(hours=3)):
        late = client.put(
            f"/api/v1/ratings/{rating_id}",
            {"level": 1},
            content_type="application/json",
        )
    assert late.status_code == 400
    assert late.json()["code"] == "rating.change_period_over"
    assert "2" in late.json()["message"]
    assert Rating.objects.get(pk=rating_id).level == 5


def test_other_user_cannot_change_rating(demo, issued_case):
    case = issued_case()
    rating_id = (
        demo.client("applicant")
        .post(rate_url(case), {"level": 4}, content_type="application/json")
        .json()["id"]
    )
    response = demo.client("agent").put(
        f"/api/v1/ratings/{rating_id}", {"level": 1}, content_type="application/json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "rating.not_found"


def test_change_to_bad_opens_rectification(demo, issued_case):
    case = issued_case()
    client = demo.client("applicant")
    rating_id = client.post(
        rate_url(case), {"level": 4}, content_type="application/json"
    ).json()["id"]
    response = client.put(
        f"/api/v1/ratings/{rating_id}", {"level": 1}, content_type="application/json"
    )
    assert response.json()["rectification"] is not None
    rating = Rating.objects.get(pk=rating_id)
    assert rating.rectification.status == RectificationStatus.OPEN
    assert rating.rectification.department == case.department


def test_unrated_case_rated_basically_satisfied_after_period(demo, issued_case):
    case = issued_case()
    later = timezone.now() + dt.timedelta(days=7, hours=1)
    assert record_default_ratings(now=timezone.now() + dt.timedelta(days=6)) == 0
    assert record_default_ratings(now=later) == 1
    assert record_default_ratings(now=later) == 0
    rating = Rating.objects.get(case=case)
    assert rating.level == 3
    assert rating.is_default is True
    response = demo.client("applicant").post(
        rate_url(case), {"level": 1}, content_type="application/json"
    )
    assert response.status_code == 409


def test_default_rating_cannot_be_changed(demo, issued_case):
    case = issued_case()
    record_default_ratings(now=timezone.now() + dt.timedelta(days=8))
    rating = Rating.objects.get(case=case)
    response = demo.client("applicant").put(
        f"/api/v1/ratings/{rating.pk}", {"level": 1}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "rating.default_fixed"


def test_rated_case_gets_no_default_rating(demo, issued_case):
    case = issued_case()
    rate_case(actor=demo.user("applicant"), case=case, level=5)
    assert record_default_ratings(now=timezone.now() + dt.timedelta(days=30)) == 0
    assert Rating.objects.filter(case=case).count() == 1


def test_default_rating_period_follows_policy(demo, issued_case):
    RatingPolicy.objects.create(centre=demo.centre, default_rating_days=15)
    issued_case()
    assert record_default_ratings(now=timezone.now() + dt.timedelta(days=8)) == 0
    assert record_default_ratings(now=timezone.now() + dt.timedelta(days=16)) == 1


def test_default_rating_job_is_registered():
    from onestop.core.outbox import _periodic
    from onestop.ratings.tasks import rate_unrated_cases_by_default

    assert any(function is rate_unrated_cases_by_default for _s, function in _periodic)


@pytest.mark.parametrize(
    ("language", "named"),
    [
        ("en", "overall satisfaction (overall)"),
        ("zh-hans", "整体满意度（overall）"),
    ],
)
def test_invalid_tag_lists_indicator_labels(demo, issued_case, language, named):
    case = issued_case()
    response = demo.client("applicant").post(
        rate_url(case),
        {"level": 4, "tags": ["speed"]},
        content_type="application/json",
        headers={"Accept-Language": language},
    )

    message = response.json()["message"]
    assert response.status_code == 400
    assert response.json()["code"] == "rating.invalid_tag"
    assert named in message
    assert "overall, efficiency" not in message


def test_error_details_are_codes_in_every_language(demo, issued_case):
    case = issued_case()
    details = {}
    messages = {}
    for language in ("zh-hans", "en"):
        response = demo.client("applicant").post(
            rate_url(case),
            {"level": 4, "tags": ["speed"]},
            content_type="application/json",
            headers={"Accept-Language": language},
        )
        details[language] = response.json()["details"]
        messages[language] = response.json()["message"]

    assert details["zh-hans"] == details["en"]
    assert details["en"]["channel"] == "online"
    assert "overall" in details["en"]["allowed"]
    assert "网上评价" in messages["zh-hans"]
