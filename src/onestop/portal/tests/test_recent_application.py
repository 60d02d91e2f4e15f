"""A second application for the same matter while the first is open: the portal and the
kiosk warn, and a Back button followed by Submit files nothing without a tick."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from onestop.cases.models import Case
from onestop.catalog.models import Matter
from onestop.portal.tests.test_pages import FOOD, submit
from onestop.testing import material_files, valid_form

pytestmark = pytest.mark.django_db


def apply_url(demo, prefix="/portal"):
    return f"{prefix}/{demo.centre.slug}/matters/{FOOD}/apply/"


def second_form(demo, key="second-key", **extra):
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    data = {"idempotency_key": key, **valid_form(matter), **material_files(matter)}
    data.update(extra)
    return data


def test_form_after_submission_names_open_case(demo):
    client = demo.client("applicant")
    submit(demo, client)
    case = Case.objects.get()

    page = client.get(apply_url(demo), headers={"Accept-Language": "en"})

    text = page.content.decode()
    assert 'id="recent-application"' in text
    assert f'href="/portal/cases/{case.number}/"' in text
    assert 'name="repeat"' in text


def test_second_submission_rejected_without_tick(demo):
    client = demo.client("applicant")
    submit(demo, client)
    first = Case.objects.get()

    response = client.post(
        apply_url(demo), second_form(demo), headers={"Accept-Language": "zh-hans"}
    )

    text = response.content.decode()
    assert response.status_code == 409
    assert 'data-code="case.recent_application"' in text
    assert first.number in text
    assert "提交另一份申请" in text
    assert f"办件编号 {first.number}，该办件仍在办理中" in text
    assert "案件" not in text
    assert Case.objects.count() == 1


def test_ticked_second_application_is_filed(demo):
    client = demo.client("applicant")
    submit(demo, client)
    response = client.post(apply_url(demo), second_form(demo, repeat="on"))
    assert response.status_code == 302, response.content
    assert Case.objects.count() == 2


def test_same_form_sent_again_returns_first_case(demo):
    client = demo.client("applicant")
    submit(demo, client)
    response = submit(demo, client)
    assert response.status_code == 302
    assert response["Location"] == f"/portal/cases/{Case.objects.get().number}/"


def test_kiosk_warns_too(demo):
    client = demo.client("applicant")
    submit(demo, client, path_prefix="/kiosk")
    response = client.post(apply_url(demo, "/kiosk"), second_form(demo))
    assert response.status_code == 409
    assert Case.objects.count() == 1


def test_application_after_a_day_is_not_questioned(demo):
    client = demo.client("applicant")
    submit(demo, client)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        client = demo.client("applicant")
        page = client.get(apply_url(demo)).content.decode()
        response = client.post(apply_url(demo), second_form(demo))
    assert 'id="recent-application"' not in page
    assert response.status_code == 302, response.content
    assert Case.objects.count() == 2


def test_withdrawn_case_is_not_questioned(demo):
    client = demo.client("applicant")
    submit(demo, client)
    Case.objects.update(state="withdrawn")
    response = client.post(apply_url(demo), second_form(demo))
    assert response.status_code == 302, response.content
