"""The fonts of certificate and receipt PDFs, chosen character by character.

The main CJK font is an embedded TrueType font when one is installed, otherwise
reportlab's built-in STSong-Light CID font. Neither has the ideographs of CJK Extension B
and later (such as 𠮷, U+20BB7), which some names contain. So each character that the
main font lacks is written with the first fallback font whose cmap maps it to a glyph
(HanaMinA and HanaMinB of Debian's fonts-hanazono, then BabelStone Han of
fonts-babelstone-han for Extensions G and H). A character that no installed font
has is written as the .notdef glyph of reportlab's bundled Vera font. It prints as a
box, but the PDF's text layer keeps the code point.

An embedded font prints the same on every reader. STSong-Light is not embedded, so the
reader substitutes its own Song typeface, but the text stays extractable either way.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import reportlab
from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import SUBSETN, TTFError, TTFont

from onestop.core.logging import get_logger

log = get_logger(__name__)

FALLBACK_CID_FONT = "STSong-Light"
NOTDEF_FONT = "OneStopNotdef"
# The Debian packages of the recommended main font and of the fallback fonts. .ci/run
# installs both.
MAIN_FONT_PACKAGE = "fonts-wqy-zenhei"
EXTENSION_FONT_PACKAGE = "fonts-hanazono"
MISSING_FONT_EFFECTS = {
    MAIN_FONT_PACKAGE: (
        "receipts and certificates use reportlab's STSong-Light font, which they do "
        "not embed, so each PDF reader shows them in a substitute font of its own"
    ),
    EXTENSION_FONT_PACKAGE: (
        "ideographs of CJK Extension B and later (such as 𠮷 in some names) are left "
        "out of receipts and certificates, printed as empty boxes"
    ),
}


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

# Fonts for the characters the main font lacks, tried in order. HanaMinA has the
# ideographs of the Basic Multilingual Plane with Extension A, and HanaMinB those of
# Extensions B to F (version 20170904 of the Debian package).
DEFAULT_FALLBACK_CANDIDATES: tuple[FontCandidate, ...] = (
    FontCandidate(Path("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf")),
    FontCandidate(Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf")),
)
# The last fallback, optional: BabelStone Han of Debian's fonts-babelstone-han, whose
# version 15.0.5 has 3,045 of the 4,939 ideographs of Extension G and 2,271 of the
# 4,192 of Extension H (counted from its character map), which no Hanazono font has.
LATE_EXTENSION_FONT_PACKAGE = "fonts-babelstone-han"
LATE_EXTENSION_CANDIDATES: tuple[FontCandidate, ...] = (
    FontCandidate(Path("/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf")),
)


@dataclass(frozen=True)
class PdfFont:
    """A registered reportlab font name, whether it is embedded, and its coverage."""

    name: str
    embedded: bool
    covers: Callable[[str], bool]


@dataclass(frozen=True)
class FontChain:
    """The main font of a document and the fallback fonts tried for what it lacks.

    Each fallback font is loaded on the first character that needs it, because the
    fonts are large (HanaMinB.ttf is 30 MB).
    """

    main: PdfFont
    fallback_candidates: tuple[FontCandidate, ...] = ()

    def font_for(self, char: str) -> PdfFont | None:
        """Return the first font with a glyph for the character, or None."""
        if self.main.covers(char):
            return self.main
        for candidate in self.fallback_candidates:
            font = _truetype_font(candidate)
            if font is not None and font.covers(char):
                return font
        return None

    def runs(self, text: str) -> list[tuple[PdfFont, str]]:
        """Split text into runs of one font each.

        White space stays in the run it is in. A character no font has goes to the
        .notdef font, so that the PDF still carries its code point.
        """
        runs: list[tuple[PdfFont, list[str]]] = []
        for char in text:
            font = self._font_or_notdef(char, runs[-1][0] if runs else None)
            if runs and runs[-1][0] is font:
                runs[-1][1].append(char)
            else:
                runs.append((font, [char]))
        return [(font, "".join(chars)) for font, chars in runs]

    def _font_or_notdef(self, char: str, previous: PdfFont | None) -> PdfFont:
        if previous is not None and char.isspace():
            return previous
        return self.font_for(char) or notdef_font()


def configured_candidates() -> tuple[FontCandidate, ...]:
    """Return settings.ONESTOP_PDF_FONT (a font path) first, then the defaults."""
    configured = getattr(settings, "ONESTOP_PDF_FONT", "")
    if not configured:
        return DEFAULT_FONT_CANDIDATES
    return (FontCandidate(Path(configured)), *DEFAULT_FONT_CANDIDATES)


def missing_font_packages() -> list[str]:
    """Return the packages of MISSING_FONT_EFFECTS whose fonts are not installed.

    The main font counts as installed when any candidate of `configured_candidates()`
    exists, and the fallback fonts when every default fallback file exists.
    """
    missing = []
    if not any(candidate.path.is_file() for candidate in configured_candidates()):
        missing.append(MAIN_FONT_PACKAGE)
    if not all(candidate.path.is_file() for candidate in DEFAULT_FALLBACK_CANDIDATES):
        missing.append(EXTENSION_FONT_PACKAGE)
    return missing


def missing_fonts_warning() -> str:
    """Return one line for the operator on the missing font packages, or ""."""
    missing = missing_font_packages()
    if not missing:
        return ""
    names = " ".join(missing)
    effects = "; ".join(MISSING_FONT_EFFECTS[package] for package in missing)
    return (
        f"Warning: font packages not installed: {names}. Without them {effects}. "
        f"Install them with: apt-get install {names}"
    )


def font_chain(
    candidates: Sequence[FontCandidate] | None = None,
    fallback_candidates: Sequence[FontCandidate] | None = None,
) -> FontChain:
    """Return the main CJK font (see `cjk_font`) with the fallback fonts after it.

    `fallback_candidates=None` uses DEFAULT_FALLBACK_CANDIDATES, then
    LATE_EXTENSION_CANDIDATES; an empty sequence leaves the main font alone.
    """
    fallbacks = (
        DEFAULT_FALLBACK_CANDIDATES + LATE_EXTENSION_CANDIDATES
        if fallback_candidates is None
        else tuple(fallback_candidates)
    )
    return FontChain(main=cjk_font(candidates), fallback_candidates=fallbacks)


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


class SupplementaryTTFont(TTFont):
    """A TrueType font whose ToUnicode map also writes characters outside the BMP.

    reportlab 5.1 writes each code point of a subset as at least four hex digits, so
    U+20BB7 becomes <20BB7>, which PDF readers drop or misread. A ToUnicode CMap maps to
    UTF-16BE, so this writes the surrogate pair <D842DFB7> instead.
    """

    def addObjects(self, doc: Any) -> None:
        state = self.state.get(doc)
        subsets = [list(subset) for subset in state.subsets] if state else []
        super().addObjects(doc)

        for number, subset in enumerate(subsets):
            if max(subset, default=0) <= 0xFFFF:
                continue
            name = b"".join(
                (SUBSETN(number), b"+", self.face.name, self.face.subfontNameX)
            ).decode("pdfdoc")
            stream = doc.idToObject["toUnicodeCMap:" + name]
            stream.content = _utf16_to_unicode_cmap(stream.content, subset)


def _utf16_to_unicode_cmap(cmap: str, subset: Sequence[int]) -> str:
    for code, char in enumerate(subset):
        if char > 0xFFFF:
            utf16 = chr(char).encode("utf-16-be").hex().upper()
            cmap = cmap.replace(f"<{code:02X}> <{char:04X}>", f"<{code:02X}> <{utf16}>")
    return cmap


class _NotdefForEveryCharacter(dict[int, int]):
    """A cmap that maps every character the font lacks to glyph 0, .notdef."""

    def __contains__(self, code: object) -> bool:
        return True

    def __missing__(self, code: int) -> int:
        return 0


@functools.cache
def notdef_font() -> PdfFont:
    """Return the font that writes any character, as .notdef when Vera lacks it."""
    vera = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    font = SupplementaryTTFont(NOTDEF_FONT, str(vera), shapable=False)
    font.face.charToGlyph = _NotdefForEveryCharacter(font.face.charToGlyph)
    pdfmetrics.registerFont(font)
    return PdfFont(name=NOTDEF_FONT, embedded=True, covers=lambda char: True)


@functools.cache
def _truetype_font(candidate: FontCandidate) -> PdfFont | None:
    if not candidate.path.is_file():
        return None

    digest = hashlib.sha256(f"{candidate.path}:{candidate.subfont_index}".encode())
    name = f"OneStopCJK-{digest.hexdigest()[:8]}"
    try:
        font = SupplementaryTTFont(
            name, str(candidate.path), subfontIndex=candidate.subfont_index
        )
    except (TTFError, OSError) as error:
        log.warning(
            "certificate_pdf.font_rejected", path=str(candidate.path), error=str(error)
        )
        return None

    pdfmetrics.registerFont(font)
    glyphs = font.face.charToGlyph
    return PdfFont(
        name=name, embedded=True, covers=lambda char: glyphs.get(ord(char), 0) != 0
    )


@functools.cache
def _cid_font() -> PdfFont:
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID_FONT))
    # The font's UniGB-UCS2-H encoding has two bytes per character, so only the Basic
    # Multilingual Plane can be written; 𠮷 (U+20BB7) and other supplementary ideographs
    # go to the fallback fonts.
    return PdfFont(
        name=FALLBACK_CID_FONT, embedded=False, covers=lambda char: ord(char) <= 0xFFFF
    )
