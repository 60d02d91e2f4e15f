"""case.unknown_material lists the matter's materials and the missing ones at once."""

from __future__ import annotations

import pytest

from onestop.cases.models import Case
from onestop.cases.tests.test_resubmission_messages import submitted_case
from onestop.cases.tests.test_uploads import apply, food_matter
from onestop.testing import PDF_BYTES, material_files, upload, window_acceptance

pytestmark = pytest.mark.django_db

FOOD = "food-business-licence"
FOOD_MATERIAL_KEYS = [
    "application_form",
    "business_licence",
    "premises_layout",
    "equipment_list",
    "safety_system",
    "applicant_id_card",
    "agent_id_card",
    "power_of_attorney",
]
KNOWN_TEXT = (
    "食品经营许可申请书 (application_form), 营业执照 (business_licence), "
    "经营场所平面布局图和设备布局、工艺流程图 (premises_layout), "
    "主要设备设施清单 (equipment_list), "
    "食品安全管理制度目录和食品安全管理人员名单 (safety_system), "
    "法定代表人或负责人居民身份证 (applicant_id_card), "
    "经办人居民身份证 (agent_id_card), 授权委托书 (power_of_attorney)"
)


def window_request(demo, language="en"):
    """Accept a walk-in whose checklist names `nope` and leaves two required unticked."""
    data = window_acceptance(food_matter(demo), "440604198503150024")
    del data["check.safety_system.original_seen"]
    del data["check.equipment_list.original_seen"]
    data["check.nope.original_seen"] = "on"
    return demo.client("clerk").post(
        "/api/v1/cases/window", data, headers={"Accept-Language": language}
    )


def test_online_unknown_material_lists_keys(demo):
    files = material_files(food_matter(demo))
    files["material.nope"] = upload("nope.pdf", PDF_BYTES)

    response = apply(demo.client("applicant"), demo, files, **{"Accept-Language": "en"})

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "case.unknown_material"
    assert body["details"]["material"] == "nope"
    assert body["details"]["unknown"] == ["nope"]
    assert body["details"]["known"] == FOOD_MATERIAL_KEYS
    assert body["message"] == (
        f"These are not materials of this matter: nope. Its materials are {KNOWN_TEXT}."
        " Send each material under its key."
    )
    assert Case.objects.count() == 0


def test_window_checklist_reports_every_problem(demo):
    response = window_request(demo)

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "case.unknown_material"
    assert body["details"]["unknown"] == ["nope"]
    assert body["details"]["known"] == FOOD_MATERIAL_KEYS
    assert body["details"]["material_keys"] == ["equipment_list", "safety_system"]
    assert body["message"].startswith("These are not materials of this matter: nope.")
    assert body["message"].endswith(
        "These required materials are missing too: 主要设备设施清单, "
        "食品安全管理制度目录和食品安全管理人员名单. Provide each of them."
    )
    assert Case.objects.count() == 0


def test_window_checklist_problems_in_chinese(demo):
    english = window_request(demo).json()

    response = window_request(demo, "zh-hans")

    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "case.unknown_material"
    assert body["message"].startswith(
        "以下不是本事项的申请材料：nope。本事项的申请材料为："
        "食品经营许可申请书（application_form）、营业执照（business_licence）、"
    )
    assert body["message"].endswith(
        "另外缺少以下必需的申请材料：主要设备设施清单、"
        "食品安全管理制度目录和食品安全管理人员名单。请逐一提供。"
    )
    assert body["details"]["unknown"] == english["details"]["unknown"]
    assert body["details"]["known"] == english["details"]["known"]
    assert body["details"]["material_keys"] == english["details"]["material_keys"]


def test_window_page_reports_every_problem(demo):
    data = window_acceptance(food_matter(demo), "440604198503150024")
    del data["check.safety_system.original_seen"]
    data["check.nope.original_seen"] = "on"
    data["step"] = "accept"

    response = demo.client("clerk").post(
        f"/window/new/{FOOD}/", data, headers={"Accept-Language": "en"}
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert "These are not materials of this matter: nope." in text
    assert "These required materials are missing too: 食品安全管理制度目录" in text
    assert Case.objects.count() == 0


def test_unknown_keys_listed_together(demo):
    data = window_acceptance(food_matter(demo), "440604198503150024")
    data["check.nope.original_seen"] = "on"
    data["check.nope2.copy_taken"] = "on"

    response = demo.client("clerk").post(
        "/api/v1/cases/window", data, headers={"Accept-Language": "en"}
    )

    body = response.json()
    assert response.status_code == 400, response.content
    assert body["details"]["unknown"] == ["nope", "nope2"]
    assert "material_keys" not in body["details"]
    assert body["message"].startswith(
        "These are not materials of this matter: nope, nope2."
    )


def test_accepting_online_case_lists_unknown(demo):
    number = submitted_case(demo)

    response = demo.client("clerk").post(
        f"/api/v1/cases/{number}/accept",
        {"checklist": {"nope": {"original_seen": True}}},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )

    body = response.json()
    assert response.status_code == 400, response.content
    assert body["code"] == "case.unknown_material"
    assert body["details"]["unknown"] == ["nope"]


def test_correction_of_unknown_material_lists_keys(demo):
    number = submitted_case(demo)

    response = demo.client("clerk").post(
        f"/api/v1/cases/{number}/correction",
        {"items": [{"material": "nope", "note": "?"}]},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )

    body = response.json()
    assert response.status_code == 400, response.content
    assert body["code"] == "case.unknown_material"
    assert body["details"]["known"] == FOOD_MATERIAL_KEYS
    assert f"Its materials are {KNOWN_TEXT}." in body["message"]
