"""Registration of persons and enterprises reports every invalid field in one response."""

from __future__ import annotations

import json
import logging

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from onestop.identity.actions import register_person_at_window
from onestop.identity.field_errors import RegistrationInvalid
from onestop.identity.models import Enterprise, Person

pytestmark = pytest.mark.django_db

VALID_ID = "110101199003077758"
WRONG_CHECK_DIGIT_ID = "440604198503150025"
TESTER_PAYLOAD = {
    "username": "",
    "password": "x",
    "id_number": WRONG_CHECK_DIGIT_ID,
    "name": "",
    "phone": "138",
}


def post_person(payload: dict[str, str], language: str = "en"):
    return Client(headers={"accept-language": language}).post(
        "/api/v1/identity/persons",
        json.dumps(payload),
        content_type="application/json",
    )


def valid_payload(**changes: str) -> dict[str, str]:
    payload = {
        "username": "wangwu",
        "password": "a-long-passphrase-1",
        "id_number": VALID_ID,
        "name": "王五",
        "phone": "13800138000",
    }
    return {**payload, **changes}


def test_api_lists_every_invalid_field():
    response = post_person(TESTER_PAYLOAD)
    body = response.json()
    fields = body["details"]["fields"]

    assert response.status_code == 400
    assert body["code"] == "identity.registration_invalid"
    assert body["details"]["count"] == 5
    assert list(fields) == ["username", "password", "id_number", "name", "phone"]
    assert fields["username"]["code"] == "identity.username_invalid"
    assert fields["password"]["code"] == "identity.weak_password"
    assert fields["id_number"]["code"] == "id_number.check_digit"
    assert fields["id_number"]["masked"] == "4406**********0025"
    assert fields["name"]["code"] == "identity.name_invalid"
    assert fields["phone"]["code"] == "phone.invalid"
    assert Person.objects.count() == 0
    assert get_user_model().objects.count() == 0


def test_api_message_summarises_every_field():
    body = post_person(TESTER_PAYLOAD).json()

    assert body["message"].startswith("Correct these fields and register again: ")
    assert (
        "Choose a user name of 1 to 150 characters: letters, digits and the "
        "characters @ . + - _ only."
    ) in body["message"]
    assert "“138” is not a valid phone number." in body["message"]
    assert "4406**********0025" in body["message"]


def test_api_field_entries_carry_no_text():
    body = post_person(TESTER_PAYLOAD).json()
    fields = body["details"]["fields"]

    assert "summary" not in body["details"]
    for entry in fields.values():
        assert "message" not in entry
    assert fields["username"] == {"code": "identity.username_invalid", "max": 150}
    assert fields["name"] == {
        "code": "identity.name_invalid",
        "name_field": "name",
        "max": 60,
    }


def test_api_weak_password_gives_rule_codes():
    payload = {**TESTER_PAYLOAD, "password": "short"}
    fields = post_person(payload).json()["details"]["fields"]

    assert fields["password"]["reasons"] == [
        {"code": "password_too_short", "min_length": 8},
        {"code": "password_letters_and_digits"},
    ]


def test_api_message_in_chinese():
    body = post_person(TESTER_PAYLOAD, language="zh-hans").json()

    assert body["message"].startswith("请更正以下各项后重新注册：")
    assert "“138”不是有效的电话号码。" in body["message"]
    assert body["details"]["fields"]["phone"] == {
        "code": "phone.invalid",
        "value": "138",
    }


def test_api_echoes_phone_but_masks_id_number(caplog):
    with caplog.at_level(logging.DEBUG):
        response = post_person(TESTER_PAYLOAD)
    phone = response.json()["details"]["fields"]["phone"]

    assert phone["value"] == "138"
    assert "“138” is not a valid phone number." in response.json()["message"]
    assert WRONG_CHECK_DIGIT_ID not in response.content.decode()
    assert "“138”" not in caplog.text
    assert WRONG_CHECK_DIGIT_ID not in caplog.text


def test_api_single_problem_keeps_its_code():
    response = post_person(valid_payload(id_number=WRONG_CHECK_DIGIT_ID))
    body = response.json()

    assert response.status_code == 400
    assert body["code"] == "id_number.check_digit"
    assert body["details"] == {"masked": "4406**********0025", "field": "id_number"}


