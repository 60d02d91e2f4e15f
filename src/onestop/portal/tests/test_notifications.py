"""In-app notifications read in the reader's language, on the page and in the API."""

from __future__ import annotations

import pytest

from onestop.cases import notices
from onestop.core.models import Notification
from onestop.core.notifications import notify

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
