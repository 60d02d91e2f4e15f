"""Face values entered with an approval, checked by the certificate type's fields."""

from __future__ import annotations

import pytest

from onestop.cases.models import Case, CaseState
from onestop.cases.tests.test_certificate_results import accepted_id_card_case
from onestop.certificates.ethnic_groups import ETHNIC_GROUPS
from onestop.certificates.models import Certificate

pytestmark = pytest.mark.django_db


def approve_with_face(demo, face, language="en"):
    number = accepted_id_card_case(demo)
    response = demo.client("reviewer-public_security").post(
        f"/api/v1/cases/{number}/approve",
        {"opinion": "准予换领", "face": face},
        content_type="application/json",
        headers={"Accept-Language": language},
    )
    return number, response


@pytest.mark.parametrize(
    ("face", "code", "key"),
    [
        (
            {"ethnicity": "汉", "gender": "🦄"},
            "certificate.face_gender_invalid",
            "gender",
        ),
        (
            {"ethnicity": "汉", "gender": "男"},
            "certificate.face_gender_invalid",
            "gender",
        ),
        (
            {"ethnicity": "汉", "birth_date": "not a date"},
            "certificate.face_date_invalid",
            "birth_date",
        ),
        (
            {"ethnicity": "汉", "birth_date": "1990-01-01"},
            "certificate.face_birth_date_mismatch",
            "birth_date",
        ),
        ({"ethnicity": "汉" * 500}, "certificate.face_value_too_long", "ethnicity"),
        (
            {"ethnicity": "汉\u200b"},
            "certificate.face_value_character_invalid",
            "ethnicity",
        ),
        (
            {"ethnicity": "汉", "address": "x" * 201},
            "certificate.face_value_too_long",
            "address",
        ),
    ],
)
def test_invalid_face_value_blocks_approval(demo, face, code, key):
    number, response = approve_with_face(demo, face)

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code
    assert body["details"]["key"] == key
    assert len(body["details"]["value"]) <= 201
    assert Case.objects.get(number=number).state == CaseState.IN_REVIEW
    assert not Certificate.objects.exists()


def test_gender_message_names_value_and_rule(demo):
    _number, response = approve_with_face(demo, {"ethnicity": "汉", "gender": "🦄"})

    message = response.json()["message"]
    assert "gender" in message
    assert "🦄" in message
    assert (
        "must be 男 or 女 and match the holder's ID number, which gives 女" in message
    )


def test_long_value_is_cut_in_message_in_chinese(demo):
    _number, response = approve_with_face(demo, {"ethnicity": "汉" * 500}, "zh-hans")

    body = response.json()
    assert body["details"]["value"] == "汉" * 200 + "…"
    assert "汉" * 40 + "…" in body["message"]
    assert "汉" * 41 not in body["message"]
    assert "500 个字符" in body["message"]
    assert "最多 200 个" in body["message"]


def test_date_in_other_iso_form_is_rejected(demo):
    _number, response = approve_with_face(
        demo, {"ethnicity": "汉", "birth_date": "19850315"}
    )

    assert response.json()["code"] == "certificate.face_date_invalid"


def test_values_matching_id_number_are_accepted(demo):
    number, response = approve_with_face(
        demo, {"ethnicity": "汉", "gender": "女", "birth_date": "1985-03-15"}
    )

    assert response.status_code == 200, response.content
    certificate = Certificate.objects.get(case_number=number)
    assert certificate.face["gender"] == "女"
    assert certificate.face["birth_date"] == "1985-03-15"
    assert certificate.face["ethnicity"] == "汉"


def test_office_keeps_face_values(demo):
    number = accepted_id_card_case(demo)

    response = demo.client("reviewer-public_security").post(
        f"/office/cases/{number}/",
        {
            "action": "approve",
            "opinion": "准予换领",
            "face.ethnicity": "汉\u200b",
        },
    )

    text = response.content.decode()
    assert response.status_code == 400
    assert 'data-code="certificate.face_value_character_invalid"' in text
    assert 'name="face.ethnicity" required value="汉\u200b"' in text
    assert ">准予换领</textarea>" in text
    assert Case.objects.get(number=number).state != CaseState.APPROVED


def test_office_keeps_correction_note(demo):
    number = accepted_id_card_case(demo)

    response = demo.client("reviewer-public_security").post(
        f"/office/cases/{number}/",
        {"action": "correction", "missing.no_such_material": "on", "note": "请补充"},
    )

    text = response.content.decode()
    assert response.status_code == 400
    assert "<details open>" in text
    assert 'name="note" maxlength="500" value="请补充"' in text


@pytest.mark.parametrize("value", ["穿青人", "汉人", "Han", "毛难族", "97", "外国血统"])
def test_ethnicity_outside_gb_t_3304_rejected(demo, value):
    number, response = approve_with_face(demo, {"ethnicity": value})

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "certificate.face_ethnicity_invalid"
    assert body["details"]["key"] == "ethnicity"
    assert body["details"]["value"] == value
    assert body["message"] == (
        f"The face field 民族 (ethnicity) must be one of the 56 ethnic groups of "
        f"GB/T 3304, as on an ID card (汉, 蒙古) or in full (汉族, 蒙古族), or 其他 or "
        f"外国血统中国籍人士, not {value}."
    )
    assert Case.objects.get(number=number).state == CaseState.IN_REVIEW
    assert not Certificate.objects.exists()


def test_ethnicity_message_in_chinese(demo):
    _number, response = approve_with_face(demo, {"ethnicity": "穿青人"}, "zh-hans")

    assert response.json()["message"] == (
        "证照照面字段民族（ethnicity）必须是 GB/T 3304 所列 56 个民族之一，可按居民身份证"
        "的写法（汉、蒙古）或全称（汉族、蒙古族）填写，也可填写“其他”或“外国血统中国籍"
        "人士”，而不是“穿青人”。"
    )


@pytest.mark.parametrize(
    "value",
    ["汉族", "蒙古", "蒙古族", "柯尔克孜", "基诺族", "其他", "外国血统中国籍人士"],
)
def test_ethnicity_short_and_full_forms_accepted(demo, value):
    number, response = approve_with_face(demo, {"ethnicity": value})

    assert response.status_code == 200, response.content
    assert Certificate.objects.get(case_number=number).face["ethnicity"] == value


def test_ethnic_groups_list_has_56_groups():
    assert len(ETHNIC_GROUPS) == 56
    assert len(set(ETHNIC_GROUPS)) == 56
    assert all(name.endswith("族") for name in ETHNIC_GROUPS)


def test_face_accepts_newer_ideograph(demo):
    # U+33400 is in Extension J (Unicode 17.0), unassigned in Python 3.13's data.
    address = "佛山市禅城区\U00033400村1号"

    _number, response = approve_with_face(demo, {"ethnicity": "汉", "address": address})

    assert response.status_code == 200, response.content
    assert Certificate.objects.get().face["address"] == address
