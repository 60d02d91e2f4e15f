"""Every committed .mo catalogue contains the entries of its .po source.

The .mo files are committed, so a .po entry added without recompiling, or a merge that kept
one side's .mo, would leave that text untranslated on every page."""

from __future__ import annotations

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
SOURCES = sorted(PACKAGE.rglob("locale/*/LC_MESSAGES/django.po"))
MSGFMT = shutil.which("msgfmt")


def catalogue(path: Path) -> dict:
    with path.open("rb") as compiled:
        return dict(gettext.GNUTranslations(compiled)._catalog)  # type: ignore[attr-defined]


@pytest.mark.skipif(
    MSGFMT is None,
    reason="needs GNU gettext's msgfmt to compile .po files",
)
@pytest.mark.parametrize("source", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_compiled_catalogue_matches_source(source, tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(  # noqa: S603  (the found msgfmt on the project's own files)
        [str(MSGFMT), "-o", str(fresh), str(source)], check=True
    )

    committed = source.with_suffix(".mo")

    assert committed.exists(), f"{committed} is missing; run make messages"
    assert catalogue(committed) == catalogue(fresh), (
        f"{committed} is older than its .po; run make messages"
    )
