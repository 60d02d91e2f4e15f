"""Sessions end for good when an account is deactivated or an admin resets its password."""

from __future__ import annotations

import pytest
from django.test import Client

from onestop.core.models import SessionGeneration
from onestop.core.session_generation import GENERATION_SESSION_KEY
from onestop.core.staff import accounts
from onestop.portal.demo import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(client: Client) -> bool:
    """Return whether the client's session is still signed in on a page and the API."""
    page = client.get("/accounts/profile/")
    api = client.get("/api/v1/notifications")
    assert (page.status_code == 200) == (api.status_code == 200)
    return page.status_code == 200


def test_reactivated_account_old_session_signed_out(demo):
    old_session = demo.client("clerk")
    assert signed_in(old_session)
    clerk = demo.user("clerk")

    accounts.deactivate_account(actor=None, user=clerk, centre=None)
    assert not signed_in(old_session)
    accounts.reactivate_account(actor=None, user=clerk, centre=None)

    assert not signed_in(old_session)
    assert "_auth_user_id" not in old_session.session


def test_reactivated_account_signs_in_afresh(demo):
    clerk = demo.user("clerk")
    accounts.deactivate_account(actor=None, user=clerk, centre=None)
    accounts.reactivate_account(actor=None, user=clerk, centre=None)

    fresh = Client()

    assert fresh.login(username="clerk", password=PASSWORD)
    assert signed_in(fresh)
    assert fresh.session[GENERATION_SESSION_KEY] == 1


def test_reactivated_applicant_old_session_signed_out(demo):
    old_session = demo.client("applicant")
    applicant = demo.user("applicant")
    platform = demo.user("platform")

    accounts.deactivate_account(actor=platform, user=applicant, centre=demo.centre)
    accounts.reactivate_account(actor=platform, user=applicant, centre=demo.centre)

    assert not signed_in(old_session)
    assert signed_in(demo.client("applicant"))


def test_deactivation_keeps_other_sessions(demo):
    reviewer_session = demo.client("reviewer")

    accounts.deactivate_account(actor=None, user=demo.user("clerk"), centre=None)

    assert signed_in(reviewer_session)


def test_admin_reset_raises_generation(demo):
    clerk = demo.user("clerk")
    old_session = demo.client("clerk")

    accounts.reset_password(actor=None, user=clerk, centre=None)

    assert SessionGeneration.objects.get(user=clerk).generation == 1
    assert not signed_in(old_session)


def test_each_deactivation_raises_generation(demo):
    clerk = demo.user("clerk")

    for _round in range(2):
        accounts.deactivate_account(actor=None, user=clerk, centre=None)
        accounts.reactivate_account(actor=None, user=clerk, centre=None)

    assert SessionGeneration.objects.get(user=clerk).generation == 2


def test_repeated_deactivation_keeps_generation(demo):
    clerk = demo.user("clerk")

    accounts.deactivate_account(actor=None, user=clerk, centre=None)
    accounts.deactivate_account(actor=None, user=clerk, centre=None)

    assert SessionGeneration.objects.get(user=clerk).generation == 1


def test_session_without_generation_still_works(demo):
    # A session signed in before session generations existed has no generation, which
    # counts as 0, the generation of an account without a row.
    client = demo.client("clerk")
    session = client.session
    del session[GENERATION_SESSION_KEY]
    session.save()

    assert signed_in(client)


def test_own_password_change_keeps_session(demo):
    client = demo.client("applicant")

    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-Password-2026",
            "new_password2": "a-new-Password-2026",
        },
    )

    assert response.status_code == 302, response.content
    assert signed_in(client)
    assert not SessionGeneration.objects.exists()
