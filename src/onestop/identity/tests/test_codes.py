import json
import unicodedata
from datetime import date

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from onestop.core.errors import InvalidInput
from onestop.identity.codes import (
    USCC_ALPHABET,
    check_phone,
    id_check_digit,
    mask_id_number,
    mask_name,
    mask_phone,
    parse_resident_id,
    parse_uscc,
    uscc_check_character,
)
from onestop.regions.gb2260 import all_regions, get_region
from onestop.testing import shared_data

KNOWN_ANSWERS = json.loads(shared_data("ids/identity-codes.json").read_text("utf-8"))
RESIDENT_IDS = KNOWN_ANSWERS["resident_id_gb11643"]
# Valid numbers with a date of birth before 1900, such as the example of GB 11643-1999,
# are well formed but rejected by the earliest date of birth accepted.
VALID_IDS_FROM_1900 = [v for v in RESIDENT_IDS["valid"] if v[6:10] >= "1900"]
VALID_IDS_BEFORE_1900 = [v for v in RESIDENT_IDS["valid"] if v[6:10] < "1900"]
USCCS = KNOWN_ANSWERS["uscc_gb32100"]

# The rule each known invalid value breaks, keyed by the words that describe it: for an
# ID number the words before any bracket, for a USCC words anywhere in the description.
ID_RULE_CODES = {
    "check digit": "id_number.check_digit",
    "no such date": "id_number.date",
    "17 characters": "id_number.length",
    "format": "id_number.alphabet",
}
USCC_RULE_CODES = {
    "check character": "uscc.check_character",
    "not in the alphabet": "uscc.alphabet",
    "17 characters": "uscc.length",
}
TODAY = date(2025, 6, 1)


def _uscc_rule_code(description):
    matches = [code for words, code in USCC_RULE_CODES.items() if words in description]
    assert len(matches) == 1, description
    return matches[0]


def _id_error(value, **kwargs):
    with pytest.raises(InvalidInput) as caught:
        parse_resident_id(value, **kwargs)
    return caught.value


def _uscc_error(value):
    with pytest.raises(InvalidInput) as caught:
        parse_uscc(value)
    return caught.value


def _english(error):
    with translation.override("en"):
        return error.render()


def _with_check_digit(first_17):
    return first_17 + id_check_digit(first_17)


# Resident ID numbers: known-answer values


@pytest.mark.parametrize("value", VALID_IDS_BEFORE_1900)
def test_known_valid_id_before_1900_rejected(value):
    assert id_check_digit(value[:17]) == value[17]
    assert _id_error(value, today=TODAY).code == "id_number.date"


@pytest.mark.parametrize("value", VALID_IDS_FROM_1900)
def test_known_valid_id_number_parses(value):
    resident_id = parse_resident_id(value, today=TODAY)

    assert resident_id.number == value
    assert resident_id.region_code == value[:6]
    assert resident_id.birth_date.strftime("%Y%m%d") == value[6:14]


@pytest.mark.parametrize(("value", "reason"), RESIDENT_IDS["invalid"].items())
def test_known_invalid_id_number_fails_its_rule(value, reason):
    error = _id_error(value, today=TODAY)

    assert error.code == ID_RULE_CODES[reason.split(" (")[0]]


@pytest.mark.parametrize(("value", "reason"), RESIDENT_IDS["invalid"].items())
def test_id_error_message_hides_the_number(value, reason):
    error = _id_error(value, today=TODAY)

    for language in ("en", "zh-hans"):
        with translation.override(language):
            message = error.render()
        assert value not in message
        assert mask_id_number(value) in message
    assert value not in str(error.details)


@pytest.mark.parametrize(
    ("legacy", "upgraded"), RESIDENT_IDS["legacy_15_to_18"].items()
)
def test_legacy_id_number_upgrades_to_18(legacy, upgraded):
    assert parse_resident_id(legacy, today=TODAY).number == upgraded


