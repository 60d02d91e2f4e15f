"""Uploaded materials must have the minimal structure of their type, not only its start."""

from __future__ import annotations

import pytest
from django.utils import translation

from onestop.cases.file_structure import structure_problem
from onestop.cases.uploads import UploadIncomplete, check_upload
from onestop.catalog.models import Matter
from onestop.testing import PDF_BYTES, PNG_BYTES, material_files, upload, valid_form

PNG_SIGNATURE_ONLY = b"\x89PNG\r\n\x1a\n"
# SOI and the start of an APP0 (JFIF) segment, as a truncated camera file has.
JPEG_HEADER_ONLY = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
# SOI, an APP0 segment of 16 bytes, a comment segment and EOI.
JPEG_MINIMAL = (
    b"\xff\xd8"
    + b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"\xff\xfe\x00\x04ok"
    + b"\xff\xd9"
)
PDF_WITHOUT_END = b"%PDF-1.4\n1 0 obj <<>> endobj\n"
# The short names by which messages name the detected types.
SHORT_NAMES = {"image/png": "PNG", "image/jpeg": "JPEG", "application/pdf": "PDF"}


@pytest.mark.parametrize(
    ("name", "content", "detected"),
    [
        ("scan.png", PNG_SIGNATURE_ONLY, "image/png"),
        ("scan.png", PNG_BYTES[:30], "image/png"),
        ("photo.jpg", JPEG_HEADER_ONLY, "image/jpeg"),
        ("photo.jpg", JPEG_MINIMAL[:-2], "image/jpeg"),
        ("form.pdf", PDF_WITHOUT_END, "application/pdf"),
    ],
)
def test_truncated_file_rejected(name, content, detected):
    with translation.override("en"), pytest.raises(UploadIncomplete) as raised:
        check_upload(name, content, material="营业执照")
    with translation.override("en"):
        message = raised.value.render()

    assert raised.value.code == "upload.incomplete"
    assert raised.value.details["detected"] == detected
    assert raised.value.as_dict()["details"]["rule"] in {
        "png_ihdr",
        "jpeg_segments",
        "pdf_header_and_eof",
    }
    assert message.startswith(
        f"The file {name} for 营业执照 starts as a file of type {SHORT_NAMES[detected]} "
        "but is not complete: "
    )


@pytest.mark.parametrize(
    ("content_type", "content"),
    [
        ("image/png", PNG_BYTES),
        ("image/jpeg", JPEG_MINIMAL),
        ("application/pdf", PDF_BYTES),
        ("application/pdf", b"\n" * 10 + PDF_BYTES + b"\n" * 100),
    ],
)
def test_minimal_complete_file_accepted(content_type, content):
    assert structure_problem(content_type, content) is None


def test_incomplete_png_rule_in_chinese():
    with translation.override("zh-hans"), pytest.raises(UploadIncomplete) as raised:
        check_upload("scan.png", PNG_SIGNATURE_ONLY, material="营业执照")
    with translation.override("zh-hans"):
        message = raised.value.render()

    assert message == (
        "用于“营业执照”的文件 scan.png 开头是 PNG 文件，但文件不完整：PNG 文件在 8 "
        "字节的文件签名之后紧接着一个完整的 IHDR 块（25 字节）。请上传完整的文件，或重新"
        "保存或扫描。"
    )


@pytest.mark.django_db
def test_api_rejects_signature_only_png(demo):
    matter = Matter.objects.get(centre=demo.centre, pack_id="food-business-licence")
    data = {"centre": demo.centre.slug, "matter": matter.pack_id, **valid_form(matter)}
    data.update(material_files(matter))
    data["material.business_licence"] = upload("licence.png", PNG_SIGNATURE_ONLY)

    response = demo.client("applicant").post("/api/v1/cases", data)

    assert response.status_code == 400
    assert response.json()["code"] == "upload.incomplete"
