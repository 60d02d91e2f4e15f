"""The --help text of OneStop's commands, in the operator's language."""

import pytest
from django.core.management import get_commands, load_command_class

from onestop.core.management.base import LANGUAGE_VARIABLES


def help_text(monkeypatch, capsys, language: str, argv: list[str]) -> str:
    for name in LANGUAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", language)
    command = load_command_class(get_commands()[argv[0]], argv[0])

    with pytest.raises(SystemExit) as caught:
        command.run_from_argv(["onestop", *argv, "--help"])

    assert caught.value.code == 0
    return capsys.readouterr().out


def test_staff_grant_help_in_chinese(monkeypatch, capsys):
    text = help_text(monkeypatch, capsys, "zh_CN.UTF-8", ["staff", "grant"])

    assert "账号的用户名。" in text
    assert "要授予或撤销的角色，取值之一：clerk, reviewer" in text
    assert "创建账号，并只显示一次其初始密码。" in text
    assert "显示本帮助信息并退出" in text
    assert "User name of the account." not in text


def test_staff_grant_help_in_english(monkeypatch, capsys):
    text = help_text(monkeypatch, capsys, "en_US.UTF-8", ["staff", "grant"])

    assert "User name of the account." in text
    assert "The role to grant or revoke, one of: clerk, reviewer" in text
    assert "账号的用户名" not in text


def test_command_description_in_both_languages(monkeypatch, capsys):
    chinese = help_text(monkeypatch, capsys, "zh_CN.UTF-8", ["centres"])
    english = help_text(monkeypatch, capsys, "C.UTF-8", ["centres"])

    assert "列出政务服务中心：每行一个，含行政区划代码、标识和名称。" in chinese
    assert "跳过系统检查。" in chinese
    assert "List the service centres: region code, slug and name, one a line." in (
        english
    )
    assert "Skip system checks." in english


@pytest.mark.parametrize(
    "argv",
    [
        ["pack", "upgrade"],
        ["pack_xlsx", "import"],
        ["provision"],
        ["calendar", "missing"],
        ["certificates", "verify"],
        ["dept_sim"],
        ["serve"],
        ["worker"],
        ["demo"],
        ["account", "deactivate"],
        ["ledger", "integrate"],
        ["credit", "verify-report"],
    ],
)
def test_every_option_help_translated(monkeypatch, capsys, argv):
    english = help_text(monkeypatch, capsys, "en_US.UTF-8", argv)
    chinese = help_text(monkeypatch, capsys, "zh_CN.UTF-8", argv)

    # Lines such as "  --user USER           User name of the account.": an option
    # with the start of its help.
    starts = [
        line.strip().split("  ")[-1].strip()
        for line in english.splitlines()
        if line.startswith("  -") and "  " in line.strip()
    ]
    assert starts
    flat_chinese = " ".join(chinese.split())
    for words in starts:
        if len(words) >= 12:
            assert words[:12] not in flat_chinese, words