def test_api_lists_taken_user_name_with_invalid_fields():
    assert post_person(valid_payload()).status_code == 201

    response = post_person(valid_payload(id_number=WRONG_CHECK_DIGIT_ID, phone="138"))
    fields = response.json()["details"]["fields"]

    assert response.status_code == 400
    assert response.json()["code"] == "identity.registration_invalid"
    assert fields["username"]["code"] == "identity.username_taken"
    assert fields["id_number"]["code"] == "id_number.check_digit"
    assert fields["phone"]["code"] == "phone.invalid"


def test_api_conflicts_only_answer_409():
    assert post_person(valid_payload()).status_code == 201

    response = post_person(valid_payload())
    fields = response.json()["details"]["fields"]

    assert response.status_code == 409
    assert response.json()["code"] == "identity.registration_invalid"
    assert fields["username"]["code"] == "identity.username_taken"
    assert fields["id_number"]["code"] == "identity.id_number_registered"


def test_api_rejects_user_name_with_spaces_inside():
    response = post_person(valid_payload(username="wang wu"))

    assert response.status_code == 400
    assert response.json()["code"] == "identity.username_invalid"
    assert response.json()["details"]["field"] == "username"


def test_page_shows_every_error_beside_its_field():
    response = Client(headers={"accept-language": "en"}).post(
        "/accounts/register/",
        valid_payload(id_number=WRONG_CHECK_DIGIT_ID, phone="138"),
    )
    text = response.content.decode()

    assert response.status_code == 400
    assert 'data-code="identity.registration_invalid"' in text
    assert 'id="error-id_number"' in text
    assert 'id="error-phone"' in text
    assert 'id="error-username"' not in text
    assert "“138” is not a valid phone number." in text
    assert 'value="138"' in text


def test_page_single_error_shown_beside_field():
    response = Client().post(
        "/accounts/register/", valid_payload(id_number=WRONG_CHECK_DIGIT_ID)
    )
    text = response.content.decode()

    assert response.status_code == 400
    assert 'data-code="id_number.check_digit"' in text
    assert 'id="error-id_number"' in text


def test_window_registration_lists_every_field(demo):
    with pytest.raises(RegistrationInvalid) as caught:
        register_person_at_window(
            actor=demo.user("clerk"),
            id_number=WRONG_CHECK_DIGIT_ID,
            name="",
            phone="138",
        )

    assert list(caught.value.details["fields"]) == ["id_number", "name", "phone"]


def test_enterprise_lists_every_invalid_field(demo):
    response = demo.client("applicant").post(
        "/api/v1/identity/enterprises",
        {"uscc": "91440604MA4W1X2Y", "name": "新公司", "legal_representative": ""},
        content_type="application/json",
    )
    fields = response.json()["details"]["fields"]

    assert response.status_code == 400
    assert response.json()["code"] == "identity.registration_invalid"
    assert fields["uscc"]["code"] == "uscc.length"
    assert fields["legal_representative"]["code"] == "identity.name_invalid"
    assert not Enterprise.objects.filter(name="新公司").exists()


def test_enterprise_page_shows_every_error(demo):
    response = demo.client("applicant").post(
        "/accounts/enterprises/",
        {"uscc": "91440604MA4W1X2Y", "name": "新公司", "legal_representative": ""},
    )
    text = response.content.decode()

    assert response.status_code == 400
    assert 'data-code="identity.registration_invalid"' in text
    assert 'id="error-uscc"' in text
    assert 'id="error-legal_representative"' in text


def test_misspelt_member_rejects_registration():
    response = post_person(valid_payload(nmae="王五"))

    assert response.status_code == 422
    assert "nmae is not a member of this request" in response.json()["message"]
    assert not Person.objects.filter(id_number=VALID_ID).exists()


@pytest.mark.parametrize(
    ("name", "shown"),
    [("王<b>五", "“<”"), ("王五;", "“;”"), ("王\u200b五", "U+200B")],
)
def test_name_with_forbidden_character_names_the_character(name, shown):
    body = post_person(valid_payload(name=name)).json()

    assert body["code"] == "identity.name_character_invalid"
    assert shown in body["message"]
    assert Person.objects.count() == 0


def test_name_outside_the_basic_plane_is_accepted():
    response = post_person(valid_payload(name="王𠀀𪚥"))

    assert response.status_code == 201
    assert Person.objects.get().name == "王𠀀𪚥"


def test_password_like_user_name_is_rejected():
    body = post_person(
        valid_payload(username="wangwu2024", password="wangwu2024")
    ).json()

    assert body["code"] == "identity.weak_password"
    assert "similar to the username" in body["message"]
    assert get_user_model().objects.count() == 0


