"""Every table of every page sits in the one shared sideways-scroll container."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client
from django.utils import translation

import onestop

WRAP_OPENING = '<div class="table-wrap">'


def template_files() -> list[Path]:
    package = Path(onestop.__file__).parent
    return sorted(
        path
        for path in package.rglob("templates/**/*.html")
        if "tests" not in path.parts
    )


def test_every_table_is_in_scroll_container():
    unwrapped = []
    for path in template_files():
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<table\b", text):
            if not text[: match.start()].rstrip().endswith(WRAP_OPENING):
                line = text.count("\n", 0, match.start()) + 1
                unwrapped.append(f"{path.name}:{line}")

    assert template_files()
    assert unwrapped == []


def test_pages_load_scroll_hint_script(demo):
    with translation.override("zh-hans"):
        page = (
            Client(headers={"accept-language": "zh-hans"})
            .get(f"/portal/{demo.centre.slug}/matters/")
            .content.decode()
        )

    assert page.count("onestop/tables.js") == 1
    assert 'data-hint="左右滑动查看更多"' in page
