"""Form fields that ask for the applicant's own ID number accept no one else's."""

from __future__ import annotations

import pytest

from onestop.cases.models import Case
from onestop.catalog.models import Matter
from onestop.identity.models import Person
from onestop.testing import (
    field_messages_in,
    material_files,
    valid_form,
    window_acceptance,
)

pytestmark = pytest.mark.django_db

ID_CARD = "id-card-renewal"
APPLICANT_ID = "440604198503150024"
AGENT_ID = "44060419900101123X"
MESSAGE_EN = (
    "公民身份号码 must be the applicant's own ID number. Enter the ID number of the "
    "person who applies."
)
MESSAGE_ZH = "公民身份号码必须是申请人本人的公民身份号码。请填写申请人本人的号码。"


def id_card_matter(demo) -> Matter:
    return Matter.objects.get(centre=demo.centre, pack_id=ID_CARD)


def apply_as(demo, username: str, id_number: str, headers=None):
    matter = id_card_matter(demo)
    name = Person.objects.get(user__username=username).name
    data = {"centre": demo.centre.slug, "matter": ID_CARD}
    data.update(valid_form(matter, name=name))
    data["field.applicant_id_number"] = id_number
    data.update(material_files(matter))
    return demo.client(username).post("/api/v1/cases", data, headers=headers or {})


def test_someone_elses_id_number_rejected(demo):
    response = apply_as(demo, "agent", APPLICANT_ID)

    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "form.invalid"
    assert body["details"]["fields"] == {
        "applicant_id_number": {"code": "field.not_own_id_number"}
    }
    assert MESSAGE_EN in body["message"]
    assert not Case.objects.exists()


def test_someone_elses_id_number_message_chinese(demo):
    response = apply_as(
        demo, "agent", APPLICANT_ID, headers={"Accept-Language": "zh-hans"}
    )

    body = response.json()
    assert response.status_code == 400
    messages = field_messages_in(body, id_card_matter(demo), "zh-hans")
    assert messages["applicant_id_number"] == MESSAGE_ZH
    assert MESSAGE_ZH in body["message"]


def test_own_id_number_accepted_in_any_form(demo):
    for number in (AGENT_ID, AGENT_ID.lower()):
        response = apply_as(demo, "agent", number)

        assert response.status_code == 201, response.content
        case = Case.objects.get(number=response.json()["number"])
        assert case.form_data["applicant_id_number"] == AGENT_ID


def test_legacy_fifteen_digit_own_number_accepted(demo):
    response = apply_as(demo, "applicant", "440604850315002")

    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.form_data["applicant_id_number"] == APPLICANT_ID


def test_window_rejects_other_persons_id_number(demo):
    data = window_acceptance(id_card_matter(demo), AGENT_ID)
    data["field.applicant_id_number"] = APPLICANT_ID

    response = demo.client("clerk").post("/api/v1/cases/window", data)

    assert response.status_code == 400
    assert response.json()["details"]["fields"] == {
        "applicant_id_number": {"code": "field.not_own_id_number"}
    }
    assert MESSAGE_EN in response.json()["message"]
    assert not Case.objects.exists()


def test_window_accepts_identified_persons_number(demo):
    data = window_acceptance(id_card_matter(demo), AGENT_ID)

    response = demo.client("clerk").post("/api/v1/cases/window", data)

    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.person.id_number == AGENT_ID
