"""CJK ideographs newer than Python's Unicode data count as letters and printable."""

from __future__ import annotations

import unicodedata

import pytest
from django.utils import translation

from onestop.core.errors import (
    code_point_text,
    message_value,
    named_code_point,
    quoted_text,
)
from onestop.core.ideographs import (
    NEWER_CJK_IDEOGRAPH_RANGES,
    is_letter,
    is_newer_cjk_ideograph,
    is_printable,
)

# U+33400 is in Extension J (Unicode 17.0), U+2CEA2 in Extension E (Unicode 17.0).
NEWER = ["\U00033400", "\U000323b0", "\U00033479", "\U0002cea2", "\U0002b81e"]


@pytest.mark.parametrize("character", NEWER)
def test_newer_ideograph_is_letter_and_printable(character):
    assert is_newer_cjk_ideograph(character)
    assert is_letter(character)
    assert is_printable(character)


@pytest.mark.parametrize(
    "character",
    [
        "\U0003347a",  # after Extension J, still unassigned
        "\U0002ebe1",  # after Extension F, still unassigned
        "\U000e0001",  # LANGUAGE TAG, a format character
        "\u200b",
        "\U000f0000",  # Private Use Area
    ],
)
def test_other_characters_are_not_newer_ideographs(character):
    assert not is_newer_cjk_ideograph(character)
    assert not is_printable(character)


def test_assigned_ideographs_keep_their_category():
    for character in ["𠮷", "\U0002f800", "\U00031350"]:
        assert not is_newer_cjk_ideograph(character)
        assert is_letter(character)
        assert is_printable(character)


def test_ranges_hold_no_other_characters():
    for start, end in NEWER_CJK_IDEOGRAPH_RANGES:
        # When Python's data reaches the version that assigned a range, the range is
        # a letter through unicodedata alone and can leave the table.
        assert unicodedata.category(chr(start)) in ("Cn", "Lo")
        assert unicodedata.category(chr(end)) in ("Cn", "Lo")


def test_newer_ideograph_named_in_messages():
    assert code_point_text("\U00033400") == "U+33400 (CJK UNIFIED IDEOGRAPH-33400)"
    assert quoted_text("王\U00033400") == "“王\U00033400”"


def test_code_point_unnamed_in_chinese():
    with translation.override("zh-hans"):
        assert code_point_text("\U0001f600") == "U+1F600"
        assert code_point_text("\u200b") == "U+200B"


def test_named_code_point_detail_keeps_name():
    named = named_code_point("\u200b")

    assert named.code == "U+200B (ZERO WIDTH SPACE)"
    assert str(message_value(named)) == "U+200B (ZERO WIDTH SPACE)"
    with translation.override("zh-hans"):
        assert str(message_value(named)) == "U+200B"
