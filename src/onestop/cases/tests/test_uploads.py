"""Rejected uploads: every bad file of a request is reported at once and nothing is saved."""

from __future__ import annotations

import pytest

from onestop.cases.models import Case, CaseState, Submission
from onestop.catalog.models import Matter
from onestop.testing import (
    PDF_BYTES,
    PNG_BYTES,
    field_messages_in,
    material_files,
    upload,
    valid_form,
    window_acceptance,
)

pytestmark = pytest.mark.django_db

FOOD = "food-business-licence"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def food_matter(demo) -> Matter:
    return Matter.objects.get(centre=demo.centre, pack_id=FOOD)


def bad_files(matter) -> dict:
    """Return the matter's required materials with four of them bad in four ways."""
    files = material_files(matter)
    files["material.application_form"] = upload("form.png", PNG_BYTES + b"\x00" * 2048)
    files["material.business_licence"] = upload("licence.jpg", PDF_BYTES)
    files["material.premises_layout"] = upload("layout.pdf", EXECUTABLE)
    files["material.equipment_list"] = upload("equipment.pdf", b"")
    return files


def apply(client, demo, files, **headers):
    matter = food_matter(demo)
    data = {"centre": demo.centre.slug, "matter": FOOD, **valid_form(matter), **files}
    return client.post("/api/v1/cases", data, headers=headers)


def test_every_bad_upload_reported(demo, settings):
    settings.ONESTOP_MAX_UPLOAD_BYTES = 1024

    response = apply(demo.client("applicant"), demo, bad_files(food_matter(demo)))

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "upload.invalid"
    files = {entry["name"]: entry for entry in body["details"]["files"]}
    assert sorted(files) == ["equipment.pdf", "form.png", "layout.pdf", "licence.jpg"]
    assert files["form.png"]["code"] == "upload.too_large"
    assert files["form.png"]["size"] == len(PNG_BYTES) + 2048
    assert files["form.png"]["limit"] == 1024
    assert files["form.png"]["material"] == "食品经营许可申请书"
    assert files["form.png"]["material_key"] == "application_form"
    assert files["licence.jpg"]["code"] == "upload.disguised"
    assert files["licence.jpg"]["detected"] == "application/pdf"
    assert files["layout.pdf"]["code"] == "upload.type_not_allowed"
    assert files["equipment.pdf"]["code"] == "upload.empty"
    assert body["message"] == (
        "4 files cannot be accepted, so nothing from this request was saved: "
        "The file form.png for 食品经营许可申请书 is 0.002 MB; the limit is 0.001 "
        "MB per file. Scan it at a lower resolution or split it. "
        "The name of the file licence.jpg for 营业执照 does not match its content, which "
        "is PDF and takes the extension .pdf. Rename it to match its "
        "content, or upload the right file. "
        "The file layout.pdf for 经营场所平面布局图和设备布局、工艺流程图 is not a PDF, "
        "JPEG or PNG file: its content is not of a type OneStop recognises. "
        "Upload a PDF, JPEG or PNG. "
        "The file equipment.pdf for 主要设备设施清单 is empty (0 bytes). Choose the "
        "file again."
    )
    assert Case.objects.count() == 0
    assert Submission.objects.count() == 0


def test_bad_uploads_reported_in_chinese(demo, settings):
    settings.ONESTOP_MAX_UPLOAD_BYTES = 1024
    files = material_files(food_matter(demo))
    files["material.application_form"] = upload("form.png", PNG_BYTES + b"\x00" * 2048)
    files["material.business_licence"] = upload("licence.txt", PDF_BYTES)

    response = apply(
        demo.client("applicant"), demo, files, **{"Accept-Language": "zh-hans"}
    )

    assert response.status_code == 400
    assert response.json()["message"] == (
        "有 2 个文件无法接收，本次提交的内容均未保存："
        "用于“食品经营许可申请书”的文件 form.png 大小为 0.002 MB，超过每个文件 0.001 MB "
        "的上限。请降低扫描分辨率，或拆分后上传。"
        "用于“营业执照”的文件 licence.txt 的名称与内容不符：其内容为 PDF，"
        "扩展名应为 .pdf。请按内容修改文件名，或上传正确的文件。"
    )
    assert Case.objects.count() == 0