def test_historical_birthplace_is_accepted():
    # 440524 was 潮阳县 from 1983 to 1993. A historical code is a known birthplace.
    resident_id = parse_resident_id(_with_check_digit("44052419800101001"), today=TODAY)
    region = get_region("440524")

    assert region is not None
    assert region.current is False
    assert resident_id.birth_date == date(1980, 1, 1)
    assert resident_id.sex == "male"


def test_standard_example_born_1880_is_rejected():
    # GB 11643-1999 gives 440524188001010014 as its example, with a valid check digit.
    assert "440524188001010014" in VALID_IDS_BEFORE_1900


def test_date_is_reported_before_check_digit():
    # 440524188002300014 has both a non-existent date and a wrong check digit.
    assert id_check_digit("44052418800230001") != "4"
    assert _id_error("440524188002300014", today=TODAY).code == "id_number.date"


# Resident ID numbers: each rule


def test_id_number_fields():
    resident_id = parse_resident_id("440604198503150024", today=TODAY)

    assert resident_id.birth_date == date(1985, 3, 15)
    assert resident_id.sex == "female"
    assert resident_id.region_code == "440604"
    assert resident_id.masked == "4406**********0024"


def test_odd_sequence_digit_is_male():
    assert parse_resident_id("44060419900101123X", today=TODAY).sex == "male"


def test_id_number_input_is_normalised():
    expected = "11010519491231002X"

    assert parse_resident_id("11010519491231002x", today=TODAY).number == expected
    assert parse_resident_id(" 110105 19491231 002X ", today=TODAY).number == expected
    assert (
        parse_resident_id("１１０１０５１９４９１２３１００２Ｘ", today=TODAY).number
        == expected
    )


@pytest.mark.parametrize("value", ["", "4406041985031500", "4406041985031500241", "X"])
def test_id_number_of_wrong_length_is_rejected(value):
    assert _id_error(value, today=TODAY).code == "id_number.length"


def test_id_length_message():
    error = _id_error("11010519491231002", today=TODAY)

    assert _english(error) == (
        "An ID number has 18 characters, or 15 digits in the old form, but "
        "1101*********1002 has 17. Re-type the number from the ID card."
    )


@pytest.mark.parametrize(
    ("value", "position"),
    [
        ("X40604198503150024", 1),
        ("4406041985031500X4", 17),
        ("44060419850315002A", 18),
        ("44052480010100X", 15),
        ("4406041985-3150024", 11),
    ],
)
def test_id_number_with_foreign_character_is_rejected(value, position):
    error = _id_error(value, today=TODAY)

    assert error.code == "id_number.alphabet"
    assert error.details["position"] == position


def test_id_alphabet_message():
    error = _id_error("1101051949123100XX", today=TODAY)

    assert _english(error) == (
        "An ID number contains only digits, with X allowed as the last character, but "
        "1101**********00XX has “X” at position 17. Re-type the number from the ID "
        "card."
    )


def test_check_digit_message_hides_expected():
    error = _id_error("110105194912310021", today=TODAY)

    assert _english(error) == (
        "The check digit of ID number 1101**********0021 does not match its other "
        "digits, so a digit was probably mistyped. Re-type the number from the ID card."
    )
    assert error.details == {"masked": "1101**********0021"}


@pytest.mark.parametrize("birth", ["19850230", "19851301", "19850001", "20190229"])
def test_id_number_with_no_such_date_is_rejected(birth):
    number = _with_check_digit(f"440604{birth}002")

    assert _id_error(number, today=TODAY).code == "id_number.date"


def test_leap_day_is_a_date():
    number = _with_check_digit("44060420000229002")

    assert parse_resident_id(number, today=TODAY).birth_date == date(2000, 2, 29)


