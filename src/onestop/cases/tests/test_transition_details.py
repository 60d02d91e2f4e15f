"""invalid_transition carries the action's code in its details, in every language."""

from __future__ import annotations

import pytest

from onestop.cases.tests.test_api_flow import apply

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "so approval is not possible now"), ("zh-hans", "现在不能进行“批准”")],
)
def test_details_hold_action_code(demo, language, text):
    number = apply(demo.client("applicant"), demo).json()["number"]

    response = demo.client("reviewer").post(
        f"/api/v1/cases/{number}/approve",
        {"opinion": "符合条件"},
        content_type="application/json",
        headers={"Accept-Language": language},
    )

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "invalid_transition"
    assert body["details"] == {"state": "submitted", "action": "approve"}
    assert text in body["message"]
