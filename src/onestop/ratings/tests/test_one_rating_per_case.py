"""One rating per case, whichever the channel: online, kiosk, QR code or SMS link."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from onestop.ratings.actions import issue_rating_link
from onestop.ratings.models import Rating, RatingChannel
from onestop.ratings.tests.test_rating import rate_url

RATED_AT = dt.datetime(2026, 12, 4, 10, 30, tzinfo=dt.UTC)


def rate(client, case, channel: str, language: str = "en"):
    tags = ["service_attitude"] if channel == "kiosk" else ["efficiency"]
    return client.post(
        rate_url(case),
        {"level": 2, "channel": channel, "tags": tags},
        content_type="application/json",
        headers={"Accept-Language": language},
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first", "second"), [("online", "kiosk"), ("kiosk", "online")]
)
def test_second_channel_rating_conflicts(demo, issued_case, first, second):
    case = issued_case()
    client = demo.client("applicant")
    with time_machine.travel(RATED_AT, tick=False):
        first_response = rate(client, case, first)

    response = rate(client, case, second)

    assert first_response.status_code == 201, first_response.content
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "rating.already_rated"
    label = RatingChannel(first).label
    assert body["message"] == (
        f"Case {case.number} was already rated on 2026-12-04 18:30 ({label}). A case "
        "is rated once, whichever the channel, so this rating was not recorded."
    )
    assert body["details"]["channel"] == first
    assert Rating.objects.filter(case=case).count() == 1
    assert Rating.objects.get(case=case).channel == first


@pytest.mark.django_db
def test_second_rating_message_in_chinese(demo, issued_case):
    case = issued_case()
    client = demo.client("applicant")
    with time_machine.travel(RATED_AT, tick=False):
        rate(client, case, "online")

    response = rate(client, case, "kiosk", "zh-hans")

    assert response.json()["message"] == (
        f"办件 {case.number} 已于 2026-12-04 18:30 评价过（网上评价）。每个办件只评价一次，"
        "无论通过哪个渠道，因此本次评价未记录。"
    )


@pytest.mark.django_db
def test_qr_code_rating_after_online_conflicts(demo, issued_case):
    case = issued_case()
    rate(demo.client("applicant"), case, "online")
    link = issue_rating_link(
        actor=demo.user("clerk"), channel=RatingChannel.QR_CODE, case=case
    )

    response = demo.client("applicant").post(
        f"/api/v1/ratings/links/{link.token}",
        {"level": 5, "tags": ["service_attitude"]},
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "rating.already_rated"
    assert Rating.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_kiosk_page_shows_second_rating_conflict(demo, issued_case):
    case = issued_case()
    client = demo.client("applicant")
    rate(client, case, "online")

    response = client.post(
        f"/kiosk/cases/{case.number}/",
        {"action": "rate", "level": "5", "tags": ["service_attitude"]},
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert 'data-code="rating.already_rated"' in page
    assert "A case is rated once, whichever the channel" in page
    assert Rating.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_second_form_from_another_tab_keeps_first_rating(demo, issued_case):
    case = issued_case()
    client = demo.client("applicant")
    page = f"/portal/cases/{case.number}/"
    first = client.post(page, {"action": "rate", "level": "5", "comment": "很好"})

    second = client.post(page, {"action": "rate", "level": "2", "comment": "second"})

    assert first.status_code == 302
    assert second.status_code == 409
    assert 'data-code="rating.already_rated"' in second.content.decode()
    rating = Rating.objects.get(case=case)
    assert (rating.level, rating.comment) == (5, "很好")


@pytest.mark.django_db
def test_change_form_changes_the_rating(demo, issued_case):
    case = issued_case()
    client = demo.client("applicant")
    page = f"/portal/cases/{case.number}/"
    client.post(page, {"action": "rate", "level": "5"})
    rating = Rating.objects.get(case=case)

    client.post(page, {"action": "rate", "level": "4", "changes": str(rating.pk)})

    assert Rating.objects.get(case=case).level == 4


@pytest.mark.django_db
def test_portal_page_shows_kiosk_rating(demo, issued_case):
    case = issued_case()
    client = demo.client("applicant")
    rate(client, case, "kiosk")

    page = client.get(f"/portal/cases/{case.number}/").content.decode()

    assert 'id="rated-elsewhere"' in page
    assert "Rated through another channel: self-service kiosk." in page
    assert "Rate this service" not in page


@pytest.mark.django_db
def test_statistics_count_case_once(demo, issued_case):
    case = issued_case()
    client = demo.client("applicant")
    rate(client, case, "online")
    rate(client, case, "kiosk")

    response = demo.client("supervisor").get("/ratings/stats/")

    assert response.context["report"].total.total == 1


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_first_rating_of_case(demo, issued_case):
    case = issued_case()
    other = issued_case()
    executor = MigrationExecutor(connection)
    executor.migrate([("ratings", "0002_visits_links_policy_and_rectifications")])
    try:
        old = executor.loader.project_state(
            ("ratings", "0002_visits_links_policy_and_rectifications")
        ).apps
        rating_model = old.get_model("ratings", "Rating")
        rectification_model = old.get_model("ratings", "Rectification")
        visit_model = old.get_model("ratings", "Visit")
        now = timezone.now()

        def old_rating(subject, channel, level, minutes, visit=None):
            return rating_model.objects.create(
                centre_id=subject.centre_id,
                case_id=subject.pk,
                person_id=subject.person_id,
                channel=channel,
                level=level,
                visit=visit,
                created_at=now + dt.timedelta(minutes=minutes),
                updated_at=now + dt.timedelta(minutes=minutes),
            )

        first = old_rating(case, "kiosk", 5, minutes=1)
        later = old_rating(case, "online", 1, minutes=2)
        latest = old_rating(case, "qr_code", 4, minutes=3)
        rectification_model.objects.create(
            centre_id=case.centre_id,
            rating=later,
            department_id=case.department_id,
            due_date=now.date(),
            appeal_deadline=now,
        )
        visit = visit_model.objects.create(
            centre_id=case.centre_id,
            person_id=case.person_id,
            clerk_id=demo.user("clerk").pk,
            case_id=case.pk,
        )
        visit_rating = old_rating(case, "window_screen", 3, minutes=4, visit=visit)
        single = old_rating(other, "online", 5, minutes=5)

        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

        remaining = set(Rating.objects.values_list("pk", flat=True))
        assert first.pk in remaining
        assert later.pk not in remaining
        assert latest.pk not in remaining
        assert visit_rating.pk in remaining
        assert single.pk in remaining
        assert not rectification_model.objects.filter(rating_id=later.pk).exists()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
