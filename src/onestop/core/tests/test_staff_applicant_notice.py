"""The staff page notes when a new staff member is also a registered applicant."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from onestop.core.models import Membership
from onestop.core.tests.test_staff_page import staff_url

pytestmark = pytest.mark.django_db

NOTICE = (
    "applicant is also a registered applicant, so they cannot handle their own cases "
    "or those of an enterprise they are an agent of. Another member of staff must "
    "handle those."
)


def grant_clerk(demo, username: str, **headers: str):
    # Only a platform admin grants a role to a registered applicant with no staff role.
    return demo.client("platform").post(
        staff_url(demo.centre),
        {"action": "grant", "username": username, "role": "clerk", "department": ""},
        headers=headers,
        follow=True,
    )


def test_grant_to_applicant_notes_recusal(demo):
    response = grant_clerk(demo, "applicant")

    assert response.status_code == 200
    text = response.content.decode()
    assert f'<li class="warning">{NOTICE}</li>' in text
    # The notice does not block: the role is granted.
    assert Membership.objects.filter(
        user__username="applicant", role="clerk", centre=demo.centre
    ).exists()


def test_grant_notice_in_chinese(demo):
    response = grant_clerk(demo, "applicant", **{"Accept-Language": "zh-hans"})

    assert (
        "applicant 同时是已注册的申请人，因此不能办理本人的办件，也不能办理其担任经办人的"
        "企业的办件。这些办件须由其他工作人员办理。" in response.content.decode()
    )


def test_grant_to_non_applicant_has_no_notice(demo):
    get_user_model().objects.create_user("wang", password="x-unused-1")

    response = grant_clerk(demo, "wang")

    assert "registered applicant" not in response.content.decode()
