"""`permission.role_required` gives `details.role` as a list of role codes, and its
message names every role with its label and code."""

from __future__ import annotations

from django.utils import translation

from onestop.core.models import Role
from onestop.core.permissions import RoleRequired


def test_one_role_is_a_list():
    error = RoleRequired(role=Role.CLERK, centre="禅城区政务服务中心")

    with translation.override("en"):
        body = error.as_dict()

    assert body["details"] == {"role": ["clerk"], "centre": "禅城区政务服务中心"}
    assert body["message"].startswith("This needs one of these roles in 禅城区")
    assert ": window clerk (clerk)." in body["message"]


def test_one_role_named_with_code_in_chinese():
    error = RoleRequired(role=Role.CLERK, centre="禅城区政务服务中心")

    with translation.override("zh-hans"):
        message = error.as_dict()["message"]

    assert "窗口工作人员（clerk）" in message


def test_several_roles_named_with_codes():
    error = RoleRequired(role=[Role.REVIEWER, Role.DEPARTMENT_ADMIN], centre="")

    with translation.override("en"):
        body = error.as_dict()

    assert body["details"] == {"role": ["reviewer", "department_admin"], "centre": ""}
    assert "(reviewer)" in body["message"]
    assert "(department_admin)" in body["message"]
