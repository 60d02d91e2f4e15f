"""fold_full_width: full-width forms of ASCII, as Chinese input methods type them."""

from __future__ import annotations

from onestop.core.full_width import fold_full_width


def test_full_width_forms_become_ascii():
    assert fold_full_width("４４０６０４ＡＢｃ－！～") == "440604ABc-!~"


def test_ideographic_space_becomes_space():
    assert fold_full_width("2026\u300012") == "2026 12"


def test_other_characters_kept():
    assert fold_full_width("受理①²٣ 12") == "受理①²٣ 12"
