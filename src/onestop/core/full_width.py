"""Full-width characters, which Chinese input methods type, read as the ASCII they stand for."""

from __future__ import annotations

# The full-width forms of ASCII ! to ~ (U+FF01 to U+FF5E) lie 0xFEE0 above them, and
# the ideographic space U+3000 is the full-width space.
FULL_WIDTH_TO_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {
    0x3000: 0x20
}


def fold_full_width(text: str) -> str:
    """Return `text` with full-width forms of ASCII characters replaced by ASCII.

    Only U+FF01 to U+FF5E and the ideographic space change, unlike NFKC, which also
    turns circled, superscript and other compatibility digits into ASCII digits.
    """
    return text.translate(FULL_WIDTH_TO_ASCII)
