"""Pages and messages name file types by short names (PDF), while the API keeps the MIME
types."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from onestop.cases.tests.test_receipts import apply_online
from onestop.cases.uploads import UploadDisguised, check_upload
from onestop.core.file_types import file_type_name
from onestop.testing import PNG_BYTES


@pytest.mark.parametrize(
    ("content_type", "name"),
    [
        ("application/pdf", "PDF"),
        ("image/jpeg", "JPEG"),
        ("image/png", "PNG"),
        ("application/ofd", "OFD"),
        ("application/zip", "ZIP"),
        (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "DOCX",
        ),
        ("application/vnd.microsoft.portable-executable", "EXE"),
        ("Application/PDF", "PDF"),
        ("text/plain; charset=utf-8", "TXT"),
    ],
)
def test_file_type_name_known(content_type, name):
    assert file_type_name(content_type) == name


def test_file_type_name_unknown_kept():
    assert file_type_name("application/x-unknown") == "application/x-unknown"
    assert file_type_name("") == ""


def test_file_type_filter():
    template = Template("{% load onestop %}{{ kind|file_type }}")

    assert template.render(Context({"kind": "image/png"})) == "PNG"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "path"),
    [("applicant", "/portal/cases/{}/"), ("clerk", "/window/cases/{}/")],
)
def test_case_pages_name_pdf(demo, username, path):
    number = apply_online(demo)

    for language in ("en", "zh-hans"):
        page = (
            demo.client(username)
            .get(path.format(number), headers={"Accept-Language": language})
            .content.decode()
        )

        assert "(PDF, " in page, language
        assert "application/pdf" not in page.replace('accept="application/pdf', "")


def test_upload_message_names_short_type():
    with pytest.raises(UploadDisguised) as raised:
        check_upload("scan.pdf", PNG_BYTES, material="营业执照")

    with translation.override("en"):
        message = raised.value.render()

    assert "which is PNG and takes the extension .png" in message
    assert raised.value.details["detected"] == "image/png"
