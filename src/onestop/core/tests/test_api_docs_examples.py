"""The curl examples of docs/api.md answer as documented and keep the walk-through
working: English messages ask for English, and no example resets a demo account."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

API_DOCS = Path(__file__).resolve().parents[4] / "docs" / "api.md"
# A curl command, with its continuation lines, and the one-line response below it.
EXAMPLE = re.compile(
    r"^(?P<command>curl [^\n]*(?:\\\n[^\n]*)*)\n# (?P<status>\d{3}) (?P<answer>\{.*\})$",
    re.MULTILINE,
)
# A curl command and the comment lines below it, which contain its response.
COMMAND_AND_ANSWER = re.compile(
    r"^(?P<command>curl [^\n]*(?:\\\n[^\n]*)*)\n(?P<answer>(?:#[^\n]*\n)+)",
    re.MULTILINE,
)
# Three words of Latin letters in a row, which a Chinese message does not have.
ENGLISH_WORDS = re.compile(r"\b[A-Za-z]+ [A-Za-z]+ [A-Za-z]+\b")
# The users of the guide's token variables.
TOKEN_USERS = {"$A": "applicant", "$C": "clerk", "$R": "reviewer", "$M": "centreadmin"}
# The demo applicant's resident ID number, with which `token` signs in too.
DEMO_APPLICANT_ID_NUMBER = "440604198503150024"


def docs_text() -> str:
    return API_DOCS.read_text("utf-8")


def run_curl(demo, command: str):
    """Send the request of a curl `command` through the test client of its token's
    user; only -X, -H and -d are read."""
    words = shlex.split(command.replace("\\\n", " "))
    method, headers, body, url = "GET", {}, None, None
    position = 1
    while position < len(words):
        word = words[position]
        if word == "-X":
            method = words[position + 1]
            position += 1
        elif word == "-H":
            name, value = words[position + 1].split(": ", 1)
            headers[name] = value
            position += 1
        elif word == "-d":
            body = words[position + 1]
            position += 1
        elif word.startswith("$B/"):
            url = "/api/v1/" + word.removeprefix("$B/")
        position += 1
    assert url is not None, command
    token = headers.pop("Authorization", "").removeprefix("Bearer ")
    client = demo.client(TOKEN_USERS[token]) if token else demo.client("clerk")
    content_type = headers.pop("Content-Type", "")
    return client.generic(
        method, url, body or "", content_type=content_type, headers=headers
    )


def test_error_examples_answer_as_documented(demo, settings):
    # The server's default language, which a request without Accept-Language gets.
    settings.LANGUAGE_CODE = "zh-hans"
    examples = [
        found
        for found in EXAMPLE.finditer(docs_text())
        # Examples with a case number, a file or a command substitution need state
        # that other examples create, so only the self-contained ones run here.
        if '"message"' in found["answer"]
        and not re.search(r"\$N|\$\(|@", found["command"])
    ]
    assert len(examples) >= 2

    for example in examples:
        documented = json.loads(example["answer"])
        response = run_curl(demo, example["command"])
        answer = response.json()

        assert response.status_code == int(example["status"]), example["command"]
        assert answer["code"] == documented["code"]
        assert answer["details"] == documented["details"]
        assert answer["message"].startswith(documented["message"].rstrip(" …"))


def test_english_messages_request_english():
    for found in COMMAND_AND_ANSWER.finditer(docs_text()):
        for message in re.findall(r'"message": "([^"]*)"', found["answer"]):
            if ENGLISH_WORDS.search(message):
                assert "Accept-Language: en" in found["command"], found["command"]


def test_staff_list_example_starts_as_answer(demo):
    documented = re.search(
        r'staff -H "Authorization: Bearer \$M"\n'
        r'# \[\{"id": \d+, "username": "(?P<username>\w+)", "role": "(?P<role>\w+)"',
        docs_text(),
    )
    assert documented is not None, "docs/api.md has no example of the staff list"

    first = demo.client("centreadmin").get("/api/v1/centres/440604/staff").json()[0]

    assert first["username"] == documented["username"]
    assert first["role"] == documented["role"]


@pytest.mark.parametrize(
    "path",
    [
        r"/accounts/(?P<account>[^/]+)/(?:password-reset|deactivate|reactivate)",
        r"/applicant-(?:password-resets|deactivations|reactivations) .*"
        r'"id_number": "(?P<account>\w+)"',
    ],
    ids=["staff", "window"],
)
def test_account_examples_spare_demo_accounts(path):
    text = docs_text()
    token_users = set(re.findall(r"\$\(token (\w+)\)", text))
    examples = [
        found["account"] for found in re.finditer(path, text.replace("\\\n", " "))
    ]

    assert examples
    assert token_users.isdisjoint(examples)
    assert DEMO_APPLICANT_ID_NUMBER not in examples
