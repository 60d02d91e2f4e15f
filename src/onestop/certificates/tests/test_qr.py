"""QR codes of verification URLs."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from PIL import Image

from onestop.certificates.qr import PNG_MODULE_PIXELS, make_qr, qr_png, qr_svg

URL = "https://onestop.example/verify/1.2.156.3005.2.11100000000013338W009.1133010500250028"


def test_qr_is_full_size_with_level_m():
    qr = make_qr(URL)

    assert qr.is_micro is False
    assert qr.error == "M"


def test_svg_is_standalone_document():
    root = ET.fromstring(qr_svg(URL))  # noqa: S314 (segno's own output, not untrusted)

    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert int(root.get("width")) == int(root.get("height"))


def test_png_pixels_match_qr_matrix():
    matrix = make_qr(URL).matrix
    image = Image.open(io.BytesIO(qr_png(URL))).convert("L")
    border = 4

    assert image.size[0] == (len(matrix) + 2 * border) * PNG_MODULE_PIXELS
    for row_index, row in enumerate(matrix):
        for column_index, dark in enumerate(row):
            x = (column_index + border) * PNG_MODULE_PIXELS + PNG_MODULE_PIXELS // 2
            y = (row_index + border) * PNG_MODULE_PIXELS + PNG_MODULE_PIXELS // 2
            assert (image.getpixel((x, y)) < 128) == bool(dark), (
                row_index,
                column_index,
            )


def test_png_quiet_zone_is_white():
    image = Image.open(io.BytesIO(qr_png(URL))).convert("L")

    assert image.getpixel((0, 0)) == 255
    assert image.getpixel((4 * PNG_MODULE_PIXELS - 1, 4 * PNG_MODULE_PIXELS - 1)) == 255


def test_different_urls_give_different_codes():
    assert qr_svg(URL) != qr_svg(URL + "0")
    assert qr_png(URL) != qr_png(URL + "0")
