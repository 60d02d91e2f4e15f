"""The case spine through the API: apply online, accept at the window, decide, collect, rate."""

from __future__ import annotations

import json

import pytest

from onestop.cases.models import Case, CaseDocument, CaseEvent, CaseState
from onestop.catalog.models import Matter
from onestop.core import outbox
from onestop.core.models import AuditEvent, Notification
from onestop.core.signing import public_keys_for, verify_document
from onestop.testing import (
    PDF_BYTES,
    PNG_BYTES,
    current_version,
    material_files,
    upload,
    valid_form,
    window_acceptance,
)

pytestmark = pytest.mark.django_db

FOOD = "food-business-licence"


def food_matter(demo) -> Matter:
    return Matter.objects.get(centre=demo.centre, pack_id=FOOD)


def apply(client, demo, *, key="key-1", files=None, form=None, matter=None):
    matter = matter or food_matter(demo)
    data = {"centre": demo.centre.slug, "matter": matter.pack_id}
    data.update(valid_form(matter) if form is None else form)
    data.update(material_files(matter) if files is None else files)
    return client.post("/api/v1/cases", data, headers={"Idempotency-Key": key})


def test_online_application_to_rating(demo):
    applicant = demo.client("applicant")
    response = apply(applicant, demo)
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    assert response.json()["state"] == CaseState.SUBMITTED
    assert number.startswith("440604")

    clerk = demo.client("clerk")
    response = clerk.post(
        f"/api/v1/cases/{number}/accept",
        {"window": "3"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == CaseState.ACCEPTED
    assert body["promised_due"]
    assert body["statutory_due"]

    outbox.drain()
    assert Case.objects.get(number=number).state == CaseState.IN_REVIEW

    reviewer = demo.client("reviewer")
    response = reviewer.post(
        f"/api/v1/cases/{number}/approve",
        {"opinion": "符合条件，准予许可"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == CaseState.RESULT_ISSUED

    response = applicant.post(f"/api/v1/cases/{number}/deliver")
    assert response.json()["state"] == CaseState.CLOSED

    response = applicant.post(
        f"/api/v1/ratings/cases/{number}",
        {"level": 5, "comment": "<b>很好</b>"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["comment"] == "<b>很好</b>"

    actions = list(
        CaseEvent.objects.filter(case__number=number).values_list("action", flat=True)
    )
    assert actions == [
        "submit",
        "accept",
        "start_review",
        "approve",
        "issue_result",
        "deliver_result",
    ]
    assert Notification.objects.filter(user=demo.user("applicant")).count() >= 2


def test_acceptance_receipt_is_signed_by_centre(demo):
    number = apply(demo.client("applicant"), demo).json()["number"]
    demo.client("clerk").post(
        f"/api/v1/cases/{number}/accept", {}, content_type="application/json"
    )
    outbox.drain()
    receipt = CaseDocument.objects.get(case__number=number, kind="acceptance_receipt")
    keys = public_keys_for(demo.centre)
    assert verify_document(receipt.data, receipt.signature, keys)
    tampered = {**receipt.data, "promised_due": "2099-01-01"}
    assert not verify_document(tampered, receipt.signature, keys)


def test_same_idempotency_key_gives_one_case(demo):
    applicant = demo.client("applicant")
    first = apply(applicant, demo, key="double-click")
    second = apply(applicant, demo, key="double-click")
    assert first.status_code == 201
    assert second.status_code == 200
    assert first.json()["number"] == second.json()["number"]
    assert Case.objects.filter(centre=demo.centre).count() == 1


def test_missing_required_field_names_it(demo):
    matter = food_matter(demo)
    form = valid_form(matter)
    form.pop("field.organisation_name")
    response = apply(demo.client("applicant"), demo, form=form)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "form.invalid"
    assert "organisation_name" in body["details"]["fields"]
    assert Case.objects.count() == 0


def test_disguised_upload_rejected(demo):
    matter = food_matter(demo)
    files = material_files(matter)
    first = next(iter(files))
    files[first] = upload("licence.jpg", PDF_BYTES)
    response = apply(demo.client("applicant"), demo, files=files)
    assert response.status_code == 415
    assert response.json()["code"] == "upload.disguised"
    assert "licence.jpg" in response.json()["message"]


def test_program_renamed_to_pdf_rejected(demo):
    files = material_files(food_matter(demo))
    files[next(iter(files))] = upload(
        "scan.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
    )
    response = apply(demo.client("applicant"), demo, files=files)
    assert response.status_code == 415
    assert response.json()["code"] == "upload.type_not_allowed"


def test_oversize_upload_rejected(demo, settings):
    settings.ONESTOP_MAX_UPLOAD_BYTES = 1024
    files = material_files(food_matter(demo))
    files[next(iter(files))] = upload("big.png", PNG_BYTES + b"\x00" * 2048)
    response = apply(demo.client("applicant"), demo, files=files)
    assert response.status_code == 413
    assert response.json()["code"] == "upload.too_large"


def test_missing_material_listed(demo):
    files = material_files(food_matter(demo))
    files.pop(next(iter(files)))
    response = apply(demo.client("applicant"), demo, files=files)
    assert response.status_code == 400
    assert response.json()["code"] == "case.materials_missing"


def test_field_errors_and_missing_materials_together(demo):
    matter = food_matter(demo)
    form = valid_form(matter)
    form.pop("field.organisation_name")
    files = material_files(matter)
    files.pop("material.premises_layout")
    files.pop("material.safety_system")

    response = apply(demo.client("applicant"), demo, form=form, files=files)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "form.invalid"
    assert body["details"]["fields"] == {
        "organisation_name": {"code": "field.required"}
    }
    assert body["details"]["missing"] == [
        "经营场所平面布局图和设备布局、工艺流程图",
        "食品安全管理制度目录和食品安全管理人员名单",
    ]
    assert body["details"]["material_keys"] == ["premises_layout", "safety_system"]
    assert body["message"] == (
        "Correct these fields of the form: 单位名称 is required. "
        "These required materials are missing too: "
        "经营场所平面布局图和设备布局、工艺流程图, "
        "食品安全管理制度目录和食品安全管理人员名单. Provide each of them."
    )
    assert Case.objects.count() == 0


def test_unknown_matter_and_case_not_found(demo):
    applicant = demo.client("applicant")
    response = applicant.post(
        "/api/v1/cases", {"centre": demo.centre.slug, "matter": "no-such-matter"}
    )
    assert response.status_code == 404
    assert response.json()["code"] == "matter.not_found"
    response = applicant.get("/api/v1/cases/440604000000000")
    assert response.status_code == 404
    assert response.json()["code"] == "case.not_found"


def test_reviewer_of_other_department_cannot_approve(demo):
    number = apply(demo.client("applicant"), demo).json()["number"]
    demo.client("clerk").post(
        f"/api/v1/cases/{number}/accept", {}, content_type="application/json"
    )
    outbox.drain()
    other = demo.client("reviewer-public_security")
    response = other.post(
        f"/api/v1/cases/{number}/approve",
        {"opinion": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert response.json()["code"] == "case.not_found"
    assert Case.objects.get(number=number).state == CaseState.IN_REVIEW


def test_misspelt_checklist_flag_rejects_acceptance(demo):
    number = apply(demo.client("applicant"), demo).json()["number"]

    response = demo.client("clerk").post(
        f"/api/v1/cases/{number}/accept",
        {"checklist": {"business_licence": {"orignal_seen": True}}},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 422
    assert "orignal_seen is not a member of this request" in response.json()["message"]
    assert Case.objects.get(number=number).state == CaseState.SUBMITTED


def test_unknown_member_rejects_approval(demo):
    number = apply(demo.client("applicant"), demo).json()["number"]
    demo.client("clerk").post(
        f"/api/v1/cases/{number}/accept", {}, content_type="application/json"
    )
    outbox.drain()

    response = demo.client("reviewer").post(
        f"/api/v1/cases/{number}/approve",
        {"opinion": "ok", "opnion": "typo"},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "request.invalid"
    assert "opnion is not a member of this request" in body["message"]
    assert Case.objects.get(number=number).state == CaseState.IN_REVIEW


def test_other_centre_staff_see_nothing(demo, other_centre):
    number = apply(demo.client("applicant"), demo).json()["number"]
    for username in ("nanhai-clerk", "nanhai-reviewer"):
        client = demo.client(username)
        assert client.get(f"/api/v1/cases/{number}").status_code == 404
        assert client.get("/api/v1/cases").json() == []
        response = client.post(
            f"/api/v1/cases/{number}/accept", {}, content_type="application/json"
        )
        assert response.status_code == 404


def test_applicant_sees_only_own_cases(demo):
    number = apply(demo.client("applicant"), demo).json()["number"]
    agent = demo.client("agent")
    assert agent.get(f"/api/v1/cases/{number}").status_code == 404
    assert agent.get("/api/v1/cases").json() == []
    response = agent.post(
        f"/api/v1/cases/{number}/withdraw",
        {"reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_clerk_withdrawal_names_applicant_rule(demo):
    number = apply(demo.client("applicant"), demo).json()["number"]

    response = demo.client("clerk").post(
        f"/api/v1/cases/{number}/withdraw",
        {"reason": "x"},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 403
    assert response.json()["code"] == "case.withdrawal_applicant_only"
    assert response.json()["message"].startswith(
        f"Only the applicant may withdraw case {number}."
    )


def test_applicant_cannot_accept_own_case(demo):
    number = apply(demo.client("applicant"), demo).json()["number"]
    response = demo.client("applicant").post(
        f"/api/v1/cases/{number}/accept", {}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission.role_required"


def test_correction_lists_every_item_and_resubmission_returns(demo):
    applicant = demo.client("applicant")
    number = apply(applicant, demo).json()["number"]
    matter = food_matter(demo)
    keys = [m["key"] for m in current_version(matter).guide.materials][:2]
    items = [{"material": key, "note": "不清晰"} for key in keys]
    response = demo.client("clerk").post(
        f"/api/v1/cases/{number}/correction",
        {"items": items},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == CaseState.CORRECTION_REQUESTED
    assert [i["material"] for i in response.json()["correction_items"]] == keys

    files = {f"material.{key}": upload(f"new-{key}.pdf") for key in keys}
    response = applicant.post(f"/api/v1/cases/{number}/resubmit", files)
    assert response.status_code == 200, response.content
    assert response.json()["state"] == CaseState.SUBMITTED
    assert response.json()["correction_items"] == []


def test_refusal_needs_reason(demo):
    number = apply(demo.client("applicant"), demo).json()["number"]
    clerk = demo.client("clerk")
    response = clerk.post(
        f"/api/v1/cases/{number}/refuse",
        {"reason": " "},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "case.reason_required"
    response = clerk.post(
        f"/api/v1/cases/{number}/refuse",
        {"reason": "不属于本机关职权范围"},
        content_type="application/json",
    )
    assert response.json()["state"] == CaseState.NOT_ACCEPTED


def test_second_rating_rejected(demo):
    applicant = demo.client("applicant")
    number = apply(applicant, demo).json()["number"]
    demo.client("clerk").post(
        f"/api/v1/cases/{number}/refuse",
        {"reason": "材料不符"},
        content_type="application/json",
    )
    url = f"/api/v1/ratings/cases/{number}"
    assert (
        applicant.post(url, {"level": 2}, content_type="application/json").status_code
        == 201
    )
    response = applicant.post(url, {"level": 4}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "rating.already_rated"


def test_window_case_enters_accepted(demo):
    data = window_acceptance(food_matter(demo), "440604198503150024")
    response = demo.client("clerk").post("/api/v1/cases/window", data)
    assert response.status_code == 201, response.content
    assert response.json()["state"] == CaseState.ACCEPTED
    assert response.json()["channel"] == "window"


def test_window_rejects_wrong_check_digit(demo):
    data = {
        "centre": demo.centre.slug,
        "matter": FOOD,
        "id_number": "440604198503150025",
    }
    response = demo.client("clerk").post("/api/v1/cases/window", data)
    assert response.status_code == 400
    assert response.json()["code"] == "id_number.check_digit"
    assert "440604198503150025" not in response.content.decode()


def test_register_person_rejects_wrong_check_digit(db):
    from django.test import Client

    response = Client().post(
        "/api/v1/identity/persons",
        json.dumps(
            {
                "username": "x1",
                "password": "a-long-passphrase-1",
                "id_number": "110105194912310021",
                "name": "王五",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "id_number.check_digit"


def test_token_authentication(demo):
    from django.test import Client

    client = Client()
    response = client.post(
        "/api/v1/auth/token",
        {"username": "applicant", "password": "onestop-demo-2026"},
        content_type="application/json",
    )
    token = response.json()["token"]
    response = client.get(
        "/api/v1/identity/me", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    assert response.json()["id_number_masked"] == "4406**********0024"
    assert (
        client.get(
            "/api/v1/identity/me", headers={"Authorization": "Bearer wrong"}
        ).status_code
        == 401
    )


def test_viewing_a_case_is_audited(demo):
    number = apply(demo.client("applicant"), demo).json()["number"]
    demo.client("clerk").get(f"/api/v1/cases/{number}")
    assert AuditEvent.objects.filter(
        verb="case.viewed", object_id=number, actor=demo.user("clerk")
    ).exists()


def test_openapi_document_served(db):
    from django.test import Client

    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/cases" in paths
    assert "/api/v1/cases/{number}/accept" in paths


def test_claim_by_another_person_gives_nothing(demo):
    response = demo.client("applicant").post(
        "/api/v1/identity/enterprises",
        {
            "uscc": "91440604MA4W1X2YX9",
            "name": "冒名公司",
            "legal_representative": "李秀英",
        },
        content_type="application/json",
    )
    form = {**valid_form(food_matter(demo)), "enterprise": "91440604MA4W1X2YX9"}
    applied = apply(demo.client("applicant"), demo, form=form, key="claimed")

    assert response.status_code == 201, response.content
    assert response.json()["agency_status"] == "pending"
    assert response.json()["name"] == "佛山市禅城区示例商贸有限公司"
    assert applied.status_code == 403
    assert applied.json()["code"] == "agency.not_verified"


def test_oversize_request_gets_error_body(demo, settings):
    settings.ONESTOP_MAX_REQUEST_BYTES = 4096
    files = material_files(food_matter(demo))
    files[next(iter(files))] = upload("big.pdf", PDF_BYTES + b"\x00" * 8192)
    response = apply(demo.client("applicant"), demo, files=files)
    assert response.status_code == 413
    assert response.json()["code"] == "request.too_large"
    assert Case.objects.count() == 0


def test_resubmission_must_answer_correction(demo):
    applicant = demo.client("applicant")
    number = apply(applicant, demo).json()["number"]
    items = [{"material": "premises_layout", "note": "不清晰"}]
    demo.client("clerk").post(
        f"/api/v1/cases/{number}/correction",
        {"items": items},
        content_type="application/json",
    )
    response = applicant.post(f"/api/v1/cases/{number}/resubmit", {"x": "y"})
    assert response.status_code == 400
    assert response.json()["code"] == "case.corrections_outstanding"
    assert Case.objects.get(number=number).state == CaseState.CORRECTION_REQUESTED


def test_idempotency_keys_are_per_applicant(demo):
    first = apply(demo.client("applicant"), demo, key="shared-key")
    second = apply(demo.client("agent"), demo, key="shared-key")
    assert first.status_code == 201
    assert second.status_code == 201
    assert first.json()["number"] != second.json()["number"]
