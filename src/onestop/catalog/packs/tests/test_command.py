"""`onestop pack validate PATH` prints every error and exits 1 on any."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from onestop.catalog.packs import STANDARD_PACK_DIR


def test_validate_command_accepts_standard_pack():
    output = StringIO()

    with translation.override("en"):
        call_command("pack", "validate", str(STANDARD_PACK_DIR), stdout=output)

    assert output.getvalue() == f"The pack {STANDARD_PACK_DIR} is valid.\n"


def test_validate_command_prints_chinese_by_default(small_pack, edit_matter, settings):
    edit_matter("food-business-licence", lambda m: m.update(department="nobody"))
    output = StringIO()
    # A command run from the shell has no active language, so the product's default applies.
    settings.LANGUAGE_CODE = "zh-hans"
    translation.deactivate()

    with pytest.raises(CommandError) as raised:
        call_command("pack", "validate", str(small_pack), stdout=output)

    assert "部门角色 nobody 未在 departments.yaml 中定义" in output.getvalue()
    assert "有 1 个错误" in str(raised.value)


def test_validate_command_lists_all_errors_and_fails(small_pack, edit_matter):
    def break_matter(matter: dict) -> None:
        matter["department"] = "nobody"
        matter["form_fields"][1]["pattern"] = "(unclosed"

    edit_matter("food-business-licence", break_matter)
    output = StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("pack", "validate", str(small_pack), stdout=output)

    lines = output.getvalue().splitlines()
    assert raised.value.returncode == 1
    assert len(lines) == 2
    assert "[reference.department]" in lines[0]
    assert "form_fields[1].pattern" in lines[1]
