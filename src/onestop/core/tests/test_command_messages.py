"""Every message of the `onestop` commands has a zh-Hans translation, and commands
print in the operator's language with next steps that name commands and options."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from django.utils.translation import gettext, ngettext

import onestop
from onestop.catalog.tests.test_provision import STANDARD_PACK_DIR, bindings_file

SOURCE = Path(onestop.__file__).parent
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy"}


def command_modules() -> list[Path]:
    return sorted(SOURCE.glob("**/management/commands/*.py"))


def command_messages() -> list[tuple[str, str, str | None]]:
    """Return (module, msgid, msgid_plural) for each literal gettext call of a command."""
    found: list[tuple[str, str, str | None]] = []
    for path in command_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            texts = [
                argument.value
                for argument in node.args
                if isinstance(argument, ast.Constant)
                and isinstance(argument.value, str)
            ]
            if node.func.id in GETTEXT_NAMES and texts:
                found.append((path.name, texts[0], None))
            elif node.func.id == "ngettext" and len(texts) == 2:
                found.append((path.name, texts[0], texts[1]))
    return found


def test_command_messages_found():
    modules = {module for module, _msgid, _plural in command_messages()}

    assert {"calendar.py", "demo.py", "worker.py", "centres.py"} <= modules


@pytest.mark.parametrize(
    ("module", "msgid", "plural"), command_messages(), ids=lambda value: str(value)[:40]
)
def test_command_message_translated(module, msgid, plural):
    with translation.override("zh-hans"):
        translated = gettext(msgid) if plural is None else ngettext(msgid, plural, 2)

    assert translated not in (msgid, plural), f"{module}: no zh-Hans entry"


def run(*args: str, language: str) -> str:
    out = io.StringIO()
    with translation.override(language):
        call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", "广安区政务服务中心（511602）：新建 43 个事项，更新 0 个。"),
        ("en", "广安区政务服务中心 (511602): 43 matters created, 0 updated."),
    ],
)
def test_provision_summary_in_language(tmp_path, standard_pack, language, expected):
    path = bindings_file(tmp_path, standard_pack)

    out = run(
        "provision",
        "--region",
        "511602",
        "--pack",
        str(STANDARD_PACK_DIR),
        "--bindings",
        str(path),
        language=language,
    )

    assert out.strip().splitlines()[-1] == expected


@pytest.mark.django_db
def test_grant_unknown_user_names_flag(demo):
    with pytest.raises(CommandError) as caught:
        run(
            "staff",
            "grant",
            "--user",
            "nobody",
            "--role",
            "clerk",
            "--centre",
            demo.centre.region_code,
            language="en",
        )

    message = str(caught.value)
    assert message.startswith("staff.user_not_found: No user account nobody exists.")
    assert "add --create to create it" in message
    assert "tick" not in message


@pytest.mark.django_db
def test_unknown_centre_names_command(demo):
    with pytest.raises(CommandError) as caught:
        run(
            "staff",
            "grant",
            "--user",
            "clerk",
            "--role",
            "supervisor",
            "--centre",
            "999999",
            language="zh-hans",
        )

    message = str(caught.value)
    assert message == (
        "centre.not_found: 此处不存在政务服务中心 999999。可用 `onestop centres` "
        "查看中心列表。"
    )


@pytest.mark.django_db
def test_centres_command_lists_centres(demo):
    out = run("centres", language="en")

    assert out.splitlines() == [f"440604  {demo.centre.slug}  {demo.centre.name}"]


@pytest.mark.django_db
def test_calendar_bad_file_names_argument(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_bytes(b"\xff\xfe not UTF-8")

    with pytest.raises(CommandError) as caught:
        run("calendar", "import", str(path), language="en")

    message = str(caught.value)
    assert "Give the FILE argument of `onestop calendar import` a CSV file" in message
    assert "Upload" not in message
