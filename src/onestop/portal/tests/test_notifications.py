"""In-app notifications read in the reader's language, on the page and in the API."""

from __future__ import annotations

import datetime as dt

import pytest

from onestop.cases import notices
from onestop.core.models import Notification
from onestop.core.notifications import notifications_of, notify

pytestmark = pytest.mark.django_db

NUMBER = "44060426120500001"
IN_EACH_LANGUAGE = [
    ("en", f"Your application {NUMBER} was accepted", "Promised date: 2026-12-18"),
    ("zh-hans", f"您的申请 {NUMBER} 已受理", "承诺办结日期：2026-12-18"),
]


@pytest.fixture
def accepted(demo, settings):
    """Write a notification as production does, with Chinese as the site's language."""
    settings.LANGUAGE_CODE = "zh-hans"
    return notify(
        centre=demo.centre,
        user_id=demo.user("applicant").pk,
        message_id=notices.ACCEPTED,
        link=f"/portal/cases/{NUMBER}/",
        number=NUMBER,
        date="2026-12-18",
    )


def test_notification_is_stored_in_site_language(accepted):
    assert accepted.subject == f"您的申请 {NUMBER} 已受理"
    assert accepted.params == {"number": NUMBER, "date": "2026-12-18"}


@pytest.mark.parametrize(("language", "subject", "body"), IN_EACH_LANGUAGE)
def test_page_shows_reader_language(demo, accepted, language, subject, body):
    page = demo.client("applicant").get(
        "/portal/notifications/", headers={"Accept-Language": language}
    )

    content = page.content.decode()
    assert page.status_code == 200
    assert subject in content
    assert body in content


@pytest.mark.parametrize(("language", "subject", "body"), IN_EACH_LANGUAGE)
def test_api_lists_reader_language(demo, accepted, language, subject, body):
    response = demo.client("applicant").get(
        "/api/v1/notifications", headers={"Accept-Language": language}
    )

    assert response.status_code == 200, response.content
    listed = response.json()
    assert len(listed) == 1
    assert listed[0]["message_id"] == "case.accepted"
    assert listed[0]["subject"] == subject
    assert listed[0]["body"] == body
    assert listed[0]["read_at"] is None


def test_notification_without_message_id_shows_stored_text(demo):
    Notification.objects.create(
        centre=demo.centre,
        user=demo.user("applicant"),
        subject="您的申请 44060426120400001 已受理",
        body="承诺办结日期：2026-12-17",
    )

    page = demo.client("applicant").get(
        "/portal/notifications/", headers={"Accept-Language": "en"}
    )
    listed = (
        demo.client("applicant")
        .get("/api/v1/notifications", headers={"Accept-Language": "en"})
        .json()
    )

    assert "您的申请 44060426120400001 已受理" in page.content.decode()
    assert listed[0]["message_id"] == ""
    assert listed[0]["subject"] == "您的申请 44060426120400001 已受理"
    assert listed[0]["body"] == "承诺办结日期：2026-12-17"


def test_api_lists_only_own_notifications(demo, accepted):
    response = demo.client("clerk").get("/api/v1/notifications")

    assert response.status_code == 200
    assert response.json() == []


def test_page_marks_shown_notifications_read(demo, accepted):
    demo.client("applicant").get("/portal/notifications/")

    accepted.refresh_from_db()
    assert accepted.read_at is not None


@pytest.fixture
def same_second(demo):
    """Write four notifications with one created_at, then one a second older.

    The older one is written last, so it has the highest id but is listed last.
    """
    moment = dt.datetime(2026, 12, 5, 6, 30, 0, 123456, tzinfo=dt.UTC)
    user = demo.user("applicant")
    written = [
        Notification.objects.create(
            centre=demo.centre, user=user, subject=f"第 {index} 条", created_at=moment
        )
        for index in range(1, 5)
    ]
    older = Notification.objects.create(
        centre=demo.centre,
        user=user,
        subject="第 0 条",
        created_at=moment - dt.timedelta(seconds=1),
    )
    return [*reversed(written), older]


def test_same_time_listed_newest_id_first(demo, same_second):
    user = demo.user("applicant")
    expected = [notification.pk for notification in same_second]

    by_model = Notification.objects.filter(user=user)
    by_query = notifications_of(user)
    by_api = demo.client("applicant").get("/api/v1/notifications").json()

    assert [notification.pk for notification in by_model] == expected
    assert [notification.pk for notification in by_query] == expected
    assert [listed["id"] for listed in by_api] == expected


def test_limit_keeps_newest_of_same_time(demo, same_second):
    listed = notifications_of(demo.user("applicant"), limit=2)

    assert [notification.pk for notification in listed] == [
        same_second[0].pk,
        same_second[1].pk,
    ]


def test_page_lists_same_time_newest_id_first(demo, same_second):
    page = demo.client("applicant").get("/portal/notifications/")

    content = page.content.decode()
    positions = [content.index(notification.subject) for notification in same_second]
    assert page.status_code == 200
    assert positions == sorted(positions)
