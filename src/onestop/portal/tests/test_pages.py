"""The HTML surfaces: portal, kiosk, window and department pages, with their denials."""

from __future__ import annotations

import pytest
from django.test import Client

from onestop.cases.models import Case, CaseState, Channel
from onestop.catalog.models import Matter
from onestop.core import outbox
from onestop.testing import material_files, valid_form

pytestmark = pytest.mark.django_db

FOOD = "food-business-licence"


def submit(demo, client=None, path_prefix="/portal"):
    client = client or demo.client("applicant")
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    data = {"idempotency_key": "page-key"}
    data.update(valid_form(matter))
    data.update(material_files(matter))
    return client.post(f"{path_prefix}/{demo.centre.slug}/matters/{FOOD}/apply/", data)


def test_guide_shows_limits_materials_and_basis(demo):
    page = Client().get(f"/portal/{demo.centre.slug}/matters/{FOOD}/").content.decode()
    assert "食品经营许可" in page
    assert "食品经营许可和备案管理办法" in page
    assert "application_form" not in page  # keys stay internal; names are shown


def test_search_finds_matter_by_material_name(demo):
    page = Client().get(f"/portal/{demo.centre.slug}/matters/", {"q": "食品经营"})
    assert "食品经营许可" in page.content.decode()


def test_apply_form_prefilled_from_profile(demo):
    page = demo.client("applicant").get(
        f"/portal/{demo.centre.slug}/matters/individual-business-registration/apply/"
    )
    text = page.content.decode()
    assert 'value="李秀英"' in text
    assert 'value="13800138000"' in text


def test_online_submission_redirects_to_tracking(demo):
    response = submit(demo)
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == f"/portal/cases/{case.number}/"
    assert case.channel == Channel.ONLINE


def test_double_submission_gives_one_case(demo):
    client = demo.client("applicant")
    submit(demo, client)
    submit(demo, client)
    assert Case.objects.count() == 1


def test_kiosk_submission_uses_kiosk_channel(demo):
    response = submit(demo, path_prefix="/kiosk")
    case = Case.objects.get()
    assert case.channel == Channel.KIOSK
    assert response["Location"] == f"/kiosk/cases/{case.number}/"
    page = demo.client("applicant").get(response["Location"]).content.decode()
    assert 'class="kiosk"' in page