def test_id_number_born_in_future_is_rejected():
    number = _with_check_digit("44060420250602002")
    error = _id_error(number, today=TODAY)

    assert error.code == "id_number.date"
    assert _english(error) == (
        "The date of birth in ID number 4406**********0021 is in the future. Re-type "
        "the number from the ID card."
    )


def test_id_number_born_today_is_accepted():
    number = _with_check_digit("44060420250601002")

    assert parse_resident_id(number, today=TODAY).birth_date == TODAY


@pytest.mark.parametrize("first_17", ["44060417991231002", "44060418000101001"])
def test_id_number_born_before_1900_is_rejected(first_17):
    number = _with_check_digit(first_17)
    error = _id_error(number, today=TODAY)

    assert error.code == "id_number.date"
    assert _english(error) == (
        f"The date of birth in ID number {mask_id_number(number)} is before "
        "1900-01-01, the earliest date accepted. Re-type the number from the ID card."
    )


def test_id_number_born_1900_01_01_accepted():
    number = _with_check_digit("44060419000101001")

    assert parse_resident_id(number, today=TODAY).birth_date.isoformat() == "1900-01-01"


def test_id_number_defaults_to_current_date():
    number = _with_check_digit("44060421000101002")

    assert _id_error(number).code == "id_number.date"


@pytest.mark.parametrize("region_code", ["999999", "440699", "000000"])
def test_id_number_with_unknown_birthplace_is_rejected(region_code):
    number = _with_check_digit(f"{region_code}19850315002")
    error = _id_error(number, today=TODAY)

    assert error.code == "id_number.region"
    assert _english(error) == (
        f"The first 6 digits of ID number {mask_id_number(number)} are not a region "
        "code, current or historical. Re-type the number from the ID card."
    )


def test_id_number_with_historical_birthplace_is_accepted():
    number = _with_check_digit("44062419850315002")

    assert parse_resident_id(number, today=TODAY).region_code == "440624"


@pytest.mark.parametrize("region_code", ["810000", "820000", "830000"])
def test_residence_permit_number_is_accepted(region_code):
    number = _with_check_digit(f"{region_code}19850315002")

    assert parse_resident_id(number, today=TODAY).region_code == region_code


def test_id_error_message_in_chinese():
    error = _id_error("110105194912310021", today=TODAY)

    with translation.override("zh-hans"):
        message = error.render()

    assert message == (
        "公民身份号码 1101**********0021 的校验码与其他数字不符，可能有数字输错。"
        "请对照身份证重新输入。"
    )


@pytest.mark.parametrize("value", ["", "   "])
def test_missing_id_number_asks_for_it(value):
    error = _id_error(value, today=TODAY)

    assert error.code == "id_number.length"
    assert _english(error) == "Enter the 18-character ID number from the ID card."


# Resident ID numbers: properties

known_region_codes = st.sampled_from([region.code for region in all_regions()])
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(min_value=0, max_value=999)


@st.composite
def valid_id_numbers(draw, birth_dates=birth_dates):
    region_code = draw(known_region_codes)
    birth_date = draw(birth_dates)
    sequence = draw(sequences)
    return _with_check_digit(f"{region_code}{birth_date:%Y%m%d}{sequence:03d}")


def _differs_after_normalising(original):
    def differs(replacement):
        return unicodedata.normalize("NFKC", replacement).upper() != original

    return differs


@given(valid_id_numbers())
def test_generated_id_number_round_trips(number):
    resident_id = parse_resident_id(number, today=TODAY)

    assert resident_id.number == number
    assert resident_id.region_code == number[:6]
    assert f"{resident_id.birth_date:%Y%m%d}" == number[6:14]
    assert (resident_id.sex == "male") == (int(number[16]) % 2 == 1)
    assert ric.calc_check_digit(number) == number[17]


