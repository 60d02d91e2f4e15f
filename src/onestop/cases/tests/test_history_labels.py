"""Every action that the case history can show has a label in English and Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from onestop.cases.presenters import _action_label

SOURCE = Path(__file__).resolve().parents[2]
# The modules that write CaseEvent rows, each passing its action as action="…".
EVENT_WRITERS = (
    *sorted(
        str(path.relative_to(SOURCE))
        for path in (SOURCE / "cases/actions").glob("*.py")
    ),
    "cases/clock.py",
    "exchange/case_results.py",
)
ACTION_ARGUMENT = re.compile(r'\baction="([a-z_]+)"')
CJK_IDEOGRAPH = re.compile("[\u4e00-\u9fff]")


def recorded_actions() -> list[str]:
    found = set()
    for name in EVENT_WRITERS:
        found.update(ACTION_ARGUMENT.findall((SOURCE / name).read_text("utf-8")))
    return sorted(found)


def test_event_writers_record_actions():
    assert "approve_extension" in recorded_actions()
    assert "accept" in recorded_actions()


@pytest.mark.parametrize("action", recorded_actions())
def test_history_action_has_english_label(action):
    with translation.override("en"):
        label = _action_label(action)

    assert label != action
    assert "_" not in label


@pytest.mark.parametrize("action", recorded_actions())
def test_history_action_has_chinese_label(action):
    with translation.override("zh-hans"):
        label = _action_label(action)

    assert CJK_IDEOGRAPH.search(label), label