def test_one_oversize_upload_keeps_its_code(demo, settings):
    settings.ONESTOP_MAX_UPLOAD_BYTES = 10 * 1048576
    files = material_files(food_matter(demo))
    big = PDF_BYTES + b"\x00" * (10 * 1048576 + 1 - len(PDF_BYTES))
    files["material.business_licence"] = upload("licence.pdf", big)

    response = apply(demo.client("applicant"), demo, files)

    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "upload.too_large"
    assert body["message"] == (
        "The file licence.pdf for 营业执照 is 10.1 MB; the limit is 10 MB per file. "
        "Scan it at a lower resolution or split it. Nothing from this request was "
        "saved: once this is corrected, send all its files again."
    )
    assert [entry["name"] for entry in body["details"]["files"]] == ["licence.pdf"]
    assert Case.objects.count() == 0


def test_window_acceptance_reports_every_bad_upload(demo):
    matter = food_matter(demo)
    data = window_acceptance(matter, "440604198503150024")
    data.update(material_files(matter))
    data["material.business_licence"] = upload("licence.jpg", PDF_BYTES)
    data["material.premises_layout"] = upload("layout.pdf", b"")

    response = demo.client("clerk").post("/api/v1/cases/window", data)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "upload.invalid"
    assert [entry["code"] for entry in body["details"]["files"]] == [
        "upload.disguised",
        "upload.empty",
    ]
    assert Case.objects.count() == 0
    assert Submission.objects.count() == 0


def test_bad_resubmission_keeps_saved_materials(demo):
    applicant = demo.client("applicant")
    number = apply(applicant, demo, material_files(food_matter(demo))).json()["number"]
    items = [{"material": "business_licence", "note": "不清晰"}]
    demo.client("clerk").post(
        f"/api/v1/cases/{number}/correction",
        {"items": items},
        content_type="application/json",
    )
    saved = set(
        Submission.objects.filter(superseded=False).values_list("pk", flat=True)
    )

    response = applicant.post(
        f"/api/v1/cases/{number}/resubmit",
        {
            "material.business_licence": [
                upload("new.pdf"),
                upload("new.jpg", PDF_BYTES),
                upload("empty.pdf", b""),
            ]
        },
    )

    assert response.status_code == 400
    assert response.json()["code"] == "upload.invalid"
    assert len(response.json()["details"]["files"]) == 2
    current = set(
        Submission.objects.filter(superseded=False).values_list("pk", flat=True)
    )
    assert current == saved
    assert Submission.objects.count() == len(saved)
    assert Case.objects.get(number=number).state == CaseState.CORRECTION_REQUESTED


