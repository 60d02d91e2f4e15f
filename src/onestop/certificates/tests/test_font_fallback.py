"""Names with ideographs outside the BMP: a glyph from the fallback font, the code point
in the text layer, and a box with one warning when no installed font has the character."""

from __future__ import annotations

import io
import logging
import re
import struct
from dataclasses import replace
from typing import Any

import pypdf
import pytest
from django.utils import translation
from pdfminer.high_level import extract_text
from reportlab.pdfbase.ttfonts import TTFontFile

from onestop.certificates.documents import render_certificate_pdf, render_receipt_pdf
from onestop.certificates.fonts import (
    DEFAULT_FALLBACK_CANDIDATES,
    EXTENSION_FONT_PACKAGE,
    LATE_EXTENSION_CANDIDATES,
    LATE_EXTENSION_FONT_PACKAGE,
    FontChain,
    PdfFont,
    _utf16_to_unicode_cmap,
    notdef_font,
)
from onestop.certificates.tests.test_documents import CERTIFICATE, RECEIPT

RARE_CHAR = "𠮷"  # U+20BB7, CJK Extension B
RARE_NAME = "𠮷田"
has_extension_font = pytest.mark.skipif(
    not all(candidate.path.is_file() for candidate in DEFAULT_FALLBACK_CANDIDATES),
    reason=f"no font with CJK Extension B is installed: apt-get install "
    f"{EXTENSION_FONT_PACKAGE}",
)
has_late_extension_font = pytest.mark.skipif(
    not all(candidate.path.is_file() for candidate in LATE_EXTENSION_CANDIDATES),
    reason=f"no font with CJK Extension G is installed: apt-get install "
    f"{LATE_EXTENSION_FONT_PACKAGE}",
)
EXTENSION_G_CHAR = "\U00030000"  # the first ideograph of CJK Extension G
# None tries the installed TrueType CJK fonts first; () forces STSong-Light.
MAIN_FONTS = [pytest.param(None, id="truetype"), pytest.param((), id="stsong")]


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def receipt_for(name: str, **fonts) -> bytes:
    return render_receipt_pdf(replace(RECEIPT, applicant_name=name), **fonts)


def certificate_for(name: str, **fonts) -> bytes:
    return render_certificate_pdf(replace(CERTIFICATE, holder_name=name), **fonts)


def glyph_for(pdf: bytes, char: str) -> tuple[str, int, int]:
    """Return the embedded font that writes the character, its glyph id in that font,
    and the length of the glyph's outline."""
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    fonts: Any = page["/Resources"]["/Font"]  # type: ignore[index]
    for key in fonts:
        font = fonts[key].get_object()
        if "/ToUnicode" not in font:
            continue
        code = _code_for(font["/ToUnicode"].get_object().get_data().decode(), char)
        if code is None:
            continue
        subset = font["/FontDescriptor"].get_object()["/FontFile2"].get_object()
        face = TTFontFile(io.BytesIO(subset.get_data()))
        glyph = _subset_glyph(face.get_table("cmap"), code)
        outline = face.glyphPos[glyph + 1] - face.glyphPos[glyph]
        return str(font["/BaseFont"]), glyph, outline
    pytest.fail(f"no font of the PDF maps a code to U+{ord(char):04X}")


def _subset_glyph(cmap: bytes, code: int) -> int:
    """Return the glyph id of a code in the one format 6 cmap of a reportlab subset."""
    (offset,) = struct.unpack_from(">L", cmap, 8)
    fmt, _length, _language, first, count = struct.unpack_from(">5H", cmap, offset)
    assert fmt == 6
    glyphs = struct.unpack_from(f">{count}H", cmap, offset + 10)
    return glyphs[code - first]


def _code_for(to_unicode: str, char: str) -> int | None:
    utf16 = char.encode("utf-16-be").hex().upper()
    for code, target in re.findall(r"<([0-9A-F]{2})> <([0-9A-F]+)>", to_unicode):
        if target == utf16:
            return int(code, 16)
    return None