def test_too_long_address_is_rejected_not_cut():
    body = post_person(valid_payload(address="佛山市禅城区" * 40)).json()

    assert body["code"] == "identity.address_invalid"
    assert "240" in body["message"]
    assert Person.objects.count() == 0


def test_address_line_breaks_become_spaces():
    post_person(valid_payload(address="佛山市禅城区\r\n祖庙路 1 号"))

    assert Person.objects.get().address == "佛山市禅城区 祖庙路 1 号"


def test_enterprise_name_is_required_and_checked(demo):
    client = demo.client("applicant")
    uscc = "91440300708461136T"
    empty = client.post(
        "/api/v1/identity/enterprises",
        {"uscc": uscc, "name": "  ", "legal_representative": "李四"},
        content_type="application/json",
    ).json()
    markup = client.post(
        "/api/v1/identity/enterprises",
        {"uscc": uscc, "name": "<script>公司", "legal_representative": "李四"},
        content_type="application/json",
    ).json()

    assert empty["code"] == "identity.enterprise_name_invalid"
    assert markup["code"] == "identity.name_character_invalid"
    assert not Enterprise.objects.filter(uscc=uscc).exists()


@pytest.mark.parametrize(
    "password", [" " * 12, "onlyletterspassphrase", "20261205199003"]
)
def test_password_without_letter_and_digit_is_rejected(password):
    body = post_person(valid_payload(password=password)).json()

    assert body["code"] == "identity.weak_password"
    assert "one letter and one digit" in body["message"]
    assert get_user_model().objects.count() == 0


@pytest.mark.parametrize(
    ("address", "shown", "code"),
    [
        ("佛山\u0007市", "U+0007", "request.control_character"),
        ("佛山\u200b市", "U+200B", "identity.address_character_invalid"),
    ],
)
def test_address_with_invisible_character_is_rejected(address, shown, code):
    body = post_person(valid_payload(address=address)).json()

    assert body["code"] == code
    assert shown in body["message"]
    assert Person.objects.count() == 0


def test_long_phone_is_shown_cut_in_the_message():
    body = post_person(valid_payload(phone="1" * 10_000)).json()

    assert body["code"] == "phone.invalid"
    assert "1" * 40 + "…" in body["message"]
    assert "1" * 41 not in body["message"]


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("😀", "“😀” U+1F600 (GRINNING FACE)"),
        ("王😀", "“😀” U+1F600 (GRINNING FACE)"),
        ("王五3", "“3” U+0033 (DIGIT THREE)"),
        ("王★五", "“★” U+2605 (BLACK STAR)"),
        ("\u0301王", "“\u0301” U+0301 (COMBINING ACUTE ACCENT)"),
        ("王\ue000", "U+E000"),
    ],
)
def test_name_with_symbol_names_code_point(name, shown):
    body = post_person(valid_payload(name=name)).json()

    assert body["code"] == "identity.name_character_invalid"
    assert body["message"] == (
        f"The name contains {shown}, which is not a letter or an ideograph. A "
        "person's name contains only letters and ideographs, with “-”, “.”, “·”, “•”, "
        "“・”, “．” or a space between its parts. Remove the character, or type the "
        "name as on the ID card."
    )
    assert Person.objects.count() == 0


def test_name_symbol_rejected_in_chinese():
    body = post_person(valid_payload(name="😀"), language="zh-hans").json()

    assert body["message"] == (
        "姓名中含有“😀” U+1F600，它不是文字字母或汉字。个人姓名只能"
        "包含文字字母和汉字，各部分之间可用“-”、“.”、“·”、“•”、“・”、“．”或空格分隔。"
        "请删除该字符，或按身份证上的姓名填写。"
    )


@pytest.mark.parametrize(
    "name",
    [
        "𠮷田",  # CJK Extension B
        "\U0002a700田",  # CJK Extension C
        "\U0002b740田",  # CJK Extension D
        "\U0002b820田",  # CJK Extension E
        "\U0002ceb0田",  # CJK Extension F
        "𱍊明",  # CJK Extension G
        "\U00031350华",  # CJK Extension H
        "\U0002ebf0华",  # CJK Extension I
        "阿依古丽·买买提",
        "John Smith",
        "Jean-Luc",
        "José",
        "Jose\u0301",  # e with a combining acute accent
        "葛\U000e0100",  # an ideographic variation sequence
    ],
)
def test_name_of_letters_and_separators_accepted(name):
    response = post_person(valid_payload(name=name))

    assert response.status_code == 201, response.json()
    assert Person.objects.get().name == name


