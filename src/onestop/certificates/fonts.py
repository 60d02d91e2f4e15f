"""The CJK font of certificate and receipt PDFs: an embedded TrueType font when one is
installed, otherwise reportlab's built-in STSong-Light CID font.

An embedded font prints the same on every reader. STSong-Light is not embedded, so the
reader substitutes its own Song typeface, but the text stays extractable either way.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from onestop.core.logging import get_logger

log = get_logger(__name__)

FALLBACK_CID_FONT = "STSong-Light"


@dataclass(frozen=True)
class FontCandidate:
    """A TrueType font file, and for a collection (.ttc) the index of the face in it."""

    path: Path
    subfont_index: int = 0


# TrueType-outline CJK fonts of common Debian and Ubuntu packages (fonts-wqy-zenhei,
# fonts-wqy-microhei, fonts-droid-fallback, fonts-arphic-uming). Noto CJK and Source Han
# ship CFF outlines, which reportlab's TTFont rejects, so they are not listed.
DEFAULT_FONT_CANDIDATES: tuple[FontCandidate, ...] = (
    FontCandidate(Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")),
    FontCandidate(Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")),
    FontCandidate(Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")),
    FontCandidate(Path("/usr/share/fonts/truetype/arphic/uming.ttc")),
)


@dataclass(frozen=True)
class PdfFont:
    """A registered reportlab font name, whether it is embedded, and its coverage."""

    name: str
    embedded: bool
    covers: Callable[[str], bool]


def configured_candidates() -> tuple[FontCandidate, ...]:
    """Return settings.ONESTOP_PDF_FONT (a font path) first, then the defaults."""
    configured = getattr(settings, "ONESTOP_PDF_FONT", "")
    if not configured:
        return DEFAULT_FONT_CANDIDATES
    return (FontCandidate(Path(configured)), *DEFAULT_FONT_CANDIDATES)


def cjk_font(candidates: Sequence[FontCandidate] | None = None) -> PdfFont:
    """Register and return the first usable candidate, or the STSong-Light CID font.

    `candidates=None` uses `configured_candidates()`; an empty sequence forces the CID
    font.
    """
    for candidate in configured_candidates() if candidates is None else candidates:
        font = _truetype_font(candidate)
        if font is not None:
            return font
    return _cid_font()


@functools.cache
def _truetype_font(candidate: FontCandidate) -> PdfFont | None:
    if not candidate.path.is_file():
        return None

    digest = hashlib.sha256(f"{candidate.path}:{candidate.subfont_index}".encode())
    name = f"OneStopCJK-{digest.hexdigest()[:8]}"
    try:
        font = TTFont(name, str(candidate.path), subfontIndex=candidate.subfont_index)
    except (TTFError, OSError) as error:
        log.warning(
            "certificate_pdf.font_rejected", path=str(candidate.path), error=str(error)
        )
        return None

    pdfmetrics.registerFont(font)
    glyphs = font.face.charToGlyph
    return PdfFont(name=name, embedded=True, covers=lambda char: ord(char) in glyphs)


@functools.cache
def _cid_font() -> PdfFont:
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID_FONT))
    # The font's UniGB-UCS2-H encoding has two bytes per character, so only the Basic
    # Multilingual Plane can be written; 𠮷 (U+20BB7) and other supplementary ideographs
    # cannot.
    return PdfFont(
        name=FALLBACK_CID_FONT, embedded=False, covers=lambda char: ord(char) <= 0xFFFF
    )
