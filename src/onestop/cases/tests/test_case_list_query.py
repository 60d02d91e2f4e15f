"""GET /api/v1/cases: the state filter, the page size and the pages, checked."""

from __future__ import annotations

import pytest

from onestop.cases.tests.test_api_flow import apply

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases"


def applied(demo, count: int) -> list[str]:
    """Return the numbers of `count` new applications, newest first."""
    client = demo.client("applicant")
    numbers = [
        apply(client, demo, key=f"list-{i}").json()["number"] for i in range(count)
    ]
    return numbers[::-1]


@pytest.mark.parametrize("state", ["Accepted", "已受理"])
def test_unknown_state_named(demo, state):
    response = demo.client("applicant").get(
        CASES, {"state": state}, headers={"Accept-Language": "en"}
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "case.state_unknown"
    assert body["details"]["state"] == state
    assert "accepted" in body["details"]["states"]
    assert len(body["details"]["states"]) == 12
    assert body["message"].startswith(
        f"The state {state} is not a case state. Use one of the codes: "
    )
    assert (
        "in review (in_review), suspended for a special procedure (suspended)"
        in (body["message"])
    )


def test_unknown_state_in_chinese_shows_labels(demo):
    response = demo.client("applicant").get(
        CASES, {"state": "已受理"}, headers={"Accept-Language": "zh-hans"}
    )

    assert response.json()["message"].startswith(
        "已受理不是办件状态。请使用以下代码之一：草稿（draft）、已提交（submitted）"
    )
    assert "已受理（accepted）" in response.json()["message"]


def test_known_state_filters(demo):
    applied(demo, 1)

    submitted = demo.client("applicant").get(CASES, {"state": "submitted"})
    accepted = demo.client("applicant").get(CASES, {"state": "accepted"})

    assert len(submitted.json()) == 1
    assert accepted.json() == []


@pytest.mark.parametrize("limit", ["0", "-1", "201", "100000"])
def test_limit_outside_range_named(demo, limit):
    response = demo.client("applicant").get(CASES, {"limit": limit})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "request.limit_out_of_range"
    assert body["details"] == {"limit": int(limit), "min": 1, "max": 200}
    assert body["message"] == (
        f"The limit {limit} is outside the range from 1 to 200 items a page. Send a "
        "limit in that range."
    )


def test_pages_follow_each_other(demo):
    numbers = applied(demo, 3)
    client = demo.client("applicant")

    first = client.get(CASES, {"limit": "2"})
    second = client.get(CASES, {"limit": "2", "page": "2"})
    past_end = client.get(CASES, {"limit": "2", "page": "3"})

    assert [case["number"] for case in first.json()] == numbers[:2]
    assert [case["number"] for case in second.json()] == numbers[2:]
    assert first["X-Total-Count"] == "3"
    assert first["Link"] == '</api/v1/cases?limit=2&page=2>; rel="next"'
    assert "Link" not in second
    assert past_end.status_code == 404
    assert past_end.json()["code"] == "request.page_not_found"
    assert past_end.json()["details"] == {"page": 3, "pages": 2}


def test_empty_list_has_one_page(demo):
    client = demo.client("applicant")

    assert client.get(CASES).json() == []
    assert client.get(CASES, {"page": "2"}).status_code == 404


@pytest.mark.parametrize("page", ["0", "-1", "x"])
def test_page_not_positive_number(demo, page):
    response = demo.client("applicant").get(CASES, {"page": page})

    assert response.status_code == 400
    assert response.json()["code"] == "request.page_invalid"


def test_unknown_parameters_named(demo):
    response = demo.client("applicant").get(
        CASES, {"offset": "10", "state": "submitted", "sort": "x"}
    )

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "request.invalid"
    assert body["details"]["errors"] == [
        {"location": ["query", "offset"], "type": "extra_forbidden"},
        {"location": ["query", "sort"], "type": "extra_forbidden"},
    ]
    assert "offset is not a member of this request." in body["message"]
