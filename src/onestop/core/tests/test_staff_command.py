"""`onestop staff list|grant|revoke` for operators."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import translation

from onestop.core.models import AuditEvent, Membership

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("staff", *args, stdout=out)
    return out.getvalue()


def test_first_admin_of_new_centre(demo, other_centre):
    out = run(
        "grant",
        "--user",
        "wang",
        "--centre",
        "440605",
        "--role",
        "centre_admin",
        "--create",
    )

    membership = Membership.objects.get(user__username="wang")
    assert membership.centre == other_centre
    assert membership.role == "centre_admin"
    password = out.strip().rsplit(" ", 1)[-1]
    assert get_user_model().objects.get(username="wang").check_password(password)
    event = AuditEvent.objects.get(verb="staff_role.granted")
    assert event.actor is None
    assert event.actor_role == "operator"
    assert event.centre == other_centre


def test_grant_reviewer_with_department(demo):
    out = run(
        "grant",
        "--user",
        "clerk",
        "--centre",
        demo.centre.region_code,
        "--role",
        "reviewer",
        "--department",
        "market_regulation",
    )

    assert "market_regulation" in out
    assert Membership.objects.filter(
        user__username="clerk", role="reviewer", department=demo.market
    ).exists()


def test_grant_platform_admin_without_centre(demo):
    run("grant", "--user", "clerk", "--role", "platform_admin")
    assert Membership.objects.filter(
        user__username="clerk", role="platform_admin", centre=None
    ).exists()


def test_platform_admin_with_centre_rejected(demo):
    with pytest.raises(CommandError, match=r"staff\.centre_not_allowed"):
        run(
            "grant", "--user", "clerk", "--role", "platform_admin", "--centre", "440604"
        )


def test_centre_role_without_centre_rejected(demo):
    with pytest.raises(CommandError, match=r"staff\.centre_required"):
        run("grant", "--user", "clerk", "--role", "supervisor")


def test_unknown_centre_rejected(demo):
    with pytest.raises(CommandError, match=r"centre\.not_found.*999999"):
        run("grant", "--user", "clerk", "--role", "supervisor", "--centre", "999999")


def test_reviewer_without_department_rejected(demo):
    with pytest.raises(CommandError, match=r"staff\.department_required"):
        run("grant", "--user", "clerk", "--role", "reviewer", "--centre", "440604")


def test_list_by_centre(demo, other_centre):
    out = run("list", "--centre", "440605")
    assert "nanhai-clerk" in out
    assert "nanhai-reviewer" in out
    assert "centreadmin" not in out


def test_revoke(demo):
    out = run(
        "revoke",
        "--user",
        "reviewer",
        "--centre",
        "440604",
        "--role",
        "reviewer",
        "--department",
        "market_regulation",
    )

    assert out.startswith("Revoked: reviewer")
    assert not Membership.objects.filter(
        user__username="reviewer", role="reviewer"
    ).exists()
    assert AuditEvent.objects.filter(verb="staff_role.revoked").count() == 1


def test_revoke_role_not_held(demo):
    with pytest.raises(CommandError, match=r"staff\.role_not_held"):
        run("revoke", "--user", "clerk", "--centre", "440604", "--role", "supervisor")


def test_output_in_chinese(demo):
    with translation.override("zh-hans"):
        out = run(
            "grant", "--user", "clerk", "--centre", "440604", "--role", "supervisor"
        )
    assert out.startswith("已授予：clerk")


def test_every_wrong_argument_reported(demo):
    with pytest.raises(CommandError) as caught:
        run("grant", "--user", "nobody", "--role", "reviewr", "--centre", "440699")

    lines = str(caught.value).splitlines()
    assert [line.split(":", 1)[0] for line in lines] == [
        "staff.unknown_role",
        "centre.not_found",
        "staff.user_not_found",
    ]
    assert "reviewr" in lines[0]
    assert "440699" in lines[1]
    assert "nobody" in lines[2]
    assert not Membership.objects.filter(user__username="nobody").exists()


def test_wrong_department_and_user_reported(demo):
    with pytest.raises(CommandError) as caught:
        run(
            "revoke",
            "--user",
            "nobody",
            "--role",
            "reviewer",
            "--centre",
            "440604",
            "--department",
            "no_such_department",
        )

    codes = [line.split(":", 1)[0] for line in str(caught.value).splitlines()]
    assert codes == ["staff.department_not_found", "staff.user_not_found"]


def test_invalid_new_user_name_reported_with_role(demo):
    with pytest.raises(CommandError) as caught:
        run("grant", "--user", "bad name", "--role", "reviewr", "--create")

    codes = [line.split(":", 1)[0] for line in str(caught.value).splitlines()]
    assert codes == ["staff.unknown_role", "staff.invalid_username"]
