"""Every datetime that the JSON API returns has one form: RFC 3339 in TIME_ZONE, to the
second, with its offset (2026-12-05T20:31:07+08:00).

Signed and hashed documents keep the form they were signed in, so the walk skips them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest

from onestop.cases.tests.test_api_flow import apply
from onestop.cases.tests.test_certificate_results import issue_id_card
from onestop.core import outbox
from onestop.core.dates import api_datetime, api_iso, local_day_bounds
from onestop.core.errors import OneStopError
from onestop.core.ledger.sequencer import integrate_pending, publish_checkpoint
from onestop.credit.tests.helpers import (
    APPLICANT_ID,
    issue_token,
    record_for_applicant,
)

pytestmark = pytest.mark.django_db

# A string that starts as a date and goes on with a time, in any of ISO 8601's forms.
DATETIME_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
API_FORM = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$")
# Members whose value is signed or hashed as it is: case documents and receipts
# (`data`, `signature`), ledger entries (`document`), signed certificates (`document`),
# credit reports (`report`), and envelopes and callback receipts of the exchange.
SIGNED_MEMBERS = {"data", "document", "signature", "report", "receipt", "envelope"}


def datetime_like_values(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Yield (path, text) for each datetime-looking string outside signed members."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in SIGNED_MEMBERS:
                yield from datetime_like_values(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from datetime_like_values(item, f"{path}[{index}]")
    elif isinstance(value, str) and DATETIME_LIKE.match(value):
        yield path, value


def collect(responses: dict[str, Any]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for name, response in responses.items():
        assert response["Content-Type"].startswith("application/json"), name
        found.extend(
            (f"{name}{path}", text)
            for path, text in datetime_like_values(response.json())
        )
    return found


def test_main_responses_use_one_datetime_form(demo):
    applicant = demo.client("applicant")
    clerk = demo.client("clerk")
    reviewer = demo.client("reviewer")
    responses: dict[str, Any] = {}

    responses["apply"] = apply(applicant, demo)
    number = responses["apply"].json()["number"]
    responses["accept"] = clerk.post(
        f"/api/v1/cases/{number}/accept", {}, content_type="application/json"
    )
    outbox.drain()
    responses["receipt"] = applicant.get(f"/api/v1/cases/{number}/receipt")
    responses["extension"] = reviewer.post(
        f"/api/v1/cases/{number}/extensions",
        {"working_days": 5, "reason": "需要现场核查"},
        content_type="application/json",
    )
    responses["approve"] = reviewer.post(
        f"/api/v1/cases/{number}/approve",
        {"opinion": "符合条件，准予许可"},
        content_type="application/json",
    )
    responses["case"] = applicant.get(f"/api/v1/cases/{number}")
    responses["cases"] = applicant.get("/api/v1/cases")
    responses["extensions"] = reviewer.get(f"/api/v1/cases/{number}/extensions")
    responses["rating"] = applicant.post(
        f"/api/v1/ratings/cases/{number}",
        {"level": 5},
        content_type="application/json",
    )
    responses["second_rating"] = applicant.post(
        f"/api/v1/ratings/cases/{number}",
        {"level": 4},
        content_type="application/json",
    )
    responses["notifications"] = applicant.get("/api/v1/notifications")

    certificate = issue_id_card(demo)
    responses["verification"] = applicant.get(
        f"/api/v1/certificates/{certificate.identifier}/verification"
    )
    responses["revocation"] = demo.client("centreadmin").post(
        f"/api/v1/certificates/{certificate.identifier}/revoke",
        {"reason": "测试吊销"},
        content_type="application/json",
    )

    record_for_applicant(demo)
    responses["credit_records"] = demo.client("reviewer").get(
        f"/api/v1/credit/centres/{demo.centre.slug}/records",
        {"subject_type": "person", "subject_code": APPLICANT_ID},
    )
    issue_token(demo)
    responses["consents"] = applicant.get("/api/v1/credit/consents")

    integrate_pending()
    publish_checkpoint()
    responses["checkpoint"] = applicant.get("/api/v1/ledger/checkpoint.json")
    responses["entry"] = applicant.get("/api/v1/ledger/entries/0")

    for name, response in responses.items():
        assert response.status_code < 300 or name == "second_rating", (
            name,
            response.content[:500],
        )
    found = collect(responses)
    wrong = [(path, text) for path, text in found if not API_FORM.match(text)]
    assert wrong == []
    # Each response has a datetime, so the walk reached every kind of response.
    names = {path.split(".")[0].split("[")[0] for path, _text in found}
    assert names == set(responses)


def test_api_datetime_form():
    moment = dt.datetime(2026, 12, 5, 12, 31, 7, 123456, tzinfo=dt.UTC)

    assert api_datetime(moment) == "2026-12-05T20:31:07+08:00"
    assert api_datetime(moment.replace(tzinfo=None)) == "2026-12-05T20:31:07+08:00"
    assert api_iso(dt.date(2026, 12, 5)) == "2026-12-05"
    assert api_iso(None) is None


def test_error_datetime_details_and_message():
    moment = dt.datetime(2026, 12, 5, 12, 31, 7, 123456, tzinfo=dt.UTC)
    error = OneStopError("Expired at %(expired)s.", expired=moment)

    body = error.as_dict()

    assert body["details"] == {"expired": "2026-12-05T20:31:07+08:00"}
    assert body["message"] == "Expired at 2026-12-05 20:31."


def test_local_day_bounds_run_from_beijing_midnight():
    after, before = local_day_bounds(dt.date(2026, 3, 1), dt.date(2026, 3, 2))

    assert after == dt.datetime(2026, 2, 28, 16, tzinfo=dt.UTC)
    assert before == dt.datetime(2026, 3, 2, 16, tzinfo=dt.UTC)


def test_local_day_bounds_leave_unrepresentable_sides_open():
    assert local_day_bounds(dt.date.min, dt.date.max) == (None, None)
    assert local_day_bounds(None, None) == (None, None)
