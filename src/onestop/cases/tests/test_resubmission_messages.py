"""Errors of a resubmission name its parts and the items the correction notice requests."""

from __future__ import annotations

import pytest

from onestop.cases.models import Case, CaseState
from onestop.catalog.models import Matter
from onestop.testing import material_files, upload, valid_form

pytestmark = pytest.mark.django_db

FOOD = "food-business-licence"


def submitted_case(demo) -> str:
    """Apply for the food licence online and return the case number."""
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    data = {"centre": demo.centre.slug, "matter": FOOD}
    data.update(valid_form(matter))
    data.update(material_files(matter))
    return demo.client("applicant").post("/api/v1/cases", data).json()["number"]


def case_awaiting_correction(demo, items: list[dict[str, str]]) -> str:
    """Apply for the food licence, have the clerk request `items`, return the number."""
    number = submitted_case(demo)
    response = demo.client("clerk").post(
        f"/api/v1/cases/{number}/correction",
        {"items": items},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return number


def resubmit(demo, number: str, language: str = "en", **kwargs):
    return demo.client("applicant").post(
        f"/api/v1/cases/{number}/resubmit",
        headers={"Accept-Language": language},
        **kwargs,
    )


def test_json_resubmission_names_its_parts(demo):
    number = case_awaiting_correction(demo, [{"material": "premises_layout"}])

    response = resubmit(demo, number, data={}, content_type="application/json")

    assert response.status_code == 415
    body = response.json()
    assert body["code"] == "request.multipart_required"
    assert body["message"] == (
        "This endpoint takes a multipart/form-data body, not application/json. Send "
        "what the correction notice asks for as parts of a multipart body: each "
        "material.<key> file, and the corrected form fields as field.<key> parts or as "
        "one form part that holds a JSON object."
    )
    assert "centre" not in body["message"]


def test_json_resubmission_message_in_chinese(demo):
    number = case_awaiting_correction(demo, [{"material": "premises_layout"}])

    response = resubmit(
        demo, number, "zh-hans", data={}, content_type="application/json"
    )

    assert response.json()["message"].startswith(
        "此接口只接受 multipart/form-data 请求体，不接受 application/json。"
        "请把补正告知书要求的内容作为 multipart 请求体的部分发送"
    )


def test_empty_resubmission_names_requested_items(demo):
    items = [
        {"material": "premises_layout", "note": "不清晰"},
        {"field": "organisation_name", "note": "与营业执照不一致"},
    ]
    number = case_awaiting_correction(demo, items)

    response = resubmit(demo, number, data={})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "case.corrections_outstanding"
    assert body["message"] == (
        "This resubmission provides nothing, but the correction notice asks for "
        "经营场所平面布局图和设备布局、工艺流程图, 单位名称. Provide each of them and "
        "submit again."
    )
    assert body["details"]["requested"] == ["premises_layout", "organisation_name"]
    assert body["details"]["items"] == [
        "经营场所平面布局图和设备布局、工艺流程图",
        "单位名称",
    ]
    assert Case.objects.get(number=number).state == CaseState.CORRECTION_REQUESTED


def test_empty_resubmission_quotes_note(demo):
    note = (
        "请到窗口核验原件，并补充说明经营场所的产权情况、使用期限、周边环境"
        "以及消防验收等有关内容"
    )
    number = case_awaiting_correction(demo, [{"note": note}])

    response = resubmit(demo, number, "zh-hans", data={})

    assert len(note) > 40
    assert response.json()["message"] == (
        f"本次重新提交没有包含任何内容，而补正告知书要求提供“{note[:40]}…”。"
        "请逐项提供后再提交。"
    )


def test_requested_field_left_unchanged_rejected(demo):
    number = case_awaiting_correction(
        demo,
        [{"material": "premises_layout"}, {"field": "business_items", "note": ""}],
    )
    before = Case.objects.get(number=number).form_data["business_items"]

    response = resubmit(demo, number, data=material_files_of(demo, "premises_layout"))

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "case.corrections_outstanding"
    assert body["details"]["requested"] == ["business_items"]
    assert body["details"]["fields"] == ["business_items"]
    assert body["details"]["materials"] == []
    assert "asks to correct 经营项目" in body["message"]
    case = Case.objects.get(number=number)
    assert case.state == CaseState.CORRECTION_REQUESTED
    assert case.form_data["business_items"] == before


def test_requested_field_with_same_value_rejected(demo):
    number = case_awaiting_correction(demo, [{"field": "business_items"}])
    before = Case.objects.get(number=number).form_data["business_items"]

    response = resubmit(demo, number, data={"field.business_items": before})

    assert response.status_code == 400, response.content
    assert response.json()["details"]["requested"] == ["business_items"]


def test_requested_field_corrected_accepted(demo):
    number = case_awaiting_correction(demo, [{"field": "business_items"}])

    response = resubmit(demo, number, data={"field.business_items": "预包装食品销售"})

    assert response.status_code == 200, response.content
    case = Case.objects.get(number=number)
    assert case.state != CaseState.CORRECTION_REQUESTED
    assert case.form_data["business_items"] == "预包装食品销售"


def test_unknown_field_in_correction_rejected(demo):
    number = submitted_case(demo)

    response = demo.client("clerk").post(
        f"/api/v1/cases/{number}/correction",
        {"items": [{"field": "no_such_field"}]},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "case.unknown_field"
    assert Case.objects.get(number=number).state == CaseState.SUBMITTED


def test_long_correction_note_rejected(demo):
    number = submitted_case(demo)

    response = demo.client("clerk").post(
        f"/api/v1/cases/{number}/correction",
        {"items": [{"material": "premises_layout", "note": "缺" * 2001}]},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )

    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "case.correction_note_too_long"
    assert body["message"].startswith("The note on ")
    assert "has 2001 characters; the maximum is 2000." in body["message"]
    assert Case.objects.get(number=number).state == CaseState.SUBMITTED


def material_files_of(demo, key: str) -> dict:
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    return {name: f for name, f in material_files(matter).items() if key in name}


# A correction notice of a food licence case that requests two materials and a form field.
THREE_ITEMS = [
    {"material": "premises_layout", "note": "平面图不清晰"},
    {"material": "safety_system", "note": "缺少食品安全自查制度"},
    {"field": "contact_phone", "note": "电话无法接通"},
]


def test_outstanding_items_listed_at_once(demo):
    number = case_awaiting_correction(demo, THREE_ITEMS)

    response = resubmit(demo, number, data=material_files_of(demo, "premises_layout"))

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "case.corrections_outstanding"
    assert body["details"]["materials"] == ["safety_system"]
    assert body["details"]["fields"] == ["contact_phone"]
    assert body["details"]["requested"] == ["safety_system", "contact_phone"]
    assert body["message"] == (
        "The correction notice asks for 食品安全管理制度目录和食品安全管理人员名单, which this "
        "resubmission "
        "does not provide, and asks to correct 联系电话, which it leaves as they were. "
        "Provide each material, enter the corrected values and submit again."
    )
    assert Case.objects.get(number=number).state == CaseState.CORRECTION_REQUESTED


def test_outstanding_items_listed_in_chinese(demo):
    number = case_awaiting_correction(demo, THREE_ITEMS)

    response = resubmit(
        demo, number, "zh-hans", data={"field.contact_phone": "13800138001"}
    )

    body = response.json()
    assert response.status_code == 400, response.content
    assert body["code"] == "case.corrections_outstanding"
    assert body["details"]["requested"] == [
        "premises_layout",
        "safety_system",
    ]
    assert body["message"] == (
        "补正告知书要求提供经营场所平面布局图和设备布局、工艺流程图、"
        "食品安全管理制度目录和食品安全管理人员名单，本次重新提交未包含。"
        "请逐项提供后再提交。"
    )


def test_outstanding_details_same_in_both_languages(demo):
    number = case_awaiting_correction(demo, THREE_ITEMS)

    english = resubmit(demo, number, "en", data={"field.business_items": "预包装"})
    chinese = resubmit(demo, number, "zh-hans", data={"field.business_items": "预包装"})

    assert english.status_code == 400, english.content
    assert english.json()["details"] == chinese.json()["details"]
    assert english.json()["details"]["requested"] == [
        "premises_layout",
        "safety_system",
        "contact_phone",
    ]
    assert "工艺流程图、食品安全管理制度目录" in chinese.json()["message"]
    assert "还要求更正联系电话" in chinese.json()["message"]


def test_every_outstanding_item_answered(demo):
    number = case_awaiting_correction(demo, THREE_ITEMS)
    files = material_files_of(demo, "premises_layout")
    files.update(material_files_of(demo, "safety_system"))

    response = resubmit(
        demo, number, data={**files, "field.contact_phone": "13800138001"}
    )

    assert response.status_code == 200, response.content
    case = Case.objects.get(number=number)
    assert case.state == CaseState.SUBMITTED
    assert case.form_data["contact_phone"] == "13800138001"


def test_portal_page_lists_outstanding_items(demo):
    number = case_awaiting_correction(demo, THREE_ITEMS)
    data = {"action": "resubmit", **material_files_of(demo, "premises_layout")}

    response = demo.client("applicant").post(
        f"/portal/cases/{number}/", data, headers={"Accept-Language": "zh-hans"}
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert "补正告知书要求提供食品安全管理制度目录" in text
    assert "还要求更正联系电话" in text


# A correction notice of a food licence case that requests two materials.
TWO_MATERIALS = THREE_ITEMS[:2]


def test_unknown_key_and_outstanding_in_one_notice(demo):
    number = case_awaiting_correction(demo, TWO_MATERIALS)

    response = resubmit(demo, number, data={"material.nonexist": upload("scan.pdf")})

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "case.unknown_material"
    assert body["details"]["unknown"] == ["nonexist"]
    assert body["details"]["materials"] == ["premises_layout", "safety_system"]
    assert body["details"]["fields"] == []
    assert body["details"]["requested"] == ["premises_layout", "safety_system"]
    assert body["message"].startswith(
        "These are not materials of this matter: nonexist. Its materials are "
    )
    assert body["message"].endswith(
        "Send each material under its key. The correction notice also asks for "
        "经营场所平面布局图和设备布局、工艺流程图, "
        "食品安全管理制度目录和食品安全管理人员名单, which this resubmission does not "
        "provide or correct. Provide each of them and submit again."
    )
    assert Case.objects.get(number=number).state == CaseState.CORRECTION_REQUESTED


def test_unknown_key_and_outstanding_in_chinese(demo):
    number = case_awaiting_correction(demo, TWO_MATERIALS)

    response = resubmit(
        demo, number, "zh-hans", data={"material.nonexist": upload("scan.pdf")}
    )

    assert response.status_code == 400, response.content
    message = response.json()["message"]
    assert "nonexist" in message
    assert (
        "补正告知书还要求提供或更正经营场所平面布局图和设备布局、工艺流程图、"
        "食品安全管理制度目录和食品安全管理人员名单" in message
    )


def test_unknown_key_alone_when_notice_answered(demo):
    number = case_awaiting_correction(demo, TWO_MATERIALS)
    files = material_files_of(demo, "premises_layout")
    files.update(material_files_of(demo, "safety_system"))

    response = resubmit(
        demo, number, data={**files, "material.nonexist": upload("scan.pdf")}
    )

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "case.unknown_material"
    assert body["details"]["unknown"] == ["nonexist"]
    assert "requested" not in body["details"]
    assert "correction notice" not in body["message"]


def test_portal_page_lists_unknown_and_outstanding(demo):
    number = case_awaiting_correction(demo, TWO_MATERIALS)
    data = {"action": "resubmit", "material.nonexist": upload("scan.pdf")}

    response = demo.client("applicant").post(
        f"/portal/cases/{number}/", data, headers={"Accept-Language": "zh-hans"}
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert "nonexist" in text
    assert "补正告知书还要求提供或更正经营场所平面布局图" in text