@given(valid_id_numbers(), st.integers(min_value=0, max_value=17), st.data())
def test_id_number_with_one_change_is_rejected(number, position, data):
    original = number[position]
    replacement = data.draw(
        st.characters(exclude_categories=["Cs"]).filter(
            _differs_after_normalising(original)
        )
    )
    changed = number[:position] + replacement + number[position + 1 :]

    with pytest.raises(InvalidInput) as caught:
        parse_resident_id(changed, today=TODAY)

    assert caught.value.code.startswith("id_number.")


@given(valid_id_numbers(st.dates(date(1900, 1, 1), date(1999, 12, 31))))
def test_generated_legacy_id_number_upgrades(number):
    legacy = number[:6] + number[8:17]

    assert parse_resident_id(legacy, today=TODAY).number == number


# USCC: known-answer values


@pytest.mark.parametrize("value", USCCS["valid"])
def test_known_valid_uscc_parses(value):
    parsed = parse_uscc(value)

    assert parsed.code == value
    assert parsed.registration_authority == value[0]
    assert parsed.kind == value[1]
    assert parsed.region_code == value[2:8]
    assert parsed.organisation_code == value[8:17]


@pytest.mark.parametrize(("value", "reason"), USCCS["invalid"].items())
def test_known_invalid_uscc_fails_its_rule(value, reason):
    assert _uscc_error(value).code == _uscc_rule_code(reason)


# USCC: each rule


def test_uscc_fields():
    parsed = parse_uscc("91440604MA4W1X2YX9")

    assert parsed.registration_authority == "9"
    assert parsed.kind == "1"
    assert parsed.region_code == "440604"
    assert parsed.organisation_code == "MA4W1X2YX"


def test_uscc_input_is_normalised():
    assert parse_uscc(" 91440604ma4w1x2yx9 ").code == "91440604MA4W1X2YX9"


def test_missing_uscc_asks_for_it():
    error = _uscc_error(" ")

    assert error.code == "uscc.length"
    assert _english(error) == (
        "Enter the 18-character unified social credit code from the business licence "
        "or registration certificate."
    )


def test_uscc_length_message():
    error = _uscc_error("91350100M000100Y4")

    assert _english(error) == (
        "A unified social credit code has 18 characters, but “91350100M000100Y4” has "
        "17. Re-type the code from the business licence or registration certificate."
    )


def test_uscc_alphabet_message_names_character():
    error = _uscc_error("9135010OM000100Y43")

    assert error.details["character"] == "O"
    assert error.details["position"] == 8
    assert _english(error) == (
        "A unified social credit code contains only digits and the capital letters "
        "other than I, O, Z, S and V, but “9135010OM000100Y43” has “O” at position 8. "
        "Re-type the code from the business licence or registration certificate."
    )


def test_uscc_check_character_message():
    error = _uscc_error("91350100M000100Y44")

    assert _english(error) == (
        "The last character of unified social credit code “91350100M000100Y44” does "
        "not match the other 17, so a character was probably mistyped. Re-type the "
        "code from the business licence or registration certificate."
    )


def test_uscc_check_character_of_zero_remainder():
    # A remainder of 0 maps to check character 0, not to the out-of-range index 31.
    assert uscc_check_character("00000000000000000") == "0"
    assert parse_uscc("000000000000000000").code == "000000000000000000"


# USCC: properties

uscc_bodies = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17)


@given(uscc_bodies)
def test_generated_uscc_round_trips(body):
    code = body + uscc_check_character(body)

    assert parse_uscc(code).code == code
    assert uscc.calc_check_digit(body) == code[17]


@given(uscc_bodies, st.integers(min_value=0, max_value=17), st.data())
def test_uscc_with_one_change_is_rejected(body, position, data):
    code = body + uscc_check_character(body)
    original = code[position]
    replacement = data.draw(
        st.characters(exclude_categories=["Cs"]).filter(
            _differs_after_normalising(original)
        )
    )
    changed = code[:position] + replacement + code[position + 1 :]

    with pytest.raises(InvalidInput) as caught:
        parse_uscc(changed)

    assert caught.value.code.startswith("uscc.")