def test_legal_representative_symbol_rejected(demo):
    body = (
        demo.client("applicant")
        .post(
            "/api/v1/identity/enterprises",
            {
                "uscc": "91440300708461136T",
                "name": "新公司",
                "legal_representative": "李😀",
            },
            content_type="application/json",
        )
        .json()
    )

    assert body["code"] == "identity.name_character_invalid"
    assert body["details"]["name_field"] == "legal_representative"
    assert body["message"].startswith(
        "The legal representative's name contains “😀” U+1F600"
    )


def test_name_character_details_are_values():
    body = post_person(valid_payload(name=" 王五😀")).json()

    assert body["code"] == "identity.name_character_invalid"
    assert body["details"] == {
        "name_field": "name",
        "character": "😀",
        "code_point": "U+1F600",
        "position": 4,
        "separators": [" ", "-", ".", "·", "•", "・", "．"],
        "field": "name",
    }


def test_name_character_position_counts_marks():
    body = post_person(valid_payload(name="王\u0301 \u0301五")).json()

    assert body["details"]["character"] == "\u0301"
    assert body["details"]["position"] == 4


def test_enterprise_name_character_details_are_values(demo):
    body = (
        demo.client("applicant")
        .post(
            "/api/v1/identity/enterprises",
            {
                "uscc": "91440300708461136T",
                "name": "新\u200b公司",
                "legal_representative": "李四",
            },
            content_type="application/json",
        )
        .json()
    )

    assert body["code"] == "identity.name_character_invalid"
    assert body["details"]["name_field"] == "enterprise_name"
    assert body["details"]["character"] == "\u200b"
    assert body["details"]["code_point"] == "U+200B"
    assert body["details"]["position"] == 2
    assert "U+200B" in body["message"]


def test_address_character_spaced_in_chinese():
    body = post_person(valid_payload(address="佛山\u200b市"), language="zh-hans").json()

    assert body["message"].startswith("地址中含有 U+200B，这是地址中不能出现的")


def test_address_character_details_are_values():
    body = post_person(valid_payload(address="佛山市\n禅城区\u200b")).json()

    assert body["code"] == "identity.address_character_invalid"
    assert body["details"]["character"] == "\u200b"
    assert body["details"]["code_point"] == "U+200B"
    assert body["details"]["position"] == 8


@pytest.mark.parametrize("name", ["王・五", "王．五"])
def test_name_separators_listed_are_accepted(name):
    response = post_person(valid_payload(name=name))

    assert response.status_code == 201, response.json()


def test_id_number_born_1800_rejected_at_registration():
    body = post_person(valid_payload(id_number="440604180001010018")).json()

    assert body["code"] == "id_number.date"
    assert "1900-01-01" in body["message"]
    assert Person.objects.count() == 0


@pytest.mark.parametrize(
    "id_number",
    [
        "4406041985",  # length
        "44060419850315002A",  # alphabet
        WRONG_CHECK_DIGIT_ID,  # check digit
        "440604198502300021",  # no such date
        "440604180001010018",  # before 1900
        "999999198503150021",  # region
        VALID_ID,  # registered already (the second time)
    ],
)
def test_id_number_errors_use_the_label_term(id_number):
    post_person(valid_payload(username="first"))

    body = post_person(valid_payload(id_number=id_number), language="zh-hans").json()

    assert body["details"]["field"] == "id_number"
    assert "公民身份号码" in body["message"]
    assert "身份证号码" not in body["message"]


def test_register_page_uses_one_term_for_id_number(db):
    response = Client(headers={"accept-language": "zh-hans"}).post(
        "/accounts/register/",
        {
            "username": "newuser",
            "password": "a-long-passphrase-1",
            "id_number": WRONG_CHECK_DIGIT_ID,
            "name": "王五",
        },
    )

    text = response.content.decode()
    assert "公民身份号码 <input" in text
    assert "公民身份号码 4406**********0025 的校验码与其他数字不符" in text
    assert "身份证号码" not in text


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [("/kiosk/", "/kiosk/"), ("https://example.invalid/", "/"), ("//x.invalid/", "/")],
)
def test_page_returns_only_to_own_site(next_url, expected):
    response = Client().post(
        f"/accounts/register/?next={next_url}", valid_payload(), follow=False
    )

    assert response.status_code == 302
    assert response["Location"] == expected
