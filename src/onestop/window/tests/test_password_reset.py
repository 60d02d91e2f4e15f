"""Applicant password reset at the window (窗口重置密码): page, API and denials."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from onestop.core.models import ApiToken, AuditEvent, Membership, Role
from onestop.identity.models import Person
from onestop.portal.demo import PASSWORD

pytestmark = pytest.mark.django_db

APPLICANT_ID = "440604198503150024"
APPLICANT_MASKED = "4406**********0024"
AGENT_ID = "44060419900101123X"


def issue_token(username, password=PASSWORD):
    return Client().post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
    )


def token_client(username):
    response = issue_token(username)
    assert response.status_code == 200, response.content
    return Client(HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}")


def reset_url(centre):
    return f"/api/v1/centres/{centre.slug}/applicant-password-resets"


def post_reset(client, centre, id_number):
    return client.post(
        reset_url(centre), {"id_number": id_number}, content_type="application/json"
    )


def test_page_issues_one_time_password(demo):
    clerk = demo.client("clerk")

    response = clerk.post("/window/password-reset/", {"id_number": APPLICANT_ID})

    assert response.status_code == 200
    text = response.content.decode()
    assert APPLICANT_MASKED in text
    assert APPLICANT_ID not in text
    password = re.search(r"<code>([^<]+)</code>", text).group(1)
    assert demo.user("applicant").check_password(password)
    assert password not in clerk.get("/window/password-reset/").content.decode()


def test_workbench_links_reset_page(demo):
    response = demo.client("clerk").get("/window/")
    assert 'href="/window/password-reset/"' in response.content.decode()


def test_reset_password_must_be_changed(demo):
    body = post_reset(token_client("clerk"), demo.centre, APPLICANT_ID).json()

    response = issue_token("applicant", body["initial_password"])

    assert response.status_code == 403
    assert response.json()["code"] == "auth.password_change_required"


def test_api_reset_revokes_tokens_and_sessions(demo):
    applicant_api = token_client("applicant")
    applicant_page = demo.client("applicant")
    assert applicant_page.get("/accounts/profile/").status_code == 200

    response = post_reset(token_client("clerk"), demo.centre, APPLICANT_ID)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id_number_masked"] == APPLICANT_MASKED
    assert body["username"] == "applicant"
    assert body["initial_password"]
    assert applicant_api.get("/api/v1/identity/me").status_code == 401
    assert applicant_page.get("/accounts/profile/").status_code == 302
    assert not ApiToken.objects.filter(
        user=demo.user("applicant"), revoked_at=None
    ).exists()


def test_audit_event_has_no_id_number(demo):
    post_reset(token_client("clerk"), demo.centre, APPLICANT_ID)

    event = AuditEvent.objects.get(verb="account.password_reset_at_window")
    person = Person.objects.get(id_number=APPLICANT_ID)
    assert event.object_id == str(person.pk)
    assert event.actor_role == "clerk"
    assert event.centre == demo.centre
    assert APPLICANT_ID not in str(event.data)


def test_clerk_cannot_reset_staff_account(demo):
    agent = Person.objects.get(id_number=AGENT_ID)
    Membership.objects.create(user=agent.user, centre=demo.centre, role=Role.CLERK)

    response = post_reset(token_client("clerk"), demo.centre, AGENT_ID)

    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "account.staff_account_at_window"
    assert AGENT_ID not in body["message"]
    assert "4406**********123X" in body["message"]
    assert agent.user.check_password(PASSWORD)


def test_staff_account_rejected_on_page(demo):
    agent = Person.objects.get(id_number=AGENT_ID)
    Membership.objects.create(user=agent.user, centre=demo.centre, role=Role.CLERK)

    response = demo.client("clerk").post(
        "/window/password-reset/", {"id_number": AGENT_ID}
    )

    assert response.status_code == 403
    text = response.content.decode()
    assert 'data-code="account.staff_account_at_window"' in text
    assert "<code>" not in text


def test_reset_denied_to_reviewer(demo):
    response = post_reset(token_client("reviewer"), demo.centre, APPLICANT_ID)

    assert response.status_code == 403
    assert response.json()["code"] == "permission.role_required"


def test_reset_denied_to_other_centre_clerk(demo, other_centre):
    response = post_reset(token_client("nanhai-clerk"), demo.centre, APPLICANT_ID)

    assert response.status_code == 403
    assert response.json()["code"] == "permission.role_required"
    assert demo.user("applicant").check_password(PASSWORD)


def test_unknown_id_number_masked(demo):
    response = post_reset(token_client("clerk"), demo.centre, "110101199003077571")

    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "identity.person_not_found"
    assert "110101199003077571" not in body["message"]


def test_staff_account_message_in_chinese(demo):
    agent = Person.objects.get(id_number=AGENT_ID)
    Membership.objects.create(user=agent.user, centre=demo.centre, role=Role.CLERK)
    client = demo.client("clerk")
    client.cookies["django_language"] = "zh-hans"

    with translation.override("zh-hans"):
        response = client.post("/window/password-reset/", {"id_number": AGENT_ID})

    assert "不能在窗口重置密码" in response.content.decode()
