"""The start-up warning about font packages that receipts and certificates need."""

from __future__ import annotations

from pathlib import Path

import pytest

from onestop.certificates import fonts
from onestop.certificates.fonts import (
    FontCandidate,
    missing_font_packages,
    missing_fonts_warning,
)


@pytest.fixture
def no_fonts(monkeypatch, settings, tmp_path):
    absent = (FontCandidate(tmp_path / "absent.ttf"),)
    settings.ONESTOP_PDF_FONT = ""
    monkeypatch.setattr(fonts, "DEFAULT_FONT_CANDIDATES", absent)
    monkeypatch.setattr(fonts, "DEFAULT_FALLBACK_CANDIDATES", absent)
    return tmp_path


def test_missing_packages_are_named(no_fonts):
    assert missing_font_packages() == ["fonts-wqy-zenhei", "fonts-hanazono"]
    warning = missing_fonts_warning()
    assert warning.startswith(
        "Warning: font packages not installed: fonts-wqy-zenhei fonts-hanazono."
    )
    assert "left out of receipts and certificates" in warning
    assert warning.endswith("apt-get install fonts-wqy-zenhei fonts-hanazono")
    assert "\n" not in warning


def test_configured_font_counts_as_main(no_fonts, settings):
    font_file = no_fonts / "main.ttf"
    font_file.write_bytes(b"")
    settings.ONESTOP_PDF_FONT = str(font_file)
    assert missing_font_packages() == ["fonts-hanazono"]


def test_no_warning_with_every_font(monkeypatch, tmp_path):
    present = tmp_path / "present.ttf"
    present.write_bytes(b"")
    monkeypatch.setattr(fonts, "DEFAULT_FONT_CANDIDATES", (FontCandidate(present),))
    monkeypatch.setattr(
        fonts, "DEFAULT_FALLBACK_CANDIDATES", (FontCandidate(Path(present)),)
    )
    assert missing_fonts_warning() == ""
