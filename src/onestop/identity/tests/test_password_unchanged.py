"""A new password must differ from the current one, for every change of password."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from onestop.identity.tests.test_initial_password import (
    NEW_PASSWORD,
    UNCHANGED_MESSAGE,
    change_to,
)
from onestop.portal.demo import PASSWORD

pytestmark = pytest.mark.django_db


def test_ordinary_change_to_same_rejected(demo):
    client = demo.client("applicant")

    response = change_to(client, PASSWORD, PASSWORD)

    assert response.status_code == 400
    assert UNCHANGED_MESSAGE in response.content.decode()
    assert demo.user("applicant").check_password(PASSWORD)


def test_unchanged_message_in_chinese(demo):
    client = demo.client("applicant")

    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": PASSWORD,
            "new_password2": PASSWORD,
        },
        headers={"Accept-Language": "zh-hans"},
    )

    assert (
        "新密码与当前密码相同。请另选一个密码：设置过或见过当前密码的人可能仍然知道它。"
        in response.content.decode()
    )


def test_validator_rejects_current_password(demo):
    with pytest.raises(ValidationError) as caught:
        validate_password(PASSWORD, demo.user("applicant"))

    assert [error.code for error in caught.value.error_list] == ["password_unchanged"]


@pytest.mark.parametrize("with_user", [False, True])
def test_validator_passes_account_without_password(db, with_user):
    # A registration validates against an unsaved user that has no password yet.
    user = get_user_model()(username="newcomer") if with_user else None

    validate_password(NEW_PASSWORD, user)
