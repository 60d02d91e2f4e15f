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


def test_catalogues_agree_on_shared_messages():
    # Django merges every app's catalogue of a language into one, where one app's entry
    # hides another's with the same text and context: a certificate showed an agency's
    # word for "revoked". A message whose meaning differs between apps needs a context.
    translations: dict[tuple[str, str], dict[str, str]] = {}
    for source in SOURCES:
        language = source.parts[-3]
        for message, text in catalogue(source.with_suffix(".mo")).items():
            if message:
                translations.setdefault((language, message), {})[
                    str(source.relative_to(PACKAGE))
                ] = text

    differing = {
        key: by_catalogue
        for key, by_catalogue in translations.items()
        if len(set(by_catalogue.values())) > 1
    }

    assert not differing, differing
