"""The JSON window acceptance example of docs/api.md runs as written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from onestop.cases.models import Case

pytestmark = pytest.mark.django_db

API_DOCS = Path(__file__).resolve().parents[4] / "docs" / "api.md"
# The body of the curl command that posts the JSON form to /cases/window.
JSON_WINDOW_EXAMPLE = re.compile(
    r"curl -s -X POST \$B/cases/window .*?-H 'Content-Type: application/json' "
    r"-d '(?P<body>\{.*?\})'\n```",
    re.DOTALL,
)


def documented_window_body() -> dict:
    found = JSON_WINDOW_EXAMPLE.search(API_DOCS.read_text("utf-8"))
    assert found is not None, "docs/api.md has no JSON example of POST /cases/window"
    return json.loads(found["body"])


def test_json_window_example_accepts_case(demo):
    body = documented_window_body()

    response = demo.client("clerk").post(
        "/api/v1/cases/window",
        json.dumps(body),
        content_type="application/json",
        headers={"Idempotency-Key": "desk-3-20261204-0018"},
    )

    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.state == "accepted"
    assert case.form_data["organisation_name"] == "佛山市禅城区示例餐饮店"
