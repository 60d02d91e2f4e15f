"""Form fields that ask for the applicant's own name accept no one else's."""

from __future__ import annotations

import pytest

from onestop.cases.models import Case
from onestop.cases.tests.test_own_id_number import id_card_matter
from onestop.catalog.models import Matter
from onestop.identity.models import Person
from onestop.testing import (
    DEMO_APPLICANT_NAME,
    current_version,
    field_messages_in,
    material_files,
    valid_form,
    window_acceptance,
)

pytestmark = pytest.mark.django_db

APPLICANT_ID = "440604198503150024"


def message_en(name: str) -> str:
    return (
        f"申请人姓名 is {name}, but it must be the applicant's own name as on their "
        "resident ID card. Enter the name of the person who applies."
    )


def message_zh(name: str) -> str:
    return (
        f"申请人姓名为“{name}”，但必须是申请人本人居民身份证上的姓名。"
        "请填写申请人本人的姓名。"
    )


def walk_in(demo, name: str, headers=None):
    data = window_acceptance(id_card_matter(demo), APPLICANT_ID)
    data["field.applicant_name"] = name
    return demo.client("clerk").post(
        "/api/v1/cases/window", data, headers=headers or {}
    )


def test_window_rejects_other_name(demo, caplog):
    response = walk_in(demo, "赵六", headers={"Accept-Language": "en"})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "form.invalid"
    assert body["details"]["fields"] == {
        "applicant_name": {"code": "field.not_own_name", "value": "赵六"}
    }
    assert message_en("赵六") in body["message"]
    assert "赵六" not in caplog.text
    assert DEMO_APPLICANT_NAME not in caplog.text
    assert not Case.objects.exists()


def test_other_name_message_in_chinese(demo):
    response = walk_in(demo, "赵六", headers={"Accept-Language": "zh-hans"})

    messages = field_messages_in(response.json(), id_card_matter(demo), "zh-hans")
    assert messages["applicant_name"] == message_zh("赵六")
    assert message_zh("赵六") in response.json()["message"]


def test_own_name_accepted_after_trimming(demo):
    response = walk_in(demo, f"  {DEMO_APPLICANT_NAME} ")

    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.form_data["applicant_name"] == DEMO_APPLICANT_NAME


def test_online_application_rejects_other_name(demo):
    matter = id_card_matter(demo)
    data = {
        "centre": matter.centre.slug,
        "matter": matter.pack_id,
        **valid_form(matter, APPLICANT_ID, DEMO_APPLICANT_NAME),
        "field.applicant_name": "王五",
        **material_files(matter),
    }

    response = demo.client("applicant").post("/api/v1/cases", data)

    assert response.status_code == 400
    assert response.json()["details"]["fields"] == {
        "applicant_name": {"code": "field.not_own_name", "value": "王五"}
    }


def test_apply_page_prefills_registered_name(demo):
    response = demo.client("applicant").get(
        f"/portal/{demo.centre.slug}/matters/id-card-renewal/apply/"
    )

    assert response.context["values"]["applicant_name"] == DEMO_APPLICANT_NAME


def test_standard_pack_marks_personal_name_fields(demo):
    marked = 0
    matters = Matter.objects.filter(centre=demo.centre, current_version__isnull=False)
    for matter in matters:
        fields = current_version(matter).guide.form_fields
        by_marker = {
            marker: [field["key"] for field in fields if field.get(marker)]
            for marker in ("applicant_id", "applicant_name")
        }
        if by_marker["applicant_id"]:
            assert by_marker["applicant_name"] == ["applicant_name"], matter.pack_id
            marked += 1
    assert marked == 20


def test_compatibility_ideograph_name_kept(demo):
    # 丽 U+2F800 is a compatibility ideograph whose NFC form is 丽 U+4E3D.
    Person.objects.filter(id_number=APPLICANT_ID).update(name="陈\U0002f800")

    response = walk_in(demo, "陈\U0002f800")

    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.form_data["applicant_name"] == "陈\U0002f800"


@pytest.mark.parametrize(
    ("registered", "sent"),
    [("陈\U0002f800", "陈丽"), ("陈丽", "陈\U0002f800")],
)
def test_lookalike_code_point_named(demo, registered, sent):
    Person.objects.filter(id_number=APPLICANT_ID).update(name=registered)

    response = walk_in(demo, sent, headers={"Accept-Language": "en"})

    assert response.status_code == 400
    assert response.json()["details"]["fields"]["applicant_name"] == {
        "code": "field.look_alike_character",
        "position": 2,
        "sent": sent[1],
        "registered": registered[1],
    }
    messages = field_messages_in(response.json(), id_card_matter(demo), "en")
    message = messages["applicant_name"]
    assert message in response.json()["message"]
    assert message.startswith("申请人姓名 writes character 2 as “")
    assert f"“{sent[1]}” U+{ord(sent[1]):04X}" in message
    assert f"the registered name has “{registered[1]}” U+{ord(registered[1]):04X}" in (
        message
    )
    assert message.endswith("Use the prefilled name.")
    assert not Case.objects.exists()


def test_lookalike_message_in_chinese(demo):
    Person.objects.filter(id_number=APPLICANT_ID).update(name="陈\U0002f800")

    response = walk_in(demo, "陈丽", headers={"Accept-Language": "zh-hans"})

    messages = field_messages_in(response.json(), id_card_matter(demo), "zh-hans")
    message = messages["applicant_name"]
    assert message.startswith("申请人姓名的第 2 个字写作“丽” U+4E3D，")
    assert "名称必须保持登记时的用字" in message
