"""`onestop demo` prints its URLs and logins in the operator's language, aligned."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import translation

from onestop.portal.demo import PASSWORD, provision_demo
from onestop.portal.management.commands.demo import display_width

pytestmark = pytest.mark.django_db


def login_lines(output: str) -> list[str]:
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if "onestop-demo-2026" in line)
    return lines[start + 1 :]


def test_logins_in_chinese_without_english(demo):
    output = StringIO()

    with translation.override("zh-hans"):
        call_command("demo", "--logins-only", stdout=output)

    text = output.getvalue()
    assert "综合窗口" in text
    assert "窗口工作人员" in text
    assert "李秀英，自然人" in text
    assert "陈志强，91440604MA4W1X2YX9 的经办人" in text
    for english in ("window clerk", "reviewer of", "a person", "agent of"):
        assert english not in text


def test_login_columns_aligned_by_display_width(demo):
    output = StringIO()

    with translation.override("zh-hans"):
        call_command("demo", "--logins-only", stdout=output)

    lines = login_lines(output.getvalue())
    clerk = next(line for line in lines if line.lstrip().startswith("clerk "))
    agent = next(line for line in lines if line.lstrip().startswith("agent "))
    clerk_column = display_width(clerk[: clerk.index("综合窗口")])
    agent_column = display_width(agent[: agent.index("陈志强")])
    assert clerk_column == agent_column


def test_urls_use_public_url(demo, settings):
    settings.ONESTOP_PUBLIC_URL = "http://127.0.0.1:9000"
    output = StringIO()

    with translation.override("en"):
        call_command("demo", "--logins-only", stdout=output)

    assert "http://127.0.0.1:9000/portal/" in output.getvalue()
    assert ":8000" not in output.getvalue()


def test_display_width_counts_wide_characters():
    assert display_width("clerk") == 5
    assert display_width("窗口工作人员") == 12
    assert display_width("ＡＢ") == 4


@pytest.mark.parametrize(
    ("language", "line"),
    [
        (
            "en",
            "Demo logins (each created with the password onestop-demo-2026; an "
            "account whose password was changed since keeps the new one):",
        ),
        (
            "zh-hans",
            "演示账号（创建时密码均为 onestop-demo-2026；之后改过密码的账号使用改后的"
            "密码）：",
        ),
    ],
)
def test_password_line_allows_changed_passwords(demo, language, line):
    output = StringIO()

    with translation.override(language):
        call_command("demo", "--logins-only", stdout=output)

    assert line in output.getvalue().splitlines()


def test_second_provision_keeps_changed_password(demo):
    user = get_user_model().objects.get(username="reviewer")
    user.set_password("changed-by-reset-2026")
    user.save()

    provision_demo(calendar_years=[2025, 2026])

    user.refresh_from_db()
    assert user.check_password("changed-by-reset-2026")
    assert not user.check_password(PASSWORD)