def test_missing_field_keeps_entries(demo):
    client = demo.client("applicant")
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    data = valid_form(matter)
    data["field.organisation_name"] = ""
    data["field.business_items"] = "保留的内容"
    response = client.post(f"/portal/{demo.centre.slug}/matters/{FOOD}/apply/", data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "保留的内容" in text
    assert 'data-code="form.invalid"' in text
    assert Case.objects.count() == 0


def test_apply_page_lists_fields_and_materials(demo):
    client = demo.client("applicant")
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    data = valid_form(matter)
    data["field.organisation_name"] = ""
    data.update(material_files(matter))
    data.pop("material.safety_system")

    response = client.post(f"/portal/{demo.centre.slug}/matters/{FOOD}/apply/", data)

    assert response.status_code == 400
    text = response.content.decode()
    assert 'data-code="form.invalid"' in text
    assert "Correct these fields of the form: 单位名称 is required." in text
    assert (
        "These required materials are missing too: "
        "食品安全管理制度目录和食品安全管理人员名单. Provide each of them."
    ) in text
    assert 'id="material-error-safety_system"' in text
    assert 'id="material-error-premises_layout"' not in text
    assert Case.objects.count() == 0


def test_registration_wrong_check_digit_keeps_entries(db):
    response = Client().post(
        "/accounts/register/",
        {
            "username": "newuser",
            "password": "a-long-passphrase-1",
            "id_number": "440604198503150025",
            "name": "𠮷田",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert 'data-code="id_number.check_digit"' in text
    assert 'value="newuser"' in text
    assert 'value="𠮷田"' in text


def test_registration_accepts_name_outside_bmp(db):
    response = Client().post(
        "/accounts/register/",
        {
            "username": "jiti",
            "password": "a-long-passphrase-1",
            "id_number": "110101199003077758",
            "name": "𠮷田",
        },
    )
    assert response.status_code == 302
    from onestop.identity.models import Person

    assert Person.objects.get(user__username="jiti").name == "𠮷田"


def test_other_applicant_cannot_open_case_page(demo):
    submit(demo)
    number = Case.objects.get().number
    response = demo.client("agent").get(f"/portal/cases/{number}/")
    assert response.status_code == 404
    assert "李秀英" not in response.content.decode()


def test_other_centre_clerk_cannot_open_window_case(demo, other_centre):
    submit(demo)
    number = Case.objects.get().number
    response = demo.client("nanhai-clerk").get(f"/window/cases/{number}/")
    assert response.status_code == 404
    queue = demo.client("nanhai-clerk").get("/window/").content.decode()
    assert number not in queue


def test_window_queue_lists_submission_and_accepts(demo):
    submit(demo)
    case = Case.objects.get()
    clerk = demo.client("clerk")
    assert case.number in clerk.get("/window/").content.decode()
    response = clerk.post(
        f"/window/cases/{case.number}/", {"action": "accept", "window": "2"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED
    assert case.window == "综合窗口 2"
    assert case.window_record.code == "2"


def test_receipt_pdf_and_public_verification(demo):
    submit(demo)
    case = Case.objects.get()
    demo.client("clerk").post(f"/window/cases/{case.number}/", {"action": "accept"})
    outbox.drain()
    receipt = case.documents.get(kind="acceptance_receipt")
    pdf = demo.client("applicant").get(
        f"/portal/cases/{case.number}/documents/{receipt.pk}/"
    )
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    prefix = receipt.signature["sig"][:16]
    assert Client().get(f"/verify/documents/{receipt.pk}/{prefix}/").status_code == 200
    assert (
        Client().get(f"/verify/documents/{receipt.pk}/{'A' * 16}/").status_code == 404
    )


def test_reviewer_of_other_department_gets_not_found(demo):
    submit(demo)
    case = Case.objects.get()
    demo.client("clerk").post(f"/window/cases/{case.number}/", {"action": "accept"})
    outbox.drain()
    other = demo.client("reviewer-public_security")
    assert other.get(f"/office/cases/{case.number}/").status_code == 404
    assert case.number not in other.get("/office/").content.decode()
    reviewer = demo.client("reviewer")
    assert case.number in reviewer.get("/office/").content.decode()
    response = reviewer.post(
        f"/office/cases/{case.number}/", {"action": "approve", "opinion": "同意"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.RESULT_ISSUED


def test_language_switch_to_english(demo):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/portal/{demo.centre.slug}/matters/").content.decode()
    assert 'lang="en"' in page
    assert "Search" in page


def test_chinese_is_default(demo, settings):
    from onestop import settings as product_settings

    assert product_settings.LANGUAGE_CODE == "zh-hans"
    settings.LANGUAGE_CODE = product_settings.LANGUAGE_CODE
    page = Client().get(f"/portal/{demo.centre.slug}/matters/").content.decode()
    assert 'lang="zh-hans"' in page
    assert "搜索" in page


def test_chinese_error_message(demo, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    response = Client().get("/api/v1/cases/1", headers={"Accept-Language": "zh-Hans"})
    assert response.status_code == 401
    response = demo.client("clerk").get(
        "/api/v1/cases/44060400000000000", headers={"Accept-Language": "zh-Hans"}
    )
    assert response.json()["code"] == "case.not_found"
    assert (
        response.json()["message"]
        == "在您有权查看的办件中，未找到编号为 44060400000000000 的办件。"
    )


def test_department_admin_sees_case_but_cannot_decide(demo):
    submit(demo)
    case = Case.objects.get()
    demo.client("clerk").post(f"/window/cases/{case.number}/", {"action": "accept"})
    outbox.drain()
    admin = demo.client("deptadmin")
    page = admin.get(f"/office/cases/{case.number}/")
    assert page.status_code == 200
    assert 'id="approve-case"' not in page.content.decode()
    admin.post(f"/office/cases/{case.number}/", {"action": "approve", "opinion": "x"})
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW


def test_receipt_lists_each_material_once():
    from onestop.cases.downloads import received_materials

    rows = received_materials(
        [
            {"material": "licence", "kind": "upload"},
            {"material": "licence", "kind": "paper"},
            {"material": "photo", "kind": "upload"},
        ],
        {"licence": "营业执照", "photo": "照片"},
    )
    assert [name for name, _how in rows] == ["营业执照", "照片"]
    assert rows[0][1].count("、") == 1


def test_case_page_rejects_unknown_action(demo):
    submit(demo)
    case = Case.objects.get()

    response = demo.client("applicant").post(
        f"/portal/cases/{case.number}/", {"action": "bogus", "reason": "不办了"}
    )

    assert response.status_code == 400
    assert 'data-code="form.unknown_choice"' in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_window_queue_shows_local_time_not_iso(demo, time_machine):
    time_machine.move_to("2026-12-04T02:30:00+00:00", tick=False)
    submit(demo)

    queue = demo.client("clerk").get("/window/").content.decode()

    assert "2026-12-04 10:30" in queue
    assert "2026-12-04T10:30" not in queue


def test_error_summary_links_each_problem(demo):
    client = demo.client("applicant")
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    data = valid_form(matter)
    data["field.organisation_name"] = ""
    data.update(material_files(matter))
    data.pop("material.safety_system")

    response = client.post(
        f"/portal/{demo.centre.slug}/matters/{FOOD}/apply/",
        data,
        headers={"Accept-Language": "en"},
    )

    text = response.content.decode()
    assert response.status_code == 400
    assert "2 entries need correcting; each is marked below:" in text
    assert '<a href="#field-organisation_name">单位名称</a>' in text
    assert '<a href="#material-safety_system">' in text
    assert "<details><summary>Show the whole message</summary>" in text


def test_single_problem_shows_message_alone(demo):
    client = demo.client("applicant")
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    data = valid_form(matter)
    data["field.organisation_name"] = ""
    data.update(material_files(matter))

    response = client.post(f"/portal/{demo.centre.slug}/matters/{FOOD}/apply/", data)

    text = response.content.decode()
    assert response.status_code == 400
    assert "error-summary" not in text
    assert 'data-code="form.invalid"' in text
