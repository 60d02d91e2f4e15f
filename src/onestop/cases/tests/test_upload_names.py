"""Long file names: rejected with upload.name_too_long, never cut without a word."""

from __future__ import annotations

import io
import logging

import pytest
from django.test import Client

from onestop.cases.models import Case, Submission
from onestop.cases.tests.test_api_downloads import token_client
from onestop.catalog.models import Matter
from onestop.testing import PDF_BYTES, material_files, upload, valid_form

pytestmark = pytest.mark.django_db

FOOD = "food-business-licence"


class NamedFile(io.BytesIO):
    """A file that the test client sends under its whole name.

    SimpleUploadedFile cuts a name to 255 characters, as a browser never does.
    """

    def __init__(self, name: str, content: bytes) -> None:
        super().__init__(content)
        self.name = name


def apply(client, demo, name: str, *, first_file: bytes = PDF_BYTES, language="en"):
    """Apply for the food licence with the application form's file named `name`."""
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    files = material_files(matter)
    files["material.business_licence"] = upload("licence.pdf", first_file)
    files["material.application_form"] = NamedFile(name, PDF_BYTES)
    data = {"centre": demo.centre.slug, "matter": FOOD, **valid_form(matter), **files}
    return client.post("/api/v1/cases", data, headers={"Accept-Language": language})


@pytest.mark.parametrize("name", ["a" * 1000 + ".pdf", "𠮷" * 300 + ".pdf"])
def test_name_past_part_header_limit(demo, name, caplog):
    caplog.set_level(logging.INFO)

    response = apply(demo.client("applicant"), demo, name, language="en")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "upload.name_too_long"
    assert body["details"]["material_key"] == "application_form"
    assert body["details"]["limit"] == 120
    assert body["details"]["name"] == name[:200] + "…"
    assert body["message"] == (
        f"The name of the file {name[:40]}… for 食品经营许可申请书 is too long: its "
        "part's headers pass the 1024 bytes that the server reads. Rename the file to "
        "at most 120 characters. Nothing from this request was saved: once this is "
        "corrected, send all its files again."
    )
    lines = [
        r.getMessage() for r in caplog.records if "name_too_long" in r.getMessage()
    ]
    assert len(lines) == 1
    assert name[:20] not in lines[0]
    assert Case.objects.count() == 0


def test_header_limit_found_after_large_file(demo):
    """The part is named even when a file of several hundred KB comes before it."""
    big = PDF_BYTES + b"\x00" * 700_000

    response = apply(
        demo.client("applicant"), demo, "b" * 1100 + ".pdf", first_file=big
    )

    assert response.status_code == 400
    assert response.json()["code"] == "upload.name_too_long"
    assert response.json()["details"]["material_key"] == "application_form"


def test_header_limit_in_chinese(demo):
    name = "申" * 400 + ".pdf"

    response = apply(demo.client("applicant"), demo, name, language="zh-hans")

    assert response.status_code == 400
    assert response.json()["message"] == (
        f"用于“食品经营许可申请书”的文件{name[:40]}… 的名称过长：所在部分的标头超过"
        "服务器读取的 1024 字节上限。请将文件名改为不超过 120 个字符。"
        "本次请求的内容均未保存：更正后请重新提交全部文件。"
    )


@pytest.mark.parametrize("name", ["a" * 117 + ".pdf", "𠮷" * 117 + ".pdf"])
def test_name_over_limit_rejected(demo, name):
    response = apply(demo.client("applicant"), demo, name, language="en")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "upload.name_too_long"
    assert body["details"]["length"] == 121
    assert body["details"]["material"] == "食品经营许可申请书"
    assert body["message"].startswith(
        f"The name of the file {name[:40]}… for 食品经营许可申请书 is 121 characters "
        "long; the limit is 120 characters. Rename the file and send it again."
    )
    assert Submission.objects.count() == 0


@pytest.mark.parametrize("name", ["a" * 116 + ".pdf", "𠮷" * 116 + ".pdf"])
def test_name_at_limit_kept_whole(demo, name):
    response = apply(demo.client("applicant"), demo, name)

    assert response.status_code == 201
    names = set(Submission.objects.values_list("original_name", flat=True))
    assert name in names


def test_malformed_multipart_gets_json(demo):
    response = demo.client("applicant").post(
        "/api/v1/cases",
        b"--x\r\nno headers here",
        content_type="multipart/form-data; boundary=",
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "request.multipart_invalid"


def apply_on_page(demo, name: str):
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    data = {**valid_form(matter), **material_files(matter)}
    data["material.application_form"] = NamedFile(name, PDF_BYTES)
    return demo.client("applicant").post(
        f"/portal/{demo.centre.slug}/matters/{FOOD}/apply/",
        data,
        headers={"Accept-Language": "en"},
    )


def test_page_shows_header_limit_error(demo):
    response = apply_on_page(demo, "c" * 1000 + ".pdf")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert "<code>upload.name_too_long</code>" in text
    assert "for 食品经营许可申请书 is too long" in text
    assert "Rename the file to at most 120 characters." in text


def test_page_shows_name_error_at_material(demo):
    response = apply_on_page(demo, "d" * 200 + ".pdf")

    assert response.status_code == 400
    text = response.content.decode()
    assert 'data-code="upload.name_too_long"' in text
    assert (
        '<div class="field-error" role="alert">The name of the file '
        + "d" * 40
        + "… for 食品经营许可申请书 is 204 characters long; the limit is 120 "
        "characters. Rename the file and send it again.</div>"
    ) in text
    assert Case.objects.count() == 0


def test_header_limit_names_material_of_case_in_path(demo):
    number = apply(demo.client("applicant"), demo, "form.pdf").json()["number"]

    response = demo.client("applicant").post(
        f"/api/v1/cases/{number}/resubmit",
        {"material.application_form": NamedFile("e" * 1000 + ".pdf", PDF_BYTES)},
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "upload.name_too_long"
    assert response.json()["details"]["material"] == "食品经营许可申请书"


@pytest.mark.parametrize(
    ("language", "material_text"),
    [
        ("en", "for 食品经营许可申请书 is too long"),
        ("zh-hans", "用于“食品经营许可申请书”"),
    ],
)
def test_header_limit_names_material_for_token(demo, language, material_text):
    name = "𠮷" * 300 + ".pdf"

    response = apply(token_client("applicant"), demo, name, language=language)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "upload.name_too_long"
    assert body["details"]["material"] == "食品经营许可申请书"
    assert body["details"]["material_key"] == "application_form"
    assert material_text in body["message"]
    assert Case.objects.count() == 0


def test_header_limit_names_material_signed_out(demo):
    response = apply(Client(), demo, "𠮷" * 300 + ".pdf")

    assert response.status_code == 400
    assert response.json()["details"]["material"] == "食品经营许可申请书"


def test_header_limit_case_in_path_for_token(demo):
    number = apply(demo.client("applicant"), demo, "form.pdf").json()["number"]

    response = token_client("applicant").post(
        f"/api/v1/cases/{number}/resubmit",
        {"material.application_form": NamedFile("e" * 1000 + ".pdf", PDF_BYTES)},
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "upload.name_too_long"
    assert response.json()["details"]["material"] == "食品经营许可申请书"


def test_header_limit_case_of_another_token(demo):
    number = apply(demo.client("applicant"), demo, "form.pdf").json()["number"]

    response = token_client("agent").post(
        f"/api/v1/cases/{number}/resubmit",
        {"material.application_form": NamedFile("e" * 1000 + ".pdf", PDF_BYTES)},
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    assert response.json()["details"]["material"] == "application_form"
