"""A4 PDFs of electronic certificates and of acceptance receipts, with a QR code.

The PDFs are renderings for people: what a verifier trusts is the signed JSON behind the
verification URL printed on them. Text is written with a CJK font (see `fonts`), so
Chinese stays extractable and searchable. Labels follow the active language.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.sax.saxutils import escape

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from onestop.certificates.fonts import (
    NOTDEF_FONT,
    FontCandidate,
    FontChain,
    font_chain,
)
from onestop.certificates.qr import make_qr
from onestop.core.logging import get_logger

log = get_logger(__name__)

PAGE_MARGIN = 20 * mm
QR_SIZE = 38 * mm
QR_QUIET_ZONE = 4  # modules of white around the code, as ISO/IEC 18004 requires
LABEL_COLUMN = 45 * mm
RULE_COLOUR = colors.HexColor("#9aa5b1")


@dataclass(frozen=True)
class CertificateDocument:
    """The content of an electronic certificate's face.

    `holder_code_masked` is printed as given, so the caller masks it first.
    `expiry_date=None` prints as no expiry (长期). A face field whose value is a date
    prints as the long date of the active language.
    """

    identifier: str
    type_name: str
    holder_name: str
    holder_code_masked: str
    issuer_name: str
    issue_date: date
    expiry_date: date | None
    verification_url: str
    face_fields: Sequence[tuple[str, str | date]] = field(default_factory=tuple)


@dataclass(frozen=True)
class ReceiptDocument:
    """The content of an acceptance receipt (受理回执).

    `applicant_name` is printed as given: the caller passes the masked form when the
    receipt may be seen by others. `promised_date=None` prints as decided on the spot.
    Each received material is a (name, detail) pair, such as ("营业执照", "原件 1 份").
    """

    case_number: str
    matter_name: str
    applicant_name: str
    accepted_at: datetime
    promised_date: date | None
    centre_name: str
    window: str
    verification_url: str
    materials_received: Sequence[tuple[str, str]] = field(default_factory=tuple)


def render_certificate_pdf(
    data: CertificateDocument,
    *,
    font_candidates: Sequence[FontCandidate] | None = None,
    fallback_candidates: Sequence[FontCandidate] | None = None,
) -> bytes:
    """Render the certificate as a one-page A4 PDF and return its bytes.

    `font_candidates` overrides the TrueType fonts tried for the main font; an empty
    sequence forces the built-in STSong-Light font. `fallback_candidates` overrides the
    fonts tried for characters the main font lacks; an empty sequence tries none.
    """
    styles = _Styles(font_chain(font_candidates, fallback_candidates))
    expiry = _format_date(data.expiry_date) if data.expiry_date else _("No expiry")

    rows = [
        (_("Holder"), data.holder_name),
        (_("Holder code"), data.holder_code_masked),
        *(
            (label, _format_date(value) if isinstance(value, date) else value)
            for label, value in data.face_fields
        ),
        (_("Issuer"), data.issuer_name),
        (_("Issue date"), _format_date(data.issue_date)),
        (_("Valid until"), expiry),
    ]
    story = [
        styles.paragraph(data.type_name, styles.title),
        styles.paragraph(_("Electronic certificate"), styles.subtitle),
        Spacer(1, 8 * mm),
        _field_table(rows, styles),
        Spacer(1, 12 * mm),
        _verification_block(
            data.verification_url,
            _("Certificate identifier: %(identifier)s")
            % {"identifier": data.identifier},
            _("Scan the code or open %(url)s to verify this certificate.")
            % {"url": data.verification_url},
            styles,
        ),
    ]

    styles.warn_missing_glyphs("certificate")
    return _build_pdf(
        story, title=f"{data.type_name} {data.identifier}", author=data.issuer_name
    )


def render_receipt_pdf(
    data: ReceiptDocument,
    *,
    font_candidates: Sequence[FontCandidate] | None = None,
    fallback_candidates: Sequence[FontCandidate] | None = None,
) -> bytes:
    """Render the acceptance receipt as an A4 PDF and return its bytes.

    `font_candidates` and `fallback_candidates` work as in `render_certificate_pdf`.
    """
    styles = _Styles(font_chain(font_candidates, fallback_candidates))
    promised = (
        _format_date(data.promised_date)
        if data.promised_date
        else _("Decided on the spot")
    )

    rows = [
        (_("Case number"), data.case_number),
        (_("Matter"), data.matter_name),
        (_("Applicant"), data.applicant_name),
        (_("Accepted at"), _format_datetime(data.accepted_at)),
        (_("Promised completion date"), promised),
        (_("Service centre"), data.centre_name),
        (_("Window"), data.window),
    ]
    story = [
        styles.paragraph(data.centre_name, styles.subtitle),
        styles.paragraph(_("Acceptance receipt"), styles.title),
        Spacer(1, 8 * mm),
        _field_table(rows, styles),
        Spacer(1, 6 * mm),
        styles.paragraph(_("Materials received"), styles.heading),
        _materials_table(data.materials_received, styles),
        Spacer(1, 10 * mm),
        _verification_block(
            data.verification_url,
            _("Case number: %(case_number)s") % {"case_number": data.case_number},
            _("Scan the code or open %(url)s to check this receipt and the case.")
            % {"url": data.verification_url},
            styles,
        ),
    ]

    styles.warn_missing_glyphs("receipt")
    return _build_pdf(
        story,
        title=_("Acceptance receipt %(case_number)s")
        % {"case_number": data.case_number},
        author=data.centre_name,
    )


class _Styles:
    """The paragraph styles of one document, and the characters it printed as boxes."""

    def __init__(self, fonts: FontChain) -> None:
        self.fonts = fonts
        self.missing: set[int] = set()
        base = {"fontName": fonts.main.name, "wordWrap": "CJK"}
        self.title = ParagraphStyle(
            "title", fontSize=24, leading=32, alignment=TA_CENTER, **base
        )
        self.subtitle = ParagraphStyle(
            "subtitle", fontSize=12, leading=18, alignment=TA_CENTER, **base
        )
        self.heading = ParagraphStyle("heading", fontSize=12, leading=18, **base)
        self.label = ParagraphStyle(
            "label",
            fontSize=10.5,
            leading=15,
            textColor=colors.HexColor("#52606d"),
            **base,
        )
        self.value = ParagraphStyle("value", fontSize=11, leading=16, **base)
        self.note = ParagraphStyle("note", fontSize=9, leading=13, **base)

    def paragraph(self, text: str, style: ParagraphStyle) -> Paragraph:
        """Return the text as a paragraph, each run in the first font that has it."""
        markup = []
        for font, run in self.fonts.runs(text):
            if font is self.fonts.main:
                markup.append(escape(run))
                continue
            markup.append(f'<font face="{font.name}">{escape(run)}</font>')
            if font.name == NOTDEF_FONT:
                self.missing.update(ord(char) for char in run if not char.isspace())
        return Paragraph("".join(markup), style)

    def warn_missing_glyphs(self, kind: str) -> None:
        """Log once the code points printed as boxes; never the text they are in."""
        if self.missing:
            log.warning(
                "certificate_pdf.missing_glyphs",
                kind=kind,
                font=self.fonts.main.name,
                code_points=[f"U+{code:04X}" for code in sorted(self.missing)],
            )


def _field_table(rows: Sequence[tuple[str, str]], styles: _Styles) -> Table:
    cells = [
        [styles.paragraph(label, styles.label), styles.paragraph(value, styles.value)]
        for label, value in rows
    ]
    table = Table(
        cells, colWidths=[LABEL_COLUMN, A4[0] - 2 * PAGE_MARGIN - LABEL_COLUMN]
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE_COLOUR),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return table


def _materials_table(
    materials: Sequence[tuple[str, str]], styles: _Styles
) -> Table | Paragraph:
    if not materials:
        return styles.paragraph(_("No materials received"), styles.value)

    cells = [
        [
            styles.paragraph(str(number), styles.value),
            styles.paragraph(name, styles.value),
            styles.paragraph(detail, styles.value),
        ]
        for number, (name, detail) in enumerate(materials, start=1)
    ]
    width = A4[0] - 2 * PAGE_MARGIN
    table = Table(cells, colWidths=[10 * mm, width - 55 * mm, 45 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE_COLOUR),
            ]
        )
    )
    return table


def _verification_block(
    url: str, reference: str, instruction: str, styles: _Styles
) -> Table:
    text = [
        styles.paragraph(reference, styles.note),
        Spacer(1, 3 * mm),
        styles.paragraph(instruction, styles.note),
    ]
    qr_column = QR_SIZE + 6 * mm
    text_column = A4[0] - 2 * PAGE_MARGIN - qr_column
    table = Table([[_QrCode(url, QR_SIZE), text]], colWidths=[qr_column, text_column])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return table


class _QrCode(Flowable):
    """A URL's QR code in vector squares inside a 4-module quiet zone, and a link."""

    def __init__(self, url: str, size: float) -> None:
        super().__init__()
        self.url = url
        self.width = self.height = size

    def draw(self) -> None:
        matrix = make_qr(self.url).matrix
        module = self.width / (len(matrix) + 2 * QR_QUIET_ZONE)
        canvas = self.canv
        canvas.setFillColor(colors.black)

        for row_index, row in enumerate(matrix):
            y = self.height - (row_index + QR_QUIET_ZONE + 1) * module
            for start, length in _dark_runs(row):
                x = (start + QR_QUIET_ZONE) * module
                canvas.rect(x, y, length * module, module, stroke=0, fill=1)

        canvas.linkURL(self.url, (0, 0, self.width, self.height), relative=1)


def _dark_runs(row: Sequence[int]) -> list[tuple[int, int]]:
    """Return (start, length) of each run of dark modules in a row of the matrix."""
    runs: list[tuple[int, int]] = []
    start = None
    for index, dark in enumerate([*row, 0]):
        if dark and start is None:
            start = index
        elif not dark and start is not None:
            runs.append((start, index - start))
            start = None
    return runs


def _build_pdf(story: list, *, title: str, author: str) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=PAGE_MARGIN,
        rightMargin=PAGE_MARGIN,
        topMargin=PAGE_MARGIN,
        bottomMargin=PAGE_MARGIN,
        title=title,
        author=author,
        creator="OneStop",
        # Same input, same bytes: no creation timestamp or random document id.
        invariant=True,
    )
    document.build(story)
    return buffer.getvalue()


# Printed documents write the long date of their language, as paper certificates do
# (2025年5月22日), while pages use the short DATE_FORMAT of onestop/formats (2025-05-22).


def _format_date(value: date) -> str:
    return formats.date_format(
        value, pgettext("date format of printed documents", "N j, Y")
    )


def _format_datetime(value: datetime) -> str:
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return formats.date_format(
        local, pgettext("date and time format of printed documents", "N j, Y, P")
    )
