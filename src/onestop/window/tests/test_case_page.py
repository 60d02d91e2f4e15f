"""The window's page for a queued online case: files sent with accept, refuse or correction."""

from __future__ import annotations

from typing import Any

import pytest

from onestop.cases.models import Case, CaseState, Submission
from onestop.catalog.models import Matter
from onestop.testing import (
    PDF_BYTES,
    material_files,
    upload,
    valid_form,
    window_acceptance,
)

pytestmark = pytest.mark.django_db

FOOD = "food-business-licence"


def submit_online(demo) -> Case:
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    data = {"centre": demo.centre.slug, "matter": FOOD, **valid_form(matter)}
    data.update(material_files(matter))
    response = demo.client("applicant").post("/api/v1/cases", data)
    assert response.status_code == 201, response.content
    return Case.objects.get(number=response.json()["number"])


def ticked(case: Case) -> dict[str, str]:
    """Return the page's fields with the original of every material seen."""
    return {
        f"check.{m['key']}.original_seen": "on"
        for m in case.matter_version.guide.materials
    }


def test_accept_with_bad_files_saves_nothing(demo):
    case = submit_online(demo)
    before = Submission.objects.filter(case=case).count()
    data: dict[str, Any] = {"action": "accept", "window": "3", **ticked(case)}
    data["material.application_form"] = upload("x.png", PDF_BYTES)
    data["material.business_licence"] = upload("e.pdf", b"")

    response = demo.client("clerk").post(f"/window/cases/{case.number}/", data)

    assert response.status_code == 400
    text = response.content.decode()
    assert 'data-code="upload.invalid"' in text
    # Each file is named once in the notice and once beside its material.
    assert text.count("The name of the file x.png for 食品经营许可申请书") == 2
    assert text.count("The file e.pdf for 营业执照 is empty") == 2
    assert text.count(" checked ") == len(ticked(case))
    assert '<option value="3" selected>' in text
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert Submission.objects.filter(case=case).count() == before


def test_accept_with_one_bad_file_stores_neither(demo):
    case = submit_online(demo)
    before = Submission.objects.filter(case=case).count()
    data: dict[str, Any] = {"action": "accept", **ticked(case)}
    data["material.application_form"] = upload("good.pdf")
    data["material.business_licence"] = upload("bad.jpg", PDF_BYTES)

    response = demo.client("clerk").post(f"/window/cases/{case.number}/", data)

    assert response.status_code == 415
    text = response.content.decode()
    assert 'data-code="upload.disguised"' in text
    assert text.count("The name of the file bad.jpg for 营业执照") == 2
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert Submission.objects.filter(case=case).count() == before


def test_accept_stores_good_file(demo):
    case = submit_online(demo)
    earlier = Submission.objects.get(case=case, material_key="application_form")
    data: dict[str, Any] = {"action": "accept", **ticked(case)}
    data["material.application_form"] = upload("good.pdf")

    response = demo.client("clerk").post(f"/window/cases/{case.number}/", data)

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED
    current = Submission.objects.get(
        case=case, material_key="application_form", superseded=False
    )
    assert current.original_name == "good.pdf"
    assert current.original_seen
    earlier.refresh_from_db()
    assert earlier.superseded


@pytest.mark.parametrize(
    "fields",
    [
        {"action": "refuse", "reason": "不符合受理条件"},
        {"action": "correction", "missing.business_licence": "on"},
    ],
)
def test_other_actions_reject_files(demo, fields):
    case = submit_online(demo)
    before = Submission.objects.filter(case=case).count()
    data = {**fields, "material.business_licence": upload("good.pdf")}

    response = demo.client("clerk").post(f"/window/cases/{case.number}/", data)

    assert response.status_code == 400
    text = response.content.decode()
    assert 'data-code="upload.not_saved"' in text
    assert "without the files chosen for 营业执照" in text
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert Submission.objects.filter(case=case).count() == before


def test_files_not_saved_notice_in_chinese(demo):
    case = submit_online(demo)
    data: dict[str, Any] = {"action": "refuse", "reason": "不符合受理条件"}
    data["material.business_licence"] = upload("good.pdf")

    response = demo.client("clerk").post(
        f"/window/cases/{case.number}/", data, headers={"Accept-Language": "zh-hans"}
    )

    assert response.status_code == 400
    assert "请去掉为营业执照选择的文件后重新提交" in response.content.decode()


