"""QR codes of verification URLs, as SVG for pages and PNG for print."""

from __future__ import annotations

import io

import segno

# Error correction level M restores up to 15 % of damaged modules (ISO/IEC 18004), a
# middle ground between the size of the code and its tolerance of creases and stamps.
ERROR_CORRECTION = "m"
SVG_MODULE_SIZE = 4
PNG_MODULE_PIXELS = 8


def make_qr(url: str) -> segno.QRCode:
    """Encode a URL as a QR code (never a Micro QR), with error correction level M."""
    return segno.make_qr(url, error=ERROR_CORRECTION, boost_error=False)


def qr_svg(url: str) -> str:
    """Render the QR code of a URL as a standalone SVG document."""
    buffer = io.BytesIO()
    make_qr(url).save(
        buffer, kind="svg", scale=SVG_MODULE_SIZE, xmldecl=False, svgns=True, nl=False
    )
    return buffer.getvalue().decode("utf-8")


def qr_png(url: str) -> bytes:
    """Render the QR code of a URL as a PNG image with the standard 4-module border."""
    buffer = io.BytesIO()
    make_qr(url).save(buffer, kind="png", scale=PNG_MODULE_PIXELS)
    return buffer.getvalue()