def test_apply_page_shows_each_bad_upload(demo, settings):
    settings.ONESTOP_MAX_UPLOAD_BYTES = 1024
    matter = food_matter(demo)
    data = {"idempotency_key": "page-key", **valid_form(matter), **bad_files(matter)}

    response = demo.client("applicant").post(
        f"/portal/{demo.centre.slug}/matters/{FOOD}/apply/", data
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert 'data-code="upload.invalid"' in text
    for name in ("form.png", "licence.jpg", "layout.pdf", "equipment.pdf"):
        assert (
            text.count(f"The file {name} for")
            + text.count(f"The name of the file {name} for")
            == 2
        ), name
    assert Case.objects.count() == 0


def test_window_page_shows_each_bad_upload(demo):
    data = window_acceptance(food_matter(demo), "440604198503150024")
    data["step"] = "accept"
    data["material.business_licence"] = upload("licence.jpg", PDF_BYTES)
    data["material.premises_layout"] = upload("layout.pdf", b"")

    response = demo.client("clerk").post(f"/window/new/{FOOD}/", data)

    assert response.status_code == 400
    text = response.content.decode()
    assert 'data-code="upload.invalid"' in text
    assert text.count("The name of the file licence.jpg for 营业执照") == 2
    assert text.count("The file layout.pdf for 经营场所平面布局图") == 2
    assert Case.objects.count() == 0


def test_retry_with_bad_upload_reports_it(demo):
    applicant = demo.client("applicant")
    files = material_files(food_matter(demo))
    first = apply(applicant, demo, files, **{"Idempotency-Key": "retry-key"})
    assert first.status_code == 201

    retried = material_files(food_matter(demo))
    retried["material.business_licence"] = [
        upload("material.business_licence.pdf"),
        upload("extra.jpg", PDF_BYTES),
    ]
    response = apply(applicant, demo, retried, **{"Idempotency-Key": "retry-key"})

    assert response.status_code == 415
    assert response.json()["code"] == "upload.disguised"
    assert Case.objects.count() == 1


def form_missing_required_field(matter) -> tuple[dict, str]:
    """Return a valid form with its first required field left empty, and that key."""
    form = valid_form(matter)
    fields = matter.current_version.guide.form_fields
    key = next(field["key"] for field in fields if field.get("required"))
    form[f"field.{key}"] = ""
    return form, key


def test_bad_upload_and_form_in_one_notice(demo):
    matter = food_matter(demo)
    form, key = form_missing_required_field(matter)
    files = material_files(matter)
    files["material.business_licence"] = upload("licence.jpg", PDF_BYTES)
    data = {"centre": demo.centre.slug, "matter": FOOD, **form, **files}

    response = demo.client("applicant").post("/api/v1/cases", data)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "upload.invalid"
    assert [entry["name"] for entry in body["details"]["files"]] == ["licence.jpg"]
    assert list(body["details"]["fields"]) == [key]
    assert body["message"].startswith(
        "Nothing from this request was saved. These files cannot be accepted: "
        "The name of the file licence.jpg for 营业执照 does not match its content"
    )
    assert "Correct these fields of the form too: " in body["message"]
    assert body["details"]["fields"][key] == {"code": "field.required"}
    field_message = field_messages_in(body, matter, "en")[key]
    assert body["message"].endswith(field_message)
    assert Case.objects.count() == 0


def test_bad_upload_and_form_in_chinese(demo):
    matter = food_matter(demo)
    form, _key = form_missing_required_field(matter)
    files = material_files(matter)
    files["material.premises_layout"] = upload("layout.pdf", b"")
    data = {"centre": demo.centre.slug, "matter": FOOD, **form, **files}

    response = demo.client("applicant").post(
        "/api/v1/cases", data, headers={"Accept-Language": "zh-hans"}
    )

    assert response.status_code == 400
    message = response.json()["message"]
    assert message.startswith("本次提交的内容均未保存。以下文件无法接收：")
    assert "用于“经营场所平面布局图和设备布局、工艺流程图”的文件 layout.pdf" in message
    assert "另请更正表单中的这些字段：" in message


def test_window_page_shows_upload_and_field_errors(demo):
    matter = food_matter(demo)
    data = window_acceptance(matter, "440604198503150024")
    form, key = form_missing_required_field(matter)
    data.update(form)
    data["step"] = "accept"
    data["material.business_licence"] = upload("licence.jpg", PDF_BYTES)

    response = demo.client("clerk").post(f"/window/new/{FOOD}/", data)

    assert response.status_code == 400
    text = response.content.decode()
    assert text.count("The name of the file licence.jpg for 营业执照") == 2
    assert response.context["field_errors"].keys() == {key}
    assert Case.objects.count() == 0


def test_too_many_files_names_the_material(demo):
    files = material_files(food_matter(demo))
    files["material.business_licence"] = [
        upload(f"page{number}.pdf") for number in range(11)
    ]

    response = apply(demo.client("applicant"), demo, files)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "upload.too_many_files"
    assert body["message"] == (
        "11 files were sent for 营业执照; the limit is 10 per material. Combine the "
        "pages into fewer files. Nothing from this request was saved: once this is "
        "corrected, send all its files again."
    )
    assert body["details"]["material_key"] == "business_licence"
    assert body["details"]["count"] == 11
    assert body["details"]["limit"] == 10
    assert "max" not in body["details"]
    assert Case.objects.count() == 0


def test_too_many_files_listed_with_bad_file(demo):
    files = material_files(food_matter(demo))
    files["material.business_licence"] = [
        upload(f"page{number}.pdf") for number in range(11)
    ]
    files["material.premises_layout"] = upload("layout.pdf", b"")

    response = apply(
        demo.client("applicant"), demo, files, **{"Accept-Language": "zh-hans"}
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "upload.invalid"
    codes = [entry["code"] for entry in body["details"]["files"]]
    assert codes == ["upload.too_many_files", "upload.empty"]
    assert "为“营业执照”提交了 11 个文件，每项材料最多 10 个。" in body["message"]
    assert Case.objects.count() == 0
