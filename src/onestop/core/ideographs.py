"""CJK unified ideographs that are newer than Python's Unicode data.

Python 3.13's unicodedata follows Unicode 15.1. Later versions assigned more CJK
unified ideographs in planes 2 and 3, and unicodedata gives each of them the category
Cn (unassigned). So `str.isprintable()` and a check of the letter categories reject
them, although names of people and places are written with them. The checks of names,
addresses and certificate faces use `is_letter` and `is_printable` of this module.
"""

from __future__ import annotations

import unicodedata

# Ranges of CJK unified ideographs in planes 2 and 3 that Unicode assigned after 15.1.
# Plane 2 comes from the table "CJK Unified Ideographs & CJK Compatibility Ideographs,
# Unicode Version 18.0" (IRG N2964, 2026-09-16), Extension J from the Unicode 17.0 code
# chart. NOTE: a plane-3 range that Unicode 18.0 or later added is missing; add it here.
NEWER_CJK_IDEOGRAPH_RANGES = (
    (0x2B73A, 0x2B73F),  # Extension C, Unicode 17.0
    (0x2B81E, 0x2B81E),  # Extension D, Unicode 18.0
    (0x2CEA2, 0x2CEAD),  # Extension E, Unicode 17.0
    (0x323B0, 0x33479),  # Extension J, Unicode 17.0
)


def is_newer_cjk_ideograph(character: str) -> bool:
    """Tell whether a character is a CJK unified ideograph that unicodedata lacks."""
    if unicodedata.category(character) != "Cn":
        return False
    code = ord(character)
    return any(start <= code <= end for start, end in NEWER_CJK_IDEOGRAPH_RANGES)


def is_letter(character: str) -> bool:
    """Tell whether a character is a letter (categories L*) or a newer CJK ideograph."""
    return unicodedata.category(character).startswith("L") or is_newer_cjk_ideograph(
        character
    )


def is_printable(character: str) -> bool:
    """Tell whether `str.isprintable()` accepts a character or it is a newer CJK
    ideograph."""
    return character.isprintable() or is_newer_cjk_ideograph(character)


def character_name(character: str) -> str:
    """Return the Unicode name of a character, or "" when it has none.

    A newer CJK ideograph is named as Unicode names every unified ideograph, such as
    CJK UNIFIED IDEOGRAPH-33400.
    """
    if is_newer_cjk_ideograph(character):
        return f"CJK UNIFIED IDEOGRAPH-{ord(character):X}"
    return unicodedata.name(character, "")
