"""The window's case list and case search: page, API, recusal and other centres."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from onestop.cases import window_search
from onestop.cases.models import Case
from onestop.cases.tests.test_own_case_api import FOOD, make_staff, submit
from onestop.catalog.models import Matter
from onestop.core.models import AuditEvent, Membership, Role
from onestop.identity.actions import register_person_at_window
from onestop.identity.codes import id_check_digit
from onestop.portal.demo import PASSWORD
from onestop.testing import material_files, window_acceptance

pytestmark = pytest.mark.django_db

APPLICANT_ID = "440604198503150024"
APPLICANT_LEGACY_ID = "440604850315002"
APPLICANT_MASKED = "4406**********0024"
WRONG_CHECK_DIGIT_ID = "440604198503150025"


def accept_at_window(demo, centre, clerk: str, id_number: str = APPLICANT_ID) -> Case:
    """Return a case that `clerk` accepted at the window of `centre`."""
    matter = Matter.objects.get(centre=centre, pack_id=FOOD)
    data = {**window_acceptance(matter, id_number), **material_files(matter)}
    client = Client()
    assert client.login(username=clerk, password=PASSWORD)
    response = client.post("/api/v1/cases/window", data)
    assert response.status_code == 201, response.content
    return Case.objects.get(number=response.json()["number"])


def second_clerk(demo) -> Client:
    user = get_user_model().objects.create_user("clerk2", password=PASSWORD)
    Membership.objects.create(user=user, centre=demo.centre, role=Role.CLERK)
    return demo.client("clerk2")


def listed_numbers(response) -> set[str]:
    text = response.content.decode()
    start = text.index('id="window-case-list"')
    return {
        number
        for number in Case.objects.values_list("number", flat=True)
        if f'data-case="{number}"' in text[start:]
    }


def search(client: Client, query: str):
    return client.post("/window/cases/", {"q": query})


def api_search(client: Client, slug: str, query: str):
    return client.post(
        f"/api/v1/centres/{slug}/window/case-searches",
        json.dumps({"query": query}),
        content_type="application/json",
    )


# --- the list -----------------------------------------------------------------------


def test_list_shows_handled_and_waiting(demo):
    waiting = submit(demo)
    accepted = accept_at_window(demo, demo.centre, "clerk")

    response = demo.client("clerk").get("/window/cases/")

    assert response.status_code == 200
    assert listed_numbers(response) == {waiting.number, accepted.number}


def test_list_leaves_out_other_clerks_cases(demo):
    waiting = submit(demo)
    accept_at_window(demo, demo.centre, "clerk")

    response = second_clerk(demo).get("/window/cases/")

    assert listed_numbers(response) == {waiting.number}


def test_list_masks_applicant(demo):
    accept_at_window(demo, demo.centre, "clerk")

    text = demo.client("clerk").get("/window/cases/").content.decode()

    assert APPLICANT_MASKED in text
    assert APPLICANT_ID not in text


def test_list_paginated(demo, monkeypatch):
    monkeypatch.setattr(window_search, "CASES_PER_PAGE", 1)
    older = submit(demo)
    newer = submit(demo)
    clerk = demo.client("clerk")

    first = clerk.get("/window/cases/")
    second = clerk.get("/window/cases/?page=2")

    assert listed_numbers(first) == {newer.number}
    assert listed_numbers(second) == {older.number}
    assert 'href="?page=2" rel="next"' in first.content.decode()
    assert "Page 2 of 2" in second.content.decode()


def test_page_past_end_says_so(demo, monkeypatch):
    monkeypatch.setattr(window_search, "CASES_PER_PAGE", 1)
    submit(demo)
    submit(demo)

    response = demo.client("clerk").get("/window/cases/?page=3")

    assert response.status_code == 404
    text = response.content.decode()
    assert 'data-code="request.page_not_found"' in text
    assert (
        "The list has no page 3, because its last page is 2. Ask for a page from 1 "
        "to 2."
    ) in text
    assert 'id="window-case-list"' not in text
    assert 'href="?page=1"' in text
    assert 'name="q"' in text


@pytest.mark.parametrize("page", ["0", "-1", "abc", "１"])
def test_page_not_positive_number(demo, page):
    response = demo.client("clerk").get("/window/cases/", {"page": page})

    assert response.status_code == 400
    text = response.content.decode()
    assert 'data-code="request.page_invalid"' in text
    assert f"The page {page} is not a page number." in text


def test_page_empty_rejected(demo):
    response = demo.client("clerk").get("/window/cases/?page=")

    assert response.status_code == 400
    text = response.content.decode()
    assert 'data-code="request.page_invalid"' in text
    assert "The query parameter page is empty." in text


def test_api_page_past_end(demo, monkeypatch):
    monkeypatch.setattr(window_search, "CASES_PER_PAGE", 1)
    submit(demo)
    submit(demo)
    clerk = demo.client("clerk")
    path = f"/api/v1/centres/{demo.centre.slug}/window/cases"

    last = clerk.get(path, {"page": "2"})
    past_end = clerk.get(path, {"page": "3"})
    huge = clerk.get(path, {"page": "99999999999999999999"})

    assert last.status_code == 200
    assert last.json()["page"] == 2
    assert past_end.status_code == 404
    assert past_end.json()["code"] == "request.page_not_found"
    assert past_end.json()["details"] == {"page": 3, "pages": 2}
    assert huge.status_code == 404
    assert huge.json()["details"]["page"] == 99999999999999999999


@pytest.mark.parametrize("page", ["0", "-1", "1.5", "x", ""])
def test_api_page_not_positive_number(demo, page):
    response = demo.client("clerk").get(
        f"/api/v1/centres/{demo.centre.slug}/window/cases", {"page": page}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "request.page_invalid"
    assert response.json()["details"] == {"page": page}


def test_api_unknown_parameter_named(demo):
    response = demo.client("clerk").get(
        f"/api/v1/centres/{demo.centre.slug}/window/cases", {"offset": "50"}
    )

    assert response.status_code == 422
    assert response.json()["details"]["errors"] == [
        {"location": ["query", "offset"], "type": "extra_forbidden"}
    ]


def test_list_of_other_centre_clerk(demo, other_centre):
    submit(demo)
    accept_at_window(demo, demo.centre, "clerk")
    own = accept_at_window(demo, other_centre, "nanhai-clerk")

    response = demo.client("nanhai-clerk").get("/window/cases/")

    assert response.status_code == 200
    assert listed_numbers(response) == {own.number}


def test_list_denied_to_applicant(demo):
    response = demo.client("applicant").get("/window/cases/")

    assert response.status_code == 403


def test_list_marks_own_case(demo):
    make_staff(demo, "applicant", Role.CLERK)
    own = submit(demo)

    text = demo.client("applicant").get("/window/cases/").content.decode()
    row = text[text.index(f'data-case="{own.number}"') :].split("</tr>")[0]

    assert "Your own application or your enterprise" in row


def test_workbench_has_search_and_list_link(demo):
    text = demo.client("clerk").get("/window/").content.decode()

    assert '<form method="post" action="/window/cases/" id="case-search">' in text
    assert 'href="/window/cases/"' in text


# --- search by case number ----------------------------------------------------------


def test_search_by_number_opens_case(demo):
    case = accept_at_window(demo, demo.centre, "clerk")
    clerk = demo.client("clerk")

    response = search(clerk, f" {case.number} ")
    opened = clerk.get(response["Location"])

    assert response.status_code == 302
    assert response["Location"] == f"/window/cases/{case.number}/"
    assert opened.status_code == 200
    assert AuditEvent.objects.filter(verb="case.viewed", object_id=case.number).exists()


def test_search_by_full_width_number(demo):
    case = accept_at_window(demo, demo.centre, "clerk")
    full_width = "".join(chr(ord(digit) + 0xFEE0) for digit in case.number)

    response = search(demo.client("clerk"), full_width)

    assert response.status_code == 302
    assert response["Location"] == f"/window/cases/{case.number}/"


def test_search_by_number_not_audited(demo):
    case = accept_at_window(demo, demo.centre, "clerk")

    search(demo.client("clerk"), case.number)

    assert not AuditEvent.objects.filter(verb="case.viewed").exists()


def test_search_other_centre_number_not_found(demo, other_centre):
    case = accept_at_window(demo, demo.centre, "clerk")

    response = search(demo.client("nanhai-clerk"), case.number)
    text = response.content.decode()

    assert response.status_code == 404
    assert 'data-code="case.not_found"' in text
    assert case.number in text


def test_search_empty_text(demo):
    response = search(demo.client("clerk"), "  ")

    assert response.status_code == 400
    assert 'data-code="window.search_text_missing"' in response.content.decode()


# --- search by ID number ------------------------------------------------------------


def test_search_by_id_number_lists_cases(demo):
    online = submit(demo)
    window = accept_at_window(demo, demo.centre, "clerk")
    submit(demo, username="agent")

    response = search(demo.client("clerk"), APPLICANT_LEGACY_ID)
    text = response.content.decode()
    found = text[text.index('id="applicant-case-list"') :].split("</table>")[0]

    assert response.status_code == 200
    assert "2 cases of the applicant 4406**********0024 at this centre" in text
    assert f'data-case="{online.number}"' in found
    assert f'data-case="{window.number}"' in found
    assert found.count("data-case=") == 2
    assert APPLICANT_ID not in text
    assert APPLICANT_LEGACY_ID not in text


def test_search_by_id_number_audited(demo):
    submit(demo)

    search(demo.client("clerk"), APPLICANT_ID)
    event = AuditEvent.objects.get(verb="person.cases_searched")

    assert event.actor == demo.user("clerk")
    assert event.actor_role == Role.CLERK
    assert event.centre == demo.centre
    assert event.object_type == "person"
    assert event.data == {"count": 1}
    assert APPLICANT_ID not in json.dumps(event.data)


def test_search_by_id_number_other_centre(demo, other_centre):
    submit(demo)
    accept_at_window(demo, demo.centre, "clerk")

    response = search(demo.client("nanhai-clerk"), APPLICANT_ID)
    text = response.content.decode()

    assert response.status_code == 200
    assert "This centre has no case of this applicant." in text
    assert 'id="applicant-case-list"' in text


def test_search_by_invalid_id_number(demo):
    response = search(demo.client("clerk"), WRONG_CHECK_DIGIT_ID)

    assert response.status_code == 400
    assert 'data-code="id_number.check_digit"' in response.content.decode()


def test_search_walk_in_without_cases(demo):
    walk_in_id = "44060419920704123" + id_check_digit("44060419920704123")
    register_person_at_window(
        actor=demo.user("clerk"), id_number=walk_in_id, name="张三"
    )

    response = search(demo.client("clerk"), walk_in_id)

    assert response.status_code == 200
    assert "This centre has no case of this applicant." in response.content.decode()


# --- the API ------------------------------------------------------------------------


def test_api_lists_window_cases(demo):
    waiting = submit(demo)
    accepted = accept_at_window(demo, demo.centre, "clerk")

    response = demo.client("clerk").get(
        f"/api/v1/centres/{demo.centre.slug}/window/cases"
    )
    body = response.json()

    assert response.status_code == 200
    assert body["count"] == 2
    assert body["page"] == 1
    assert body["pages"] == 1
    assert [row["number"] for row in body["cases"]] == [
        accepted.number,
        waiting.number,
    ]
    assert body["cases"][0]["applicant"].endswith(APPLICANT_MASKED)
    assert body["cases"][0]["own"] is False


def test_api_list_denied_to_other_centre(demo, other_centre):
    submit(demo)

    response = demo.client("nanhai-clerk").get(
        f"/api/v1/centres/{demo.centre.slug}/window/cases"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission.role_required"
    assert "cases" not in response.json()


def test_api_search_by_number(demo):
    case = accept_at_window(demo, demo.centre, "clerk")

    response = api_search(demo.client("clerk"), demo.centre.slug, case.number)
    body = response.json()

    assert response.status_code == 200
    assert body["id_number_masked"] == ""
    assert [row["number"] for row in body["cases"]] == [case.number]
    assert body["cases"][0]["state"] == case.state


def test_api_search_by_id_number(demo):
    online = submit(demo)

    response = api_search(demo.client("clerk"), demo.centre.slug, APPLICANT_ID)
    body = response.json()

    assert response.status_code == 200
    assert body["id_number_masked"] == APPLICANT_MASKED
    assert [row["number"] for row in body["cases"]] == [online.number]
    assert body["truncated"] is False
    assert APPLICANT_ID not in response.content.decode()


def test_api_search_other_centre_number(demo, other_centre):
    case = accept_at_window(demo, demo.centre, "clerk")

    response = api_search(demo.client("nanhai-clerk"), other_centre.slug, case.number)

    assert response.status_code == 404
    assert response.json()["code"] == "case.not_found"


@pytest.mark.parametrize(
    ("query", "echoed"), [("9" * 33, "9" * 33), ("9" * 250, "9" * 200 + "…")]
)
def test_api_search_long_number_echoed(demo, query, echoed):
    response = api_search(demo.client("clerk"), demo.centre.slug, query)

    assert response.status_code == 404
    assert response.json()["code"] == "case.not_found"
    assert response.json()["details"] == {"number": echoed}


def test_search_long_number_shown_cut_with_ellipsis(demo):
    response = search(demo.client("clerk"), "9" * 250)

    text = response.content.decode()
    assert 'data-code="case.not_found"' in text
    assert "9" * 40 + "…" in text
    assert "9" * 41 not in text


def test_api_search_denied_in_other_centre(demo, other_centre):
    submit(demo)

    response = api_search(demo.client("nanhai-clerk"), demo.centre.slug, APPLICANT_ID)

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(verb="person.cases_searched").exists()


def test_api_search_invalid_id_number(demo):
    response = api_search(demo.client("clerk"), demo.centre.slug, WRONG_CHECK_DIGIT_ID)

    assert response.status_code == 400
    assert response.json()["code"] == "id_number.check_digit"


def test_api_search_marks_own_case(demo: Any):
    make_staff(demo, "applicant", Role.CLERK)
    own = submit(demo)

    response = api_search(demo.client("applicant"), demo.centre.slug, own.number)

    assert response.json()["cases"][0]["own"] is True
