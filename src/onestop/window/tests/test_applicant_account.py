"""Deactivating and reactivating an applicant's account at the window: page, API, denials."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from onestop.core.models import ApiToken, AuditEvent, Membership, Role
from onestop.identity.models import Person
from onestop.portal.demo import PASSWORD
from onestop.window.tests.test_password_reset import (
    AGENT_ID,
    APPLICANT_ID,
    APPLICANT_MASKED,
    issue_token,
    token_client,
)

pytestmark = pytest.mark.django_db

PAGE = "/window/applicant-account/"


def status_url(centre, action):
    return f"/api/v1/centres/{centre.slug}/applicant-{action}"


def post_status(client, centre, action, id_number=APPLICANT_ID):
    return client.post(
        status_url(centre, action),
        {"id_number": id_number},
        content_type="application/json",
    )


def is_active(username):
    return get_user_model().objects.get(username=username).is_active


def test_page_deactivates_applicant(demo):
    response = demo.client("clerk").post(
        PAGE, {"id_number": APPLICANT_ID, "action": "deactivate"}
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="account-status" data-active="false"' in text
    assert APPLICANT_MASKED in text
    assert APPLICANT_ID not in text
    assert not is_active("applicant")


def test_page_reactivates_applicant(demo):
    clerk = demo.client("clerk")
    clerk.post(PAGE, {"id_number": APPLICANT_ID, "action": "deactivate"})

    response = clerk.post(PAGE, {"id_number": APPLICANT_ID, "action": "reactivate"})

    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="account-status" data-active="true"' in text
    assert 'id="account-unchanged"' not in text
    assert is_active("applicant")


def test_page_reactivating_active_account_unchanged(demo):
    response = demo.client("clerk").post(
        PAGE, {"id_number": APPLICANT_ID, "action": "reactivate"}
    )

    assert response.status_code == 200
    assert 'id="account-unchanged"' in response.content.decode()
    assert not AuditEvent.objects.filter(verb__startswith="account.").exists()


def test_page_unknown_action_rejected(demo):
    response = demo.client("clerk").post(
        PAGE, {"id_number": APPLICANT_ID, "action": "delete"}
    )

    assert response.status_code == 400
    assert 'data-code="form.unknown_choice"' in response.content.decode()
    assert is_active("applicant")


def test_workbench_links_account_page(demo):
    response = demo.client("clerk").get("/window/")

    assert f'href="{PAGE}"' in response.content.decode()


def test_api_deactivation_ends_sign_in(demo):
    applicant_api = token_client("applicant")
    applicant_page = demo.client("applicant")

    response = post_status(token_client("clerk"), demo.centre, "deactivations")

    assert response.status_code == 200, response.content
    assert response.json() == {
        "id_number_masked": APPLICANT_MASKED,
        "username": "applicant",
        "is_active": False,
    }
    rejected = applicant_api.get("/api/v1/identity/me")
    assert rejected.status_code == 403
    assert rejected.json()["code"] == "auth.account_deactivated"
    assert applicant_page.get("/accounts/profile/").status_code == 302
    assert issue_token("applicant").json()["code"] == "auth.account_deactivated"
    assert not ApiToken.objects.filter(
        user=demo.user("applicant"), revoked_at=None
    ).exists()


def test_api_reactivation_needs_fresh_sign_in(demo):
    old_session = demo.client("applicant")
    clerk = token_client("clerk")
    post_status(clerk, demo.centre, "deactivations")

    response = post_status(clerk, demo.centre, "reactivations")

    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is True
    assert old_session.get("/accounts/profile/").status_code == 302
    fresh = Client()
    assert fresh.login(username="applicant", password=PASSWORD)
    assert fresh.get("/accounts/profile/").status_code == 200
    assert issue_token("applicant").status_code == 200


def test_audit_events_record_clerk_centre(demo):
    clerk = token_client("clerk")
    post_status(clerk, demo.centre, "deactivations")
    post_status(clerk, demo.centre, "reactivations")

    person = Person.objects.get(id_number=APPLICANT_ID)
    deactivated = AuditEvent.objects.get(verb="account.deactivated_at_window")
    reactivated = AuditEvent.objects.get(verb="account.reactivated_at_window")
    for event in (deactivated, reactivated):
        assert event.actor == demo.user("clerk")
        assert event.actor_role == "clerk"
        assert event.centre == demo.centre
        assert event.object_type == "person"
        assert event.object_id == str(person.pk)
        assert APPLICANT_ID not in str(event.data)
    assert deactivated.data == {"user_id": person.user_id, "tokens_revoked": 0}
    assert reactivated.data == {"user_id": person.user_id}


def test_clerk_cannot_deactivate_staff_account(demo):
    agent = Person.objects.get(id_number=AGENT_ID)
    Membership.objects.create(user=agent.user, centre=demo.centre, role=Role.REVIEWER)

    response = post_status(
        token_client("clerk"), demo.centre, "deactivations", AGENT_ID
    )

    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "account.staff_account_at_window"
    assert body["message"] == (
        "The account of the ID number 4406**********123X has a staff role, so it "
        "cannot be deactivated or reactivated at the window. Ask a platform admin to "
        "do it: an account registered with an ID number is out of a centre admin's "
        "reach."
    )
    assert AGENT_ID not in str(body)
    assert is_active("agent")


def test_clerk_cannot_reactivate_staff_account(demo):
    agent = Person.objects.get(id_number=AGENT_ID)
    Membership.objects.create(user=agent.user, centre=demo.centre, role=Role.CLERK)
    get_user_model().objects.filter(pk=agent.user_id).update(is_active=False)

    response = post_status(
        token_client("clerk"), demo.centre, "reactivations", AGENT_ID
    )

    assert response.status_code == 403
    assert response.json()["code"] == "account.staff_account_at_window"
    assert not is_active("agent")


def test_clerk_cannot_reactivate_superuser(demo):
    agent = Person.objects.get(id_number=AGENT_ID)
    get_user_model().objects.filter(pk=agent.user_id).update(
        is_active=False, is_superuser=True
    )

    response = post_status(
        token_client("clerk"), demo.centre, "reactivations", AGENT_ID
    )

    assert response.status_code == 403
    assert response.json()["code"] == "account.staff_account_at_window"


def test_staff_account_rejected_on_page_in_chinese(demo):
    agent = Person.objects.get(id_number=AGENT_ID)
    Membership.objects.create(user=agent.user, centre=demo.centre, role=Role.CLERK)
    clerk = demo.client("clerk")

    response = clerk.post(
        PAGE,
        {"id_number": AGENT_ID, "action": "deactivate"},
        headers={"Accept-Language": "zh-hans"},
    )

    assert response.status_code == 403
    text = response.content.decode()
    assert 'data-code="account.staff_account_at_window"' in text
    assert "不能在窗口停用或重新启用" in text
    assert is_active("agent")


@pytest.mark.parametrize("username", ["reviewer", "supervisor", "centreadmin"])
def test_non_clerk_denied(demo, username):
    response = post_status(token_client(username), demo.centre, "deactivations")

    assert response.status_code == 403
    assert response.json()["code"] == "permission.role_required"
    assert is_active("applicant")


def test_clerk_of_other_centre_denied(demo, other_centre):
    response = post_status(token_client("nanhai-clerk"), demo.centre, "deactivations")

    assert response.status_code == 403
    assert response.json()["code"] == "permission.role_required"
    assert is_active("applicant")


def test_page_denied_to_reviewer(demo):
    response = demo.client("reviewer").post(
        PAGE, {"id_number": APPLICANT_ID, "action": "deactivate"}
    )

    assert response.status_code == 403
    assert is_active("applicant")


def test_unknown_id_number_not_found(demo):
    response = post_status(
        token_client("clerk"), demo.centre, "deactivations", "11010519491231002X"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "identity.person_not_found"


def test_invalid_id_number_rejected(demo):
    response = post_status(token_client("clerk"), demo.centre, "reactivations", "123")

    assert response.status_code == 400
    assert response.json()["code"].startswith("id_number.")
