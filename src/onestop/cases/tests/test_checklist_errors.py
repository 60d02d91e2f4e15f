"""A mistake in a window checklist gets the same status and code on every operation
that takes one: JSON and multipart window acceptance, and accepting a case. An
applicant's operations take no checklist."""

from __future__ import annotations

import pytest

from onestop.cases.models import Case, Submission
from onestop.cases.tests.test_idempotency import window_json
from onestop.cases.tests.test_receipts import (
    FOOD,
    apply_online,
    food_matter,
    window_data,
)
from onestop.testing import current_version, valid_form

pytestmark = pytest.mark.django_db


def accept_with(demo, checklist):
    number = apply_online(demo)
    return demo.client("clerk").post(
        f"/api/v1/cases/{number}/accept",
        {"checklist": checklist},
        content_type="application/json",
    )


def window_with(demo, checklist):
    return demo.client("clerk").post(
        "/api/v1/cases/window",
        {**window_json(demo), "checklist": checklist},
        content_type="application/json",
    )


@pytest.mark.parametrize(
    "checklist",
    [
        {"application_form": {"seen": True}},
        {"application_form": {"original_seen": "true"}},
        {"application_form": []},
    ],
)
def test_checklist_mistake_same_on_window_and_accept(demo, checklist):
    window = window_with(demo, checklist)
    accept = accept_with(demo, checklist)

    assert window.status_code == 422
    assert accept.status_code == 422
    assert window.json()["code"] == "request.invalid"
    assert accept.json()["code"] == "request.invalid"
    assert window.json()["details"] == accept.json()["details"]
    assert window.json()["message"] == accept.json()["message"]


def test_multipart_unknown_flag_rejected(demo):
    data = {**window_data(demo), "check.application_form.seen": "on"}
    response = demo.client("clerk").post("/api/v1/cases/window", data)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "request.invalid"
    assert body["details"]["errors"] == [
        {
            "location": ["form", "check.application_form.seen"],
            "type": "extra_forbidden",
        }
    ]
    assert (
        "check.application_form.seen is not a member of this request."
        in (body["message"])
    )
    assert not Case.objects.filter(centre=demo.centre).exists()


def test_online_application_rejects_ticks(demo):
    matter = food_matter(demo)
    data = {"centre": demo.centre.slug, "matter": FOOD, **valid_form(matter)}
    for material in current_version(matter).guide.materials:
        data[f"check.{material['key']}.original_seen"] = "on"
    response = demo.client("applicant").post("/api/v1/cases", data)

    assert response.status_code == 422
    assert response.json()["code"] == "request.invalid"
    assert response.json()["details"]["errors"][0]["type"] == "extra_forbidden"
    assert not Case.objects.filter(centre=demo.centre).exists()
    assert not Submission.objects.filter(kind="paper").exists()
