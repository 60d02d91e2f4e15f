"""Chinese translations use full-width punctuation next to Chinese text.

An ASCII colon, bracket or comma between Chinese characters, as in "申请办理: " or
"(版本 1)", reads as a typing slip in Chinese. ASCII stays right inside code, values
and placeholders, such as "Content-Type: application/json" or "127.0.0.1:%(port)s",
because those characters do not touch a Chinese character there.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
SOURCES = sorted(PACKAGE.rglob("locale/zh_Hans/LC_MESSAGES/django.po"))

# A CJK ideograph, or a CJK or full-width punctuation mark.
CJK = "[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff]"
ASCII_PUNCTUATION = "[:(),]"
ASCII_NEXT_TO_CJK = re.compile(f"{CJK} ?{ASCII_PUNCTUATION}|{ASCII_PUNCTUATION} ?{CJK}")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$')

# Translations that must keep an ASCII character next to Chinese text, by msgid.
ALLOWED = {
    # The message quotes the YAML syntax ": " that it forbids, so the colon is code.
    'a second ": " is not allowed here, so quote a value that contains one',
    # "subject_reference()" is a Python call, and the Chinese comma follows it.
    "The ledger entry field %(field)s looks like an ID number or a mobile number. "
    "Store subject_reference() of the code instead of the code itself.",
    # ":USCC" is the option's syntax, which the operator types as it is.
    "--pull-department %(value)s is invalid: give the department id (a number), "
    "optionally followed by :USCC.",
}


def entries(path: Path) -> Iterator[dict[str, str]]:
    """Yield each entry of a .po file as {keyword: text}, such as msgid and msgstr[0]."""
    entry: dict[str, str] = {}
    keyword = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            if entry:
                yield entry
            entry = {}
            continue
        match = KEYWORD.match(line)
        if match:
            keyword = match.group(1)
            entry[keyword] = ast.literal_eval(match.group(2))
        else:
            entry[keyword] += ast.literal_eval(line)
    if entry:
        yield entry


def translations(path: Path) -> Iterator[tuple[str, str]]:
    """Yield (msgid, translation) for each translated form of each message."""
    for entry in entries(path):
        msgid = entry.get("msgid", "")
        if not msgid:
            continue
        for keyword, text in entry.items():
            if keyword.startswith("msgstr") and text:
                yield msgid, text


def ascii_punctuation_next_to_cjk(text: str) -> list[str]:
    """Return each ASCII colon, bracket or comma with the CJK character it touches.

    Placeholders such as %(name)s are replaced by "…" first, so their brackets do not
    count.
    """
    plain = PLACEHOLDER.sub("…", text)
    return [match.group() for match in ASCII_NEXT_TO_CJK.finditer(plain)]


def test_parser_reads_entries():
    assert SOURCES
    for source in SOURCES:
        assert any(True for _ in translations(source)), source


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("申请办理: %(name)s", ["理:"]),
        ("%(name)s (版本 %(version)s)", ["(版"]),
        ("窗口 %(window)s (G1) 是", [") 是"]),
        ("窗口（G1）, 是", ["）,"]),
        ("请求头 Content-Type: application/json。", []),
        ("无法监听 127.0.0.1:%(port)s，因为", []),
        ("申请办理：%(name)s", []),
        ("%(label)s（%(key)s）", []),
    ],
)
def test_check_finds_ascii_punctuation(text, found):
    assert ascii_punctuation_next_to_cjk(text) == found


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_chinese_translations_use_full_width_punctuation(source):
    found = {
        msgid: places
        for msgid, text in translations(source)
        if msgid not in ALLOWED
        if (places := ascii_punctuation_next_to_cjk(text))
    }

    assert not found, found


def test_allowed_entries_still_exist():
    msgids = {msgid for source in SOURCES for msgid, _text in translations(source)}

    assert ALLOWED - msgids == set()
