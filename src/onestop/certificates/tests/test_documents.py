"""Certificate and receipt PDFs: extractable Chinese, both font paths, the QR code."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.utils import translation
from pdfminer.high_level import extract_pages, extract_text
from pdfminer.layout import LTRect

from onestop.certificates.documents import (
    CertificateDocument,
    ReceiptDocument,
    render_certificate_pdf,
    render_receipt_pdf,
)
from onestop.certificates.fonts import (
    DEFAULT_FONT_CANDIDATES,
    FALLBACK_CID_FONT,
    FontCandidate,
    cjk_font,
)
from onestop.certificates.qr import make_qr

WQY_ZENHEI = FontCandidate(Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"))
has_truetype_cjk = pytest.mark.skipif(
    not any(candidate.path.is_file() for candidate in DEFAULT_FONT_CANDIDATES),
    reason="no TrueType CJK font is installed (for example fonts-wqy-zenhei)",
)

IDENTIFIER = "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0"
VERIFY_URL = f"http://127.0.0.1:8000/verify/{IDENTIFIER}"

CERTIFICATE = CertificateDocument(
    identifier=IDENTIFIER,
    type_name="营业执照",
    holder_name="佛山市禅城区欧阳记餐饮有限公司",
    holder_code_masked="91440604MA4W****X9",
    issuer_name="佛山市禅城区市场监督管理局",
    issue_date=date(2025, 5, 22),
    expiry_date=None,
    verification_url=VERIFY_URL,
    face_fields=[
        ("类型", "有限责任公司（自然人投资或控股）"),
        ("法定代表人", "欧阳娜娜"),
        ("经营范围", "餐饮服务 <b>&amp; 食品销售"),
    ],
)

RECEIPT = ReceiptDocument(
    case_number="440604-20250522-000123",
    matter_name="食品经营许可证核发",
    applicant_name="欧阳**",
    accepted_at=datetime(2025, 5, 22, 2, 30, tzinfo=UTC),
    promised_date=date(2025, 6, 5),
    centre_name="佛山市禅城区政务服务中心",
    window="综合窗口 3 号",
    verification_url="http://127.0.0.1:8000/receipts/440604-20250522-000123",
    materials_received=[("食品经营许可申请书", "原件 1 份"), ("营业执照", "电子证照")],
)

FONT_PATHS = [
    pytest.param(None, id="truetype", marks=has_truetype_cjk),
    pytest.param((), id="stsong"),
]


def _pypdf_text(pdf: bytes) -> str:
    return "".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
    )


def _pdfminer_text(pdf: bytes) -> str:
    return extract_text(io.BytesIO(pdf))


def _fonts(pdf: bytes) -> list[dict]:
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    fonts: Any = page["/Resources"]["/Font"]  # type: ignore[index]
    return [fonts[key].get_object() for key in fonts]


def _font_names(pdf: bytes) -> list[str]:
    return [str(font["/BaseFont"]) for font in _fonts(pdf)]


def _link_uris(pdf: bytes) -> list[str]:
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    annotations = [annotation.get_object() for annotation in page.get("/Annots", [])]
    return [str(annotation["/A"]["/URI"]) for annotation in annotations]


def _drawn_qr_matrix(pdf: bytes) -> list[list[int]]:
    """Rebuild the module matrix from the filled rectangles the PDF draws."""
    rectangles = [
        item
        for item in next(extract_pages(io.BytesIO(pdf)))
        if isinstance(item, LTRect)
    ]
    module = min(rectangle.height for rectangle in rectangles)
    left = min(rectangle.x0 for rectangle in rectangles)
    top = max(rectangle.y1 for rectangle in rectangles)

    dark = defaultdict(set)
    for rectangle in rectangles:
        row = round((top - rectangle.y1) / module)
        first = round((rectangle.x0 - left) / module)
        for column in range(first, first + round(rectangle.width / module)):
            dark[row].add(column)

    size = max(dark) + 1
    return [[int(column in dark[row]) for column in range(size)] for row in range(size)]


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.mark.parametrize("fonts", FONT_PATHS)
def test_certificate_text_is_extractable_by_pypdf(fonts):
    text = _pypdf_text(render_certificate_pdf(CERTIFICATE, font_candidates=fonts))

    assert "营业执照" in text
    assert "佛山市禅城区欧阳记餐饮有限公司" in text
    assert "91440604MA4W****X9" in text


@pytest.mark.parametrize("fonts", FONT_PATHS)
def test_certificate_text_is_extractable_by_pdfminer(fonts):
    text = _pdfminer_text(render_certificate_pdf(CERTIFICATE, font_candidates=fonts))

    assert "营业执照" in text
    assert "佛山市禅城区欧阳记餐饮有限公司" in text
    assert "欧阳娜娜" in text
    assert "佛山市禅城区市场监督管理局" in text


@has_truetype_cjk
def test_installed_truetype_font_is_embedded():
    pdf = render_certificate_pdf(CERTIFICATE, font_candidates=[WQY_ZENHEI])

    (truetype,) = [font for font in _fonts(pdf) if font["/Subtype"] == "/TrueType"]
    assert "WenQuanYiZenHei" in str(truetype["/BaseFont"])
    assert "/FontFile2" in truetype["/FontDescriptor"].get_object()
    assert cjk_font([WQY_ZENHEI]).embedded is True


def test_missing_fonts_fall_back_to_stsong():
    missing = FontCandidate(Path("/nonexistent/font.ttc"))

    pdf = render_certificate_pdf(CERTIFICATE, font_candidates=[missing])

    assert any(FALLBACK_CID_FONT in name for name in _font_names(pdf))
    assert cjk_font([missing]).embedded is False


def test_non_truetype_file_falls_back_to_stsong(tmp_path):
    not_a_font = tmp_path / "broken.ttf"
    not_a_font.write_bytes(b"this is not a font")

    font = cjk_font([FontCandidate(not_a_font)])

    assert font.name == FALLBACK_CID_FONT


@has_truetype_cjk
def test_truetype_coverage_excludes_extension_b():
    font = cjk_font([WQY_ZENHEI])

    assert font.covers("营")
    assert not font.covers("𠮷")


def test_stsong_coverage_is_basic_plane_only():
    font = cjk_font(())

    assert font.covers("营")
    assert not font.covers("𠮷")


@pytest.mark.parametrize("fonts", FONT_PATHS)
def test_certificate_is_one_a4_page(fonts):
    reader = pypdf.PdfReader(
        io.BytesIO(render_certificate_pdf(CERTIFICATE, font_candidates=fonts))
    )

    assert len(reader.pages) == 1
    assert round(float(reader.pages[0].mediabox.width)) == 595
    assert round(float(reader.pages[0].mediabox.height)) == 842


def test_certificate_shows_no_expiry_and_issue_date():
    text = _pdfminer_text(render_certificate_pdf(CERTIFICATE))

    assert "2025年5月22日" in text
    assert "长期" in text


def test_certificate_shows_expiry_date():
    dated = CertificateDocument(
        **{**CERTIFICATE.__dict__, "expiry_date": date(2030, 5, 21)}
    )

    assert "2030年5月21日" in _pdfminer_text(render_certificate_pdf(dated))


def test_certificate_labels_follow_language():
    with translation.override("en"):
        text = _pdfminer_text(render_certificate_pdf(CERTIFICATE))

    assert "Holder" in text
    assert "No expiry" in text


def test_markup_in_values_is_printed_literally():
    text = _pdfminer_text(render_certificate_pdf(CERTIFICATE))

    assert "<b>&amp;" in text


def test_certificate_identifier_is_printed():
    text = _pypdf_text(render_certificate_pdf(CERTIFICATE)).replace("\n", "")

    assert IDENTIFIER in text


def test_certificate_qr_links_to_verification_url():
    assert VERIFY_URL in _link_uris(render_certificate_pdf(CERTIFICATE))


@pytest.mark.parametrize("fonts", FONT_PATHS)
def test_certificate_qr_encodes_verification_url(fonts):
    pdf = render_certificate_pdf(CERTIFICATE, font_candidates=fonts)

    assert _drawn_qr_matrix(pdf) == [list(row) for row in make_qr(VERIFY_URL).matrix]


def test_rendering_is_deterministic():
    assert render_certificate_pdf(CERTIFICATE) == render_certificate_pdf(CERTIFICATE)


def test_pdf_metadata_names_certificate():
    metadata = pypdf.PdfReader(io.BytesIO(render_certificate_pdf(CERTIFICATE))).metadata

    assert metadata is not None
    assert metadata.title == f"营业执照 {IDENTIFIER}"
    assert metadata.author == "佛山市禅城区市场监督管理局"


@pytest.mark.parametrize("fonts", FONT_PATHS)
def test_receipt_text_is_extractable(fonts):
    text = _pdfminer_text(render_receipt_pdf(RECEIPT, font_candidates=fonts))

    assert "受理回执" in text
    assert "440604-20250522-000123" in text
    assert "食品经营许可证核发" in text
    assert "欧阳**" in text
    assert "佛山市禅城区政务服务中心" in text
    assert "综合窗口 3 号" in text


def test_receipt_lists_materials():
    text = _pdfminer_text(render_receipt_pdf(RECEIPT))

    assert "食品经营许可申请书" in text
    assert "原件 1 份" in text
    assert "电子证照" in text


def test_receipt_without_materials_says_none():
    empty = ReceiptDocument(**{**RECEIPT.__dict__, "materials_received": ()})

    assert "已收材料" in _pdfminer_text(render_receipt_pdf(empty))
    assert "未收取材料" in _pdfminer_text(render_receipt_pdf(empty))


def test_receipt_times_are_local():
    text = _pdfminer_text(render_receipt_pdf(RECEIPT))

    assert "2025年5月22日 10:30" in text
    assert "2025年6月5日" in text


def test_receipt_without_promised_date_is_on_the_spot():
    immediate = ReceiptDocument(**{**RECEIPT.__dict__, "promised_date": None})

    assert "即办" in _pdfminer_text(render_receipt_pdf(immediate))


@pytest.mark.parametrize("fonts", FONT_PATHS)
def test_receipt_qr_encodes_verification_url(fonts):
    pdf = render_receipt_pdf(RECEIPT, font_candidates=fonts)

    expected = [list(row) for row in make_qr(RECEIPT.verification_url).matrix]
    assert _drawn_qr_matrix(pdf) == expected
    assert RECEIPT.verification_url in _link_uris(pdf)
