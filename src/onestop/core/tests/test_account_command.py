"""`onestop account reset-password|deactivate|reactivate` for operators."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from onestop.core.models import AuditEvent, PasswordChangeRequired

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("account", *args, stdout=out)
    return out.getvalue()


def test_reset_prints_password_once(demo):
    out = run("reset-password", "--user", "clerk")

    password = out.strip().rsplit(" ", 1)[-1]
    clerk = demo.user("clerk")
    assert clerk.check_password(password)
    assert PasswordChangeRequired.objects.filter(user=clerk).exists()
    event = AuditEvent.objects.get(verb="account.password_reset")
    assert event.actor is None
    assert event.actor_role == "operator"
    assert password not in str(event.data)


def test_deactivate_and_reactivate(demo):
    assert "Deactivated the account clerk." in run("deactivate", "--user", "clerk")
    assert not demo.user("clerk").is_active

    assert "Reactivated the account clerk." in run("reactivate", "--user", "clerk")
    assert demo.user("clerk").is_active


def test_last_admin_kept_active(demo):
    with pytest.raises(CommandError, match=r"account\.last_centre_admin"):
        run("deactivate", "--user", "centreadmin")
    assert demo.user("centreadmin").is_active


def test_unknown_user(demo):
    with pytest.raises(CommandError, match=r"account\.not_found"):
        run("reset-password", "--user", "nobody")


def test_reactivate_active_account_changes_nothing(demo):
    out = run("reactivate", "--user", "clerk")

    assert "The account clerk is active already; nothing changed." in out
    assert "Reactivated" not in out
    assert demo.user("clerk").is_active
    assert not AuditEvent.objects.filter(verb="account.reactivated").exists()


def test_deactivate_inactive_account_changes_nothing(demo):
    run("deactivate", "--user", "clerk")

    out = run("deactivate", "--user", "clerk")

    assert "The account clerk is inactive already; nothing changed." in out
    assert AuditEvent.objects.filter(verb="account.deactivated").count() == 1