def test_failed_accept_removes_written_files(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = submit_online(demo)
    # Without a current business licence, the acceptance fails after the new file
    # of the application form was written.
    Submission.objects.filter(case=case, material_key="business_licence").update(
        superseded=True
    )
    before = sorted(path.name for path in tmp_path.rglob("*") if path.is_file())
    data: dict[str, Any] = {"action": "accept", **ticked(case)}
    del data["check.business_licence.original_seen"]
    data["material.application_form"] = upload("good.pdf")

    response = demo.client("clerk").post(f"/window/cases/{case.number}/", data)

    assert response.status_code == 400
    assert 'data-code="case.materials_missing"' in response.content.decode()
    after = sorted(path.name for path in tmp_path.rglob("*") if path.is_file())
    assert after == before
    assert len(before) == Submission.objects.filter(case=case).count()


@pytest.mark.parametrize("posted", [{"action": "bogus"}, {}])
def test_unknown_action_is_rejected(demo, posted):
    case = submit_online(demo)

    response = demo.client("clerk").post(f"/window/cases/{case.number}/", posted)

    assert response.status_code == 400
    assert 'data-code="form.unknown_choice"' in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_accept_with_missing_marks_is_rejected(demo):
    case = submit_online(demo)
    data: dict[str, Any] = {"action": "accept", **ticked(case)}
    data["missing.business_licence"] = "on"
    data["note.business_licence"] = "复印件不清晰"

    response = demo.client("clerk").post(
        f"/window/cases/{case.number}/", data, headers={"accept-language": "en"}
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert 'data-code="window.missing_marked_on_accept"' in text
    assert "营业执照 marked as missing" in text
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


AGENT_ID_NUMBER = "44060419900101123X"
USCC = "91440604MA4W1X2YX9"
ENTERPRISE_NAME = "佛山市禅城区示例商贸有限公司"


def accept_walk_in_for_enterprise(demo) -> Case:
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    data = window_acceptance(matter, AGENT_ID_NUMBER)
    data.update(
        {
            "step": "accept",
            "enterprise": USCC,
            "field.organisation_name": ENTERPRISE_NAME,
            "field.organisation_uscc": USCC,
        }
    )
    response = demo.client("clerk").post(f"/window/new/{FOOD}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Case.objects.get(enterprise__uscc=USCC)


def test_enterprise_walk_in_names_agent_apart(demo):
    case = accept_walk_in_for_enterprise(demo)

    response = demo.client("clerk").get(
        f"/window/cases/{case.number}/", headers={"Accept-Language": "en"}
    )

    text = response.content.decode()
    assert f"<dt>Applicant</dt><dd>{ENTERPRISE_NAME} 9144**********2YX9</dd>" in text
    assert "<dt>Agent</dt><dd>陈** 4406**********123X</dd>" in text


def test_enterprise_walk_in_api_names_agent(demo):
    case = accept_walk_in_for_enterprise(demo)

    body = demo.client("clerk").get(f"/api/v1/cases/{case.number}").json()

    assert body["applicant"] == f"{ENTERPRISE_NAME} 9144**********2YX9"
    assert body["agent"] == "陈** 4406**********123X"


def test_person_case_has_no_agent(demo):
    case = submit_online(demo)

    response = demo.client("clerk").get(
        f"/window/cases/{case.number}/", headers={"Accept-Language": "en"}
    )

    assert "<dt>Agent</dt>" not in response.content.decode()
    assert (
        demo.client("clerk").get(f"/api/v1/cases/{case.number}").json()["agent"] is None
    )


def test_correction_note_without_missing_mark_is_rejected(demo):
    case = submit_online(demo)
    accepted = {"action": "accept", **ticked(case)}
    demo.client("clerk").post(f"/window/cases/{case.number}/", accepted)
    guide = case.matter_version.guide
    name = next(m["name"] for m in guide.materials if m["key"] == "premises_layout")
    data = {"action": "correction", "note.premises_layout": "平面图不清晰"}

    response = demo.client("clerk").post(
        f"/window/cases/{case.number}/", data, headers={"accept-language": "en"}
    )

    text = response.content.decode()
    assert response.status_code == 400
    assert 'data-code="window.note_without_missing_mark"' in text
    assert f"{name}: a note is typed, but Missing is not ticked" in text
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED


def test_check_form_labels_each_note(demo):
    case = submit_online(demo)

    page = (
        demo.client("clerk")
        .get(f"/window/cases/{case.number}/", headers={"Accept-Language": "zh-hans"})
        .content.decode()
    )

    assert '<label for="correction-note">补正告知书的总体说明</label>' in page
    assert '<label for="refusal-reason">不予受理理由</label>' in page
    assert "只在点击“一次性告知补正”时随补正告知书发给申请人" in page
    assert "只在点击“不予受理”时发给申请人" in page


@pytest.mark.parametrize(
    ("data", "field", "action"),
    [
        (
            {"action": "correction", "missing.business_licence": "on"},
            "reason",
            "correction",
        ),
        ({"action": "refuse", "reason": "不符合受理条件"}, "note", "refuse"),
    ],
)
def test_note_for_other_action_rejected(demo, data, field, action):
    case = submit_online(demo)
    typed = {"reason": "材料不齐", "note": "请补交营业执照"}[field]

    response = demo.client("clerk").post(
        f"/window/cases/{case.number}/",
        {**data, field: typed},
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    assert response.context["error"].code == "window.note_not_sent"
    assert response.context["error"].as_dict()["details"] == {
        "field": field,
        "action": action,
    }
    assert typed in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert not case.correction_items


def test_general_note_reaches_correction_notice(demo):
    case = submit_online(demo)

    response = demo.client("clerk").post(
        f"/window/cases/{case.number}/",
        {
            "action": "correction",
            "missing.business_licence": "on",
            "note": "请同时带原件",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert {"material": "", "note": "请同时带原件"} in case.correction_items
