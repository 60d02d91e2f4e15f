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
        "“已受理”不是办件状态。请使用以下代码之一：草稿（draft）、已提交（submitted）"
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


@pytest.mark.parametrize("page", ["0", "-1", "x", "1.5", "１"])
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


@pytest.mark.parametrize("limit", ["abc", "1.5", "１０", " 5", "1e2"])
def test_limit_not_whole_number_named(demo, limit):
    response = demo.client("applicant").get(CASES, {"limit": limit})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "request.limit_invalid"
    assert body["details"] == {"limit": limit, "min": 1, "max": 200, "default": 50}
    assert body["message"] == (
        f"The limit {limit} is not a whole number. Send a whole number of items a "
        "page from 1 to 200, or leave limit out for 50."
    )


def test_limit_empty_rejected(demo):
    response = demo.client("applicant").get(f"{CASES}?limit=")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "request.limit_invalid"
    assert body["details"] == {"limit": "", "min": 1, "max": 200, "default": 50}
    assert body["message"] == (
        "The query parameter limit is empty. Send a whole number of items a page "
        "from 1 to 200, or leave limit out for 50."
    )


def test_limit_message_in_chinese(demo):
    response = demo.client("applicant").get(
        CASES, {"limit": "abc"}, headers={"Accept-Language": "zh-hans"}
    )

    assert response.json()["message"] == (
        "每页条数 limit 为 abc，不是整数。请发送每页 1 至 200 条之间的整数，或不传 "
        "limit，默认每页 50 条。"
    )


def test_page_empty_rejected(demo):
    response = demo.client("applicant").get(f"{CASES}?page=")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "request.page_invalid"
    assert body["details"] == {"page": ""}
    assert body["message"] == (
        "The query parameter page is empty. Send a whole number from 1, such as "
        "page=2, or leave page out for the first page."
    )


def test_page_with_thousands_of_digits_rejected(demo):
    response = demo.client("applicant").get(CASES, {"page": "9" * 5000})

    assert response.status_code == 400
    assert response.json()["code"] == "request.page_invalid"


def test_limit_and_page_with_leading_zeros(demo):
    numbers = applied(demo, 2)

    response = demo.client("applicant").get(CASES, {"limit": "01", "page": "02"})

    assert response.status_code == 200
    assert [case["number"] for case in response.json()] == numbers[1:]
