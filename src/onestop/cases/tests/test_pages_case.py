"""Case pages: uploaded materials, document pages, local times and labels instead of codes."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from onestop.cases.downloads import verification_url
from onestop.cases.models import Case, CaseDocument, Submission
from onestop.cases.presenters import case_detail
from onestop.catalog.models import Matter
from onestop.core import outbox
from onestop.core.models import AuditEvent
from onestop.core.templatetags.onestop import local_date, local_time
from onestop.testing import PDF_BYTES, material_files, valid_form

pytestmark = pytest.mark.django_db

FOOD = "food-business-licence"
ID_CARD = "id-card-renewal"


def apply(demo, matter_id: str = FOOD, *, username: str = "applicant") -> str:
    matter = Matter.objects.get(centre=demo.centre, pack_id=matter_id)
    data = {"centre": demo.centre.slug, "matter": matter_id, **valid_form(matter)}
    data.update(material_files(matter))
    response = demo.client(username).post("/api/v1/cases", data)
    assert response.status_code == 201, response.content
    return response.json()["number"]


def first_upload(number: str) -> Submission:
    return Submission.objects.filter(case__number=number, kind="upload").order_by("pk")[
        0
    ]


def material_path(number: str, submission_id: int) -> str:
    return f"/portal/cases/{number}/materials/{submission_id}/"


def document_path(document: CaseDocument) -> str:
    return f"/portal/cases/{document.case.number}/documents/{document.pk}/"


# --- uploaded materials ------------------------------------------------------------------


@pytest.mark.parametrize("username", ["applicant", "clerk", "reviewer"])
def test_case_parties_open_material(demo, username):
    number = apply(demo)
    submission = first_upload(number)

    response = demo.client(username).get(material_path(number, submission.pk))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f"inline; filename*=UTF-8''{submission.original_name}"
    )
    assert response["X-Content-Type-Options"] == "nosniff"


def test_material_name_is_percent_encoded(demo):
    number = apply(demo)
    submission = first_upload(number)
    Submission.objects.filter(pk=submission.pk).update(
        original_name="营业执照 副本.pdf"
    )

    response = demo.client("clerk").get(material_path(number, submission.pk))

    assert response["Content-Disposition"] == (
        "inline; filename*=UTF-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7%20%E5%89%AF%E6%9C%AC.pdf"
    )


@pytest.mark.parametrize(
    "username", ["agent", "reviewer-public_security", "nanhai-clerk"]
)
def test_outsiders_get_material_not_found(demo, other_centre, username):
    number = apply(demo)
    submission = first_upload(number)

    response = demo.client(username).get(material_path(number, submission.pk))

    assert response.status_code == 404


def test_material_of_another_case_is_not_found(demo):
    number = apply(demo)
    other_number = apply(demo)
    other_submission = first_upload(other_number)

    response = demo.client("clerk").get(material_path(number, other_submission.pk))

    assert response.status_code == 404


def test_opening_a_material_is_audited(demo):
    number = apply(demo)
    submission = first_upload(number)

    demo.client("reviewer").get(material_path(number, submission.pk))

    event = AuditEvent.objects.get(verb="case.material_viewed")
    assert event.object_id == number
    assert event.data == {"submission": submission.pk}
    assert event.actor == demo.user("reviewer")
    assert event.actor_role == "reviewer"


def test_case_page_links_each_upload_to_its_file(demo):
    number = apply(demo)
    submission = first_upload(number)

    response = demo.client("applicant").get(f"/portal/cases/{number}/")

    assert f'href="{material_path(number, submission.pk)}"'.encode() in response.content


# --- document pages ----------------------------------------------------------------------


def test_refusal_notice_page_shows_reason(demo):
    number = apply(demo)
    demo.client("clerk").post(
        f"/api/v1/cases/{number}/refuse",
        {"reason": "不属于本机关职权范围"},
        content_type="application/json",
    )
    notice = CaseDocument.objects.get(case__number=number, kind="refusal_notice")

    content = demo.client("applicant").get(document_path(notice)).content.decode()

    assert "不属于本机关职权范围" in content
    assert f'href="{verification_url(notice)}"' in content
    assert "<svg" in content


def test_correction_notice_page_names_each_material(demo):
    number = apply(demo)
    demo.client("clerk").post(
        f"/api/v1/cases/{number}/correction",
        {"items": [{"material": "premises_layout", "note": "不清晰"}]},
        content_type="application/json",
    )
    notice = CaseDocument.objects.get(case__number=number, kind="correction_notice")
    guide = Case.objects.get(number=number).matter_version.guide
    name = next(m["name"] for m in guide.materials if m["key"] == "premises_layout")

    content = demo.client("applicant").get(document_path(notice)).content.decode()

    assert f"{name}: 不清晰" in content
    assert "premises_layout" not in content


def test_correction_notification_names_each_material(demo):
    number = apply(demo)
    guide = Case.objects.get(number=number).matter_version.guide
    material = next(m["name"] for m in guide.materials if m["key"] == "premises_layout")
    field = guide.form_fields[0]
    items = [
        {"material": "premises_layout", "note": "不清晰"},
        {"field": field["key"], "note": "与执照不一致"},
        {"note": "请补充联系人"},
    ]
    demo.client("clerk").post(
        f"/api/v1/cases/{number}/correction",
        {"items": items},
        content_type="application/json",
    )

    content = demo.client("applicant").get("/portal/notifications/").content.decode()

    assert f"{material}: 不清晰" in content
    assert f"{field['label']}: 与执照不一致" in content
    assert "; 请补充联系人" in content
    assert "premises_layout" not in content


def test_result_page_links_the_issued_certificate(demo):
    number = apply(demo, ID_CARD)
    demo.client("clerk").post(
        f"/api/v1/cases/{number}/accept", {}, content_type="application/json"
    )
    outbox.drain()
    demo.client("reviewer-public_security").post(
        f"/api/v1/cases/{number}/approve",
        {"opinion": "准予换领", "face": {"ethnicity": "汉"}},
        content_type="application/json",
    )
    result = CaseDocument.objects.get(case__number=number, kind="result")
    identifier = result.data["certificate"]

    content = demo.client("applicant").get(document_path(result)).content.decode()

    assert f'href="/verify/{identifier}"' in content
    assert f'href="{verification_url(result)}"' in content


def test_missing_document_page_is_document_not_found(demo):
    number = apply(demo)

    response = demo.client("applicant").get(f"/portal/cases/{number}/documents/999/")

    content = response.content.decode()
    assert response.status_code == 404
    assert "case.document_not_found" in content
    assert f"Case {number} has no document with the id 999." in content


# --- times -------------------------------------------------------------------------------


def test_case_detail_times_carry_the_beijing_offset(demo):
    number = apply(demo)

    detail = case_detail(Case.objects.get(number=number), viewer=demo.user("applicant"))

    assert detail["created_at"].endswith("+08:00")
    assert detail["events"][0]["at"].endswith("+08:00")


def test_api_case_times_carry_the_beijing_offset(demo):
    number = apply(demo)

    body = demo.client("applicant").get(f"/api/v1/cases/{number}").json()

    assert body["created_at"].endswith("+08:00")
    assert body["events"][0]["at"].endswith("+08:00")


def test_local_time_converts_utc_string():
    assert local_time("2026-12-04T15:52:15.123456+00:00") == "2026-12-04 23:52"


def test_local_time_reads_naive_string_as_utc():
    assert local_time("2026-12-04T15:52:15") == "2026-12-04 23:52"


def test_local_time_renders_a_datetime_in_beijing_time():
    value = datetime.datetime(2026, 12, 4, 20, 5, tzinfo=datetime.UTC)

    assert local_time(value) == "2026-12-05 04:05"


def test_local_time_keeps_other_text():
    assert local_time("not a time") == "not a time"


def test_local_time_renders_an_empty_value_as_empty():
    assert local_time(None) == ""


def test_case_page_shows_history_time_in_beijing_time(demo):
    number = apply(demo)
    event = Case.objects.get(number=number).events.first()
    assert event is not None

    content = demo.client("applicant").get(f"/portal/cases/{number}/").content.decode()

    assert local_time(event.at) in content


# --- labels instead of codes -------------------------------------------------------------


def test_english_case_page_names_channel(demo):
    number = apply(demo)

    response = demo.client("applicant").get(
        f"/portal/cases/{number}/", headers={"Accept-Language": "en"}
    )
    content = response.content.decode()

    assert "<dd>online application</dd>" in content
    assert "<dd>online</dd>" not in content


def test_chinese_case_page_shows_labels(demo):
    number = apply(demo)

    response = demo.client("applicant").get(
        f"/portal/cases/{number}/", headers={"Accept-Language": "zh-hans"}
    )
    content = response.content.decode()

    assert "<dd>食品销售经营者</dd>" in content
    assert "food_sales" not in content
    assert "<dd>网上申请</dd>" in content
    assert "<dd>online</dd>" not in content
    assert "<strong>提交申请</strong>" in content
    assert "<strong>submit</strong>" not in content
    assert "草稿 → 已提交 ·" in content
    assert "→ submitted" not in content
    assert "已提交 · 申请人 ·" in content
    assert "· applicant ·" not in content


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (datetime.date(2026, 12, 5), "2026-12-05"),
        ("2026-12-05", "2026-12-05"),
        ("2026-12-04T16:30:00+00:00", "2026-12-05"),
        (datetime.datetime(2026, 12, 4, 16, 30, tzinfo=datetime.UTC), "2026-12-05"),
        ("not a date", "not a date"),
        (None, ""),
    ],
)
def test_local_date_renders_page_date(value, shown):
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert local_date(value) == shown
