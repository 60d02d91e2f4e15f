"""Face values entered with an approval, checked by the certificate type's fields."""

from __future__ import annotations

import pytest

from onestop.cases.models import Case, CaseState
from onestop.cases.tests.test_certificate_results import accepted_id_card_case
from onestop.certificates.ethnic_groups import ETHNIC_GROUPS, ID_CARD_NAMES
from onestop.certificates.models import Certificate, CertificateType

pytestmark = pytest.mark.django_db

# The standard pack's 居民身份证.
ID_CARD_TYPE = "11100000PACK00001T001"


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
    assert 'name="face.ethnicity" required' in text
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


@pytest.mark.parametrize(
    "value", ["汉族", "蒙古族", "穿青人", "汉人", "Han", "毛难", "97", "其它"]
)
def test_ethnicity_outside_choices_rejected(demo, value):
    number, response = approve_with_face(demo, {"ethnicity": value})

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "certificate.face_choice_invalid"
    assert body["details"]["key"] == "ethnicity"
    assert body["details"]["value"] == value
    assert body["details"]["choices"] == list(ID_CARD_NAMES)
    assert body["message"].startswith(
        f"The face field 民族 (ethnicity) must be one of its choices, written as the "
        f"certificate prints them, not {value}. Choose one of: 汉, 蒙古, 回, 藏, "
    )
    assert body["message"].endswith(", 珞巴, 基诺, 其他, 外国血统中国籍人士.")
    assert Case.objects.get(number=number).state == CaseState.IN_REVIEW
    assert not Certificate.objects.exists()


def test_ethnicity_message_in_chinese(demo):
    _number, response = approve_with_face(demo, {"ethnicity": "汉族"}, "zh-hans")

    assert response.json()["message"].startswith(
        "证照照面字段民族（ethnicity）只能取其选项之一，按证照上印制的写法填写，而不是“汉族”。"
        "请从以下选项中选择：汉、蒙古、回、藏、"
    )


@pytest.mark.parametrize(
    "value", ["汉", "蒙古", "柯尔克孜", "土", "基诺", "其他", "外国血统中国籍人士"]
)
def test_ethnicity_stored_as_card_prints_it(demo, value):
    number, response = approve_with_face(demo, {"ethnicity": value})

    assert response.status_code == 200, response.content
    assert Certificate.objects.get(case_number=number).face["ethnicity"] == value


def test_ethnicity_without_pack_choices_checked(demo):
    certificate_type = CertificateType.objects.get(
        centre=demo.centre, code=ID_CARD_TYPE
    )
    for field in certificate_type.face_fields:
        if field["key"] == "ethnicity":
            field["type"] = "text"
            del field["choices"]
    certificate_type.save(update_fields=["face_fields"])

    number, response = approve_with_face(demo, {"ethnicity": "汉族"})

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "certificate.face_choice_invalid"
    assert not Certificate.objects.filter(case_number=number).exists()


def test_id_card_names_drop_final_zu():
    assert len(ETHNIC_GROUPS) == 56
    assert len(set(ETHNIC_GROUPS)) == 56
    assert all(name.endswith("族") for name in ETHNIC_GROUPS)
    assert ID_CARD_NAMES[:4] == ("汉", "蒙古", "回", "藏")
    assert [name + "族" for name in ID_CARD_NAMES[:56]] == list(ETHNIC_GROUPS)
    assert ID_CARD_NAMES[56:] == ("其他", "外国血统中国籍人士")


def test_standard_pack_lists_id_card_names(demo):
    certificate_type = CertificateType.objects.get(
        centre=demo.centre, code=ID_CARD_TYPE
    )
    ethnicity = next(
        field for field in certificate_type.face_fields if field["key"] == "ethnicity"
    )

    assert ethnicity["type"] == "select"
    assert ethnicity["choices"] == list(ID_CARD_NAMES)


def test_office_offers_ethnicity_choices(demo):
    number = accepted_id_card_case(demo)

    text = (
        demo.client("reviewer-public_security")
        .get(f"/office/cases/{number}/")
        .content.decode()
    )

    assert '<select name="face.ethnicity" required>' in text
    for name in ID_CARD_NAMES:
        assert f'<option value="{name}">{name}</option>' in text
    assert '<option value="汉族">' not in text


def test_face_accepts_newer_ideograph(demo):
    # U+33400 is in Extension J (Unicode 17.0), unassigned in Python 3.13's data.
    address = "佛山市禅城区\U00033400村1号"

    _number, response = approve_with_face(demo, {"ethnicity": "汉", "address": address})

    assert response.status_code == 200, response.content
    assert Certificate.objects.get().face["address"] == address
