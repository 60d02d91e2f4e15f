"""Upload content types named as far as the bytes prove them, not by a first guess."""

from __future__ import annotations

import io
import zipfile

import pytest

from onestop.cases.content_types import sniff_content_type
from onestop.cases.models import Case
from onestop.cases.tests.test_uploads import apply, food_matter
from onestop.testing import PDF_BYTES, PNG_BYTES, material_files, upload, valid_form

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
POWERPOINT = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
BARE_ZIP_SIGNATURE = b"PK\x03\x04"


def zip_of(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (BARE_ZIP_SIGNATURE, "application/zip"),
        (BARE_ZIP_SIGNATURE + b"\x00" * 100, "application/zip"),
        (zip_of("photo.jpg"), "application/zip"),
        (zip_of("word/document.xml"), "application/zip"),
        (zip_of("[Content_Types].xml", "word/document.xml"), WORD),
        (zip_of("[Content_Types].xml", "xl/workbook.xml"), EXCEL),
        (zip_of("[Content_Types].xml", "ppt/presentation.xml"), POWERPOINT),
        (zip_of("[Content_Types].xml", "content.xml"), "application/zip"),
        (
            bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 100,
            "application/x-ole-storage",
        ),
        (PDF_BYTES, "application/pdf"),
        (PNG_BYTES, "image/png"),
        (b"MZ\x90\x00" + b"\x00" * 64, "application/vnd.microsoft.portable-executable"),
        (b"plain text", ""),
    ],
)
def test_sniffed_type(content, expected):
    assert sniff_content_type(content) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "its content was recognised as ZIP."),
        ("zh-hans", "其内容被识别为 ZIP。"),
    ],
)
def test_bare_zip_upload_named_zip(demo, language, text):
    files = material_files(food_matter(demo))
    files["material.premises_layout"] = upload("layout.pdf", BARE_ZIP_SIGNATURE)

    headers = {"Accept-Language": language}
    response = apply(demo.client("applicant"), demo, files, **headers)

    assert response.status_code == 415, response.content
    body = response.json()
    assert body["code"] == "upload.type_not_allowed"
    assert body["details"]["detected"] == "application/zip"
    assert text in body["message"]
    assert "wordprocessingml" not in body["message"]
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_apply_page_names_bare_zip(demo):
    matter = food_matter(demo)
    files = material_files(matter)
    files["material.premises_layout"] = upload("layout.pdf", BARE_ZIP_SIGNATURE)
    data = {"idempotency_key": "zip-page", **valid_form(matter), **files}

    response = demo.client("applicant").post(
        f"/portal/{demo.centre.slug}/matters/food-business-licence/apply/",
        data,
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 415
    text = response.content.decode()
    assert "its content was recognised as ZIP." in text
    assert "wordprocessingml" not in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "its content is not of a type OneStop recognises."),
        ("zh-hans", "其内容不属于 OneStop 能识别的任何文件类型。"),
    ],
)
def test_unrecognised_upload_says_type_unknown(demo, language, text):
    files = material_files(food_matter(demo))
    elf = b"\x7fELF\x02\x01\x01" + b"\x00" * 100
    files["material.premises_layout"] = upload("layout.pdf", elf)

    headers = {"Accept-Language": language}
    response = apply(demo.client("applicant"), demo, files, **headers)

    assert response.status_code == 415, response.content
    body = response.json()
    assert body["code"] == "upload.type_not_allowed"
    assert body["details"]["detected"] is None
    assert text in body["message"]
    assert "识别为" not in body["message"]
    assert "recognised as" not in body["message"]
