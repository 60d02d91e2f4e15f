"""Integer and decimal form fields: plain digits, 15 integer digits, decimal places."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import translation

from onestop.cases.form_errors import FormInvalid, field_messages
from onestop.cases.formdata import check_form_data
from onestop.cases.models import Case
from onestop.catalog.models import Matter
from onestop.core import json_input
from onestop.testing import (
    current_version,
    field_messages_in,
    material_files,
    valid_form,
)

AMOUNT: dict[str, Any] = {"key": "amount", "label": "开票金额（元）", "type": "decimal"}
COUNT: dict[str, Any] = {"key": "count", "label": "排放口数量", "type": "integer"}
AREA: dict[str, Any] = {
    "key": "area",
    "label": "采伐面积（亩）",
    "type": "decimal",
    "decimal_places": 4,
}


def error_of(field: dict[str, Any], value: Any) -> str:
    """Return the message for `value` in `field`, in English."""
    with pytest.raises(FormInvalid) as caught:
        check_form_data([field], {field["key"]: value})
    with translation.override("en"):
        return field_messages(caught.value)[field["key"]]


def cleaned(field: dict[str, Any], value: Any) -> Any:
    return check_form_data([field], {field["key"]: value})[field["key"]]


NOT_PLAIN = (
    "must be a number written with the digits 0-9 and at most one decimal point, such "
    "as 1250.50, not {value}. Exponents (1e5), NaN, Infinity and thousands separators "
    "are not accepted."
)


@pytest.mark.parametrize(
    "value", ["1e400", "1E+400", "NaN", "Infinity", "-inf", "1_000", "1,000.00", "١٢"]
)
def test_decimal_rejects_other_notations(value):
    assert error_of(AMOUNT, value) == "开票金额（元） " + NOT_PLAIN.format(value=value)


def test_decimal_rejects_json_infinity():
    # json.loads reads 1e400 as float("inf").
    assert error_of(AMOUNT, float("inf")) == "开票金额（元） " + NOT_PLAIN.format(
        value="inf"
    )


def test_decimal_value_cut_to_40_characters():
    value = "x" * 100

    assert error_of(AMOUNT, value).endswith(
        f"not {'x' * 40}…. Exponents (1e5), NaN, Infinity and thousands separators "
        "are not accepted."
    )


def test_decimal_rejects_16_integer_digits():
    value = "99999999999999999999999999.99"

    assert error_of(AMOUNT, value) == (
        f"开票金额（元） is {value}, which has 26 digits before the decimal point; "
        "the maximum is 15."
    )
    assert error_of(AMOUNT, "1" + "0" * 15) == (
        "开票金额（元） is 1000000000000000, which has 16 digits before the decimal "
        "point; the maximum is 15."
    )


def test_decimal_accepts_15_integer_digits():
    assert cleaned(AMOUNT, "999999999999999.99") == "999999999999999.99"
    assert cleaned(AMOUNT, "000999") == "999"


def test_decimal_rejects_third_place_by_default():
    assert error_of(AMOUNT, "0.001") == (
        "开票金额（元） is 0.001, which has 3 decimal places; the maximum is 2."
    )
    assert cleaned(AMOUNT, "0.01") == "0.01"
    assert cleaned(AMOUNT, "2.500") == "2.500"


def test_decimal_places_set_by_field():
    assert cleaned(AREA, "0.1234") == "0.1234"
    assert error_of(AREA, "0.12345") == (
        "采伐面积（亩） is 0.12345, which has 5 decimal places; the maximum is 4."
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [("９９", "99"), ("１２．５", "12.5"), ("－３", "-3"), (" ９９ ", "99")],
)
def test_full_width_digits_normalised(value, expected):
    assert cleaned(AMOUNT, value) == expected


def test_json_number_accepted():
    assert cleaned(AMOUNT, 12.5) == "12.5"


def test_json_decimal_keeps_every_digit():
    # As a float, 888888888888888.88 would be 888888888888888.9.
    sent = json_input.loads('{"amount": 888888888888888.88, "small": 0.10}')

    assert cleaned(AMOUNT, sent["amount"]) == "888888888888888.88"
    assert cleaned(AMOUNT, sent["small"]) == "0.10"


def test_json_decimal_named_as_written():
    sent = json_input.loads('{"amount": 999999999999999.999, "big": 1e5}')

    assert error_of(AMOUNT, sent["amount"]) == (
        "开票金额（元） is 999999999999999.999, which has 3 decimal places; the "
        "maximum is 2."
    )
    assert error_of(AMOUNT, sent["big"]) == "开票金额（元） " + NOT_PLAIN.format(
        value="1e5"
    )


@pytest.mark.django_db
def test_window_json_decimal_exact(demo):
    matter = Matter.objects.get(centre=demo.centre, pack_id="construction-permit")
    form = {key.removeprefix("field."): v for key, v in valid_form(matter).items()}
    body = {
        "centre": demo.centre.slug,
        "matter": matter.pack_id,
        "id_number": "440604198503150024",
        "form": form,
        "checklist": {
            m["key"]: {"original_seen": True}
            for m in current_version(matter).guide.materials
        },
    }
    text = json.dumps(body, ensure_ascii=False).replace(
        f'"floor_area": "{form["floor_area"]}"', '"floor_area": 888888888888888.88'
    )
    assert "888888888888888.88" in text

    response = demo.client("clerk").post(
        "/api/v1/cases/window", text, content_type="application/json"
    )

    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.form_data["floor_area"] == "888888888888888.88"


@pytest.mark.parametrize("value", ["1e3", "NaN", "1_0", "12,000"])
def test_integer_rejects_other_notations(value):
    assert error_of(COUNT, value) == (
        f"排放口数量 must be a whole number written with the digits 0-9, such as 12, "
        f"not {value}. Exponents (1e5), NaN, Infinity and thousands separators are "
        "not accepted."
    )


def test_integer_rejects_16_digits():
    assert error_of(COUNT, "1234567890123456") == (
        "排放口数量 is 1234567890123456, which has 16 digits before the decimal "
        "point; the maximum is 15."
    )
    assert cleaned(COUNT, "123456789012345") == 123456789012345
    assert cleaned(COUNT, "３") == 3


def test_integer_fraction_still_rejected():
    assert error_of(COUNT, "2.5") == "排放口数量 must be a whole number."


def test_bounds_name_the_value():
    bounded = {**AMOUNT, "min": 0, "max": 1000}

    assert error_of(bounded, "-5") == "开票金额（元） is -5; it must be at least 0."
    assert error_of(bounded, "1000.01") == (
        "开票金额（元） is 1000.01; it must be at most 1000."
    )
    with translation.override("zh-hans"), pytest.raises(FormInvalid) as caught:
        check_form_data([bounded], {"amount": "-5"})
    with translation.override("zh-hans"):
        message = field_messages(caught.value)["amount"]
    assert message == "开票金额（元）为 -5，不能小于 0。"


def test_number_errors_in_chinese():
    with translation.override("zh-hans"), pytest.raises(FormInvalid) as caught:
        check_form_data([AMOUNT, COUNT], {"amount": "0.001", "count": "1e3"})

    with translation.override("zh-hans"):
        fields = field_messages(caught.value)
    assert fields["amount"] == ("开票金额（元）为 0.001，有 3 位小数，最多允许 2 位。")
    assert fields["count"] == (
        "排放口数量应为只用数字 0-9 书写的整数，例如 12，而不是 1e3。"
        "不接受指数（1e5）、NaN、Infinity 和千位分隔符。"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["1e400", "99999999999999999999999999.99", "0.001"])
def test_invoice_amount_rejected_by_api(demo, amount):
    matter = Matter.objects.get(centre=demo.centre, pack_id="vat-invoice-on-behalf")
    data = {"centre": demo.centre.slug, "matter": matter.pack_id}
    data.update(valid_form(matter))
    data["field.amount"] = amount
    data.update(material_files(matter))

    response = demo.client("applicant").post(
        "/api/v1/cases", data, headers={"Accept-Language": "en"}
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "form.invalid"
    assert body["details"]["fields"]["amount"]["value"] == amount
    message = field_messages_in(body, matter, "en")["amount"]
    assert message.startswith("开票金额（元） ")
    assert message in body["message"]
    assert amount in message
    assert Case.objects.count() == 0
