"""A rejected upload's notice also lists the required materials that have no file."""

from __future__ import annotations

import pytest

from onestop.cases.models import Case, CaseState, Submission
from onestop.cases.tests.test_uploads import (
    EXECUTABLE,
    FOOD,
    food_matter,
    form_missing_required_field,
)
from onestop.testing import material_files, upload, valid_form, window_acceptance

pytestmark = pytest.mark.django_db

OTHER_MATERIALS = [
    "营业执照",
    "经营场所平面布局图和设备布局、工艺流程图",
    "主要设备设施清单",
    "食品安全管理制度目录和食品安全管理人员名单",
    "法定代表人或负责人居民身份证",
]
OTHER_KEYS = [
    "business_licence",
    "premises_layout",
    "equipment_list",
    "safety_system",
    "applicant_id_card",
]


def apply_with_one_bad_file(demo, form=None, **headers):
    """Apply for the food licence with only the application form, which is a program."""
    data = {
        "centre": demo.centre.slug,
        "matter": FOOD,
        **(valid_form(food_matter(demo)) if form is None else form),
        "material.application_form": upload("evil.pdf", EXECUTABLE),
    }
    return demo.client("applicant").post("/api/v1/cases", data, headers=headers)


def test_rejected_file_lists_missing_materials(demo):
    response = apply_with_one_bad_file(demo, **{"Accept-Language": "en"})

    assert response.status_code == 415
    body = response.json()
    assert body["code"] == "upload.type_not_allowed"
    assert body["details"]["missing"] == OTHER_MATERIALS
    assert body["details"]["material_keys"] == OTHER_KEYS
    assert body["message"] == (
        "The file evil.pdf for 食品经营许可申请书 is not a PDF, JPEG or PNG file: its "
        "content is not of a type OneStop recognises. Upload a PDF, JPEG or PNG. These "
        "required "
        f"materials are missing too: {', '.join(OTHER_MATERIALS)}. Provide each of "
        "them. Nothing from this request was saved: once this is corrected, send all "
        "its files again."
    )
    assert Case.objects.count() == 0


def test_rejected_file_lists_missing_in_chinese(demo):
    response = apply_with_one_bad_file(demo, **{"Accept-Language": "zh-hans"})

    message = response.json()["message"]
    assert (
        f"另外缺少以下必需的申请材料：{'、'.join(OTHER_MATERIALS)}。请逐一提供。"
        in (message)
    )
    assert message.endswith("本次请求的内容均未保存：更正后请重新提交全部文件。")


def test_rejected_file_and_form_list_missing(demo):
    form, key = form_missing_required_field(food_matter(demo))

    response = apply_with_one_bad_file(demo, form, **{"Accept-Language": "en"})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "upload.invalid"
    assert list(body["details"]["fields"]) == [key]
    assert body["details"]["missing"] == OTHER_MATERIALS
    assert body["message"].endswith(
        f"These required materials are missing too: {', '.join(OTHER_MATERIALS)}. "
        "Provide each of them."
    )


def test_complete_application_lists_nothing_missing(demo):
    files = material_files(food_matter(demo))
    files["material.business_licence"] = upload("licence.jpg", EXECUTABLE)
    data = {"centre": demo.centre.slug, "matter": FOOD, **valid_form(food_matter(demo))}

    response = demo.client("applicant").post("/api/v1/cases", {**data, **files})

    assert response.status_code == 415
    assert "missing" not in response.json()["details"]


def test_window_case_counts_ticked_originals(demo):
    matter = food_matter(demo)
    data = window_acceptance(matter, "440604198503150024")
    del data["check.safety_system.original_seen"]
    data["material.application_form"] = upload("evil.pdf", EXECUTABLE)

    response = demo.client("clerk").post("/api/v1/cases/window", data)

    assert response.status_code == 415
    assert response.json()["details"]["material_keys"] == ["safety_system"]


def submitted_case_without(demo, material: str) -> Case:
    """Return a submitted food licence case whose `material` was replaced by nothing."""
    data = {
        "centre": demo.centre.slug,
        "matter": FOOD,
        **valid_form(food_matter(demo)),
        **material_files(food_matter(demo)),
    }
    number = demo.client("applicant").post("/api/v1/cases", data).json()["number"]
    case = Case.objects.get(number=number)
    Submission.objects.filter(case=case, material_key=material).update(superseded=True)
    return case


def test_resubmission_lists_missing(demo):
    case = submitted_case_without(demo, "equipment_list")
    items = [{"material": "business_licence", "note": "不清晰"}]
    demo.client("clerk").post(
        f"/api/v1/cases/{case.number}/correction",
        {"items": items},
        content_type="application/json",
    )

    response = demo.client("applicant").post(
        f"/api/v1/cases/{case.number}/resubmit",
        {"material.business_licence": upload("licence.pdf", EXECUTABLE)},
    )

    assert response.status_code == 415
    assert response.json()["details"]["material_keys"] == ["equipment_list"]
    case.refresh_from_db()
    assert case.state == CaseState.CORRECTION_REQUESTED


def test_window_accept_page_lists_missing(demo):
    case = submitted_case_without(demo, "equipment_list")

    response = demo.client("clerk").post(
        f"/window/cases/{case.number}/",
        {
            "action": "accept",
            "material.business_licence": upload("licence.pdf", EXECUTABLE),
        },
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 415
    text = response.content.decode()
    assert "These required materials are missing too: 主要设备设施清单." in text
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_apply_page_marks_missing_materials(demo):
    matter = food_matter(demo)
    data = {
        "idempotency_key": "page-key",
        **valid_form(matter),
        "material.application_form": upload("evil.pdf", EXECUTABLE),
    }

    response = demo.client("applicant").post(
        f"/portal/{demo.centre.slug}/matters/{FOOD}/apply/", data
    )

    assert response.status_code == 415
    text = response.content.decode()
    for key in OTHER_KEYS:
        assert f'id="material-error-{key}"' in text, key
    assert 'id="material-error-application_form"' not in text