# Phone numbers


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("13812341234", "13812341234"),
        ("19912341234", "19912341234"),
        ("138 1234 1234", "13812341234"),
        ("138-1234-1234", "13812341234"),
        ("+86 138 1234 1234", "13812341234"),
        ("008613812341234", "13812341234"),
        ("0757-83331234", "0757-83331234"),
        ("(0757)83331234", "0757-83331234"),
        ("075783331234", "0757-83331234"),
        ("010-65123456", "010-65123456"),
        ("020-8333123", "020-8333123"),
        ("0898-6512345", "0898-6512345"),
    ],
)
def test_valid_phone_is_normalised(value, normalised):
    assert check_phone(value) == normalised


@pytest.mark.parametrize(
    "value",
    [
        "",
        "1381234123",  # 10 digits
        "138123412345",  # 12 digits
        "12812341234",  # no mobile prefix 12
        "83331234",  # fixed line without area code
        "0757-03331234",  # subscriber number starting with 0
        "0757-833312",  # 6-digit subscriber number
        "0757-83331234-801",  # extension
        "1381234123x",
    ],
)
def test_invalid_phone_is_rejected(value):
    with pytest.raises(InvalidInput) as caught:
        check_phone(value)

    assert caught.value.code == "phone.invalid"


def test_missing_phone_asks_for_it():
    with pytest.raises(InvalidInput) as caught:
        check_phone("")

    assert caught.value.code == "phone.invalid"
    assert _english(caught.value) == (
        "Enter a phone number: an 11-digit mobile number such as 13812345678, or a "
        "fixed-line number with its area code such as 0757-83331234."
    )


def test_phone_message_in_chinese():
    with pytest.raises(InvalidInput) as caught:
        check_phone("12812341234")

    with translation.override("zh-hans"):
        message = caught.value.render()

    assert message == (
        "“12812341234”不是有效的电话号码。请输入 11 位手机号码（例如 13812345678），"
        "或带区号的固定电话号码（例如 0757-83331234）。"
    )


def test_phone_message_shows_the_typed_number():
    with pytest.raises(InvalidInput) as caught:
        check_phone("128 1234 123")

    assert caught.value.details == {"value": "1281234123"}
    assert _english(caught.value) == (
        "“1281234123” is not a valid phone number. Enter an 11-digit mobile number such "
        "as 13812345678, or a fixed-line number with its area code such as "
        "0757-83331234."
    )


# Masks


def test_mask_id_number_keeps_first_and_last_four():
    assert mask_id_number("440604198503150024") == "4406**********0024"
    assert mask_id_number("440524800101001") == "4405*******1001"


def test_mask_id_number_hides_short_value_completely():
    assert mask_id_number("44060419") == "********"
    assert mask_id_number("") == ""


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812341234", "138****1234"),
        ("+86 138 1234 1234", "138****1234"),
        ("0757-83331234", "0757-****1234"),
        ("(0757)83331234", "0757-****1234"),
        ("020-8333123", "020-***3123"),
        ("1234567", "*******"),
    ],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("张三丰", "张**"),
        ("欧阳娜娜", "欧阳**"),
        ("欧阳修", "欧阳*"),
        ("欧阳", "欧*"),
        ("王", "*"),
        ("", ""),
        (" 李四 ", "李*"),
        ("𠮷田", "𠮷*"),
        ("张𠮷", "张*"),
        ("𠮷𠮷𠮷", "𠮷**"),
        ("阿依古丽·买买提", "阿***·***"),
        ("John Smith", "J*** *****"),
    ],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_mask_name_keeps_variation_selector_with_its_character():
    # 葛 followed by VARIATION SELECTOR-17 is one character of an ideographic
    # variation sequence.
    assert mask_name("葛\U000e0100优") == "葛\U000e0100*"
    assert mask_name("王葛\U000e0100") == "王*"