def assert_printed_with_fallback_font(pdf: bytes, printed: str) -> None:
    """Check that 𠮷 has a real glyph of HanaMinA or HanaMinB and that the text of the
    PDF contains `printed`."""
    font, glyph, outline = glyph_for(pdf, RARE_CHAR)
    assert re.fullmatch(r"/[A-Z]{6}\+HanaMin[AB]", font)
    assert glyph != 0, "the glyph is .notdef"
    assert outline > 0
    for text in text_of(pdf):
        assert printed in text


def text_of(pdf: bytes) -> tuple[str, str]:
    """Return the text as pypdf and as pdfminer extract it."""
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return "".join(page.extract_text() for page in pages), extract_text(io.BytesIO(pdf))


@has_extension_font
@pytest.mark.parametrize("main", MAIN_FONTS)
@pytest.mark.parametrize("render", [receipt_for, certificate_for])
def test_extension_b_name_is_printed_with_fallback_font(render, main):
    pdf = render(RARE_NAME, font_candidates=main)

    assert_printed_with_fallback_font(pdf, RARE_NAME)


@has_extension_font
def test_each_rare_character_gets_a_glyph():
    pdf = receipt_for("𡈽𪚥 张𠮷")

    for char in "𡈽𪚥𠮷":
        _font, glyph, _outline = glyph_for(pdf, char)
        assert glyph != 0, f"U+{ord(char):04X} is .notdef"


@has_extension_font
@has_late_extension_font
def test_extension_g_name_is_printed_with_babelstone(caplog):
    with caplog.at_level(logging.WARNING):
        pdf = certificate_for(f"王{EXTENSION_G_CHAR}𠮷")

    font, glyph, outline = glyph_for(pdf, EXTENSION_G_CHAR)
    assert re.fullmatch(r"/[A-Z]{6}\+BabelStoneHan", font)
    assert glyph != 0
    assert outline > 0
    assert glyph_for(pdf, RARE_CHAR)[0].endswith(("HanaMinA", "HanaMinB"))
    assert "certificate_pdf.missing_glyphs" not in caplog.text


@has_extension_font
def test_fallback_font_leaves_no_warning(caplog):
    with caplog.at_level(logging.WARNING):
        receipt_for(RARE_NAME)

    assert "certificate_pdf.missing_glyphs" not in caplog.text


@pytest.mark.parametrize("main", MAIN_FONTS)
@pytest.mark.parametrize("render", [receipt_for, certificate_for])
def test_character_no_font_has_is_kept_in_text(render, main, caplog):
    with caplog.at_level(logging.WARNING):
        pdf = render(RARE_NAME, font_candidates=main, fallback_candidates=())

    font, glyph, _outline = glyph_for(pdf, RARE_CHAR)
    assert "BitstreamVeraSans" in font
    assert glyph == 0
    for text in text_of(pdf):
        assert RARE_NAME in text


def test_missing_glyph_warning_names_code_point(caplog):
    with caplog.at_level(logging.WARNING):
        receipt_for("𠮷田 𠮷𡈽", font_candidates=(), fallback_candidates=())

    warnings = [
        r for r in caplog.records if "certificate_pdf.missing_glyphs" in str(r.msg)
    ]
    assert len(warnings) == 1
    assert "U+20BB7" in caplog.text
    assert "U+2123D" in caplog.text
    assert RARE_CHAR not in caplog.text
    assert "田" not in caplog.text


def fake_font(name: str, characters: str) -> PdfFont:
    return PdfFont(name=name, embedded=True, covers=lambda char: char in characters)


def test_runs_split_by_font():
    main = fake_font("main", "张田")
    chain = FontChain(main=main)

    runs = chain.runs("张 𠮷 田")

    assert runs == [(main, "张 "), (notdef_font(), "𠮷 "), (main, "田")]


def test_to_unicode_writes_supplementary_characters_as_utf16():
    cmap = "2 beginbfchar\n<00> <0000>\n<01> <20BB7>\nendbfchar"

    fixed = _utf16_to_unicode_cmap(cmap, [0, 0x20BB7])

    assert "<01> <D842DFB7>" in fixed
    assert "<00> <0000>" in fixed
