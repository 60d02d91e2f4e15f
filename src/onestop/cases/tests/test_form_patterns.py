"""A text field's pattern: full-width characters matched as ASCII, and the message
that names the rule from the field's pattern_hint."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from onestop.cases.form_errors import FormInvalid, form_summary
from onestop.cases.formdata import check_form_data
from onestop.cases.models import Case
from onestop.cases.tests.test_api_flow import apply
from onestop.catalog.models import Matter
from onestop.testing import valid_form

UNEMPLOYMENT = "unemployment-insurance-benefit"
PROVIDENT_FUND = "provident-fund-rent-withdrawal"
ACCOUNT = {
    "key": "bank_account",
    "label": "银行账号",
    "type": "text",
    "max_length": 30,
    "pattern": "^[0-9]{12,30}$",
    "pattern_hint": "12 至 30 位数字",
}
SPACED = {
    "key": "plate",
    "label": "号牌号码",
    "type": "text",
    "pattern": "^[A-Z]{2} [0-9]{5}$",
}


def rejected(fields, data) -> FormInvalid:
    with pytest.raises(FormInvalid) as caught:
        check_form_data(fields, data)
    return caught.value


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("１２３４５６７８９０１２", "123456789012"),
        ("１２３456７８９０１２", "123456789012"),
        ("123456789012", "123456789012"),
    ],
)
def test_full_width_digits_stored_as_ascii(sent, stored):
    assert check_form_data([ACCOUNT], {"bank_account": sent}) == {
        "bank_account": stored
    }


def test_ideographic_space_and_letters_matched():
    cleaned = check_form_data([SPACED], {"plate": "ＡＢ\u300012345"})

    assert cleaned == {"plate": "AB 12345"}


def test_field_without_pattern_kept_full_width():
    field = {"key": "note", "label": "备注", "type": "text"}

    assert check_form_data([field], {"note": "１２３"}) == {"note": "１２３"}


def test_grouped_account_stored_without_spaces():
    field = {**ACCOUNT, "strip_spaces": True}

    cleaned = check_form_data([field], {"bank_account": "6222 0000\u30001111 ２２２２"})

    assert cleaned == {"bank_account": "6222000011112222"}


def test_spaces_kept_without_strip_spaces():
    error = rejected([ACCOUNT], {"bank_account": "6222 0000 1111 2222"})

    assert error.details["fields"]["bank_account"]["value"] == "6222 0000 1111 2222"


def test_personal_data_value_masked_in_error():
    field = {**ACCOUNT, "personal_data": True}
    error = rejected([field], {"bank_account": "６２２２０００0１"})

    with translation.override("zh-hans"):
        summary = form_summary(error)

    assert error.details["fields"]["bank_account"]["value"] == "6222*0001"
    assert "银行账号“6222*0001”格式不正确，应为 12 至 30 位数字。" in summary
    assert "622200001" not in summary


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "银行账号 does not have the required format: 12 至 30 位数字."),
        ("zh-hans", "银行账号格式不正确，应为 12 至 30 位数字。"),
    ],
)
def test_short_personal_data_not_quoted(language, line):
    field = {**ACCOUNT, "personal_data": True}
    error = rejected([field], {"bank_account": "测试内容"})

    with translation.override(language):
        summary = form_summary(error)

    assert error.details["fields"]["bank_account"] == {
        "code": "field.pattern_mismatch",
        "pattern": "^[0-9]{12,30}$",
    }
    assert line in summary
    assert "****" not in summary
    assert "测试内容" not in summary


def test_short_personal_data_without_hint():
    field = {**ACCOUNT, "personal_data": True, "pattern_hint": ""}
    error = rejected([field], {"bank_account": "1234"})

    with translation.override("en"):
        summary = form_summary(error)

    assert "银行账号 does not have the required format." in summary
    assert "1234" not in summary


def test_full_width_non_digit_still_rejected():
    error = rejected([ACCOUNT], {"bank_account": "１２３４５６７８９０１Ａ"})

    assert error.details["fields"]["bank_account"]["code"] == "field.pattern_mismatch"


@pytest.mark.parametrize(
    ("language", "line"),
    [
        (
            "en",
            "银行账号 is 12345, which does not have the required format: "
            "12 至 30 位数字.",
        ),
        ("zh-hans", "银行账号“12345”格式不正确，应为 12 至 30 位数字。"),
    ],
)
def test_mismatch_message_names_hint(language, line):
    error = rejected([ACCOUNT], {"bank_account": "12345"})

    with translation.override(language):
        summary = form_summary(error)

    assert line in summary
    assert error.details["fields"]["bank_account"] == {
        "code": "field.pattern_mismatch",
        "pattern": "^[0-9]{12,30}$",
        "value": "12345",
    }


def test_mismatch_message_without_hint():
    field = {key: value for key, value in ACCOUNT.items() if key != "pattern_hint"}
    error = rejected([field], {"bank_account": "12345"})

    with translation.override("en"):
        summary = form_summary(error)

    assert "银行账号 is 12345, which does not have the required format." in summary
    assert "format:" not in summary


@pytest.mark.django_db
def test_api_rejects_short_account_with_rule(demo):
    matter = Matter.objects.get(centre=demo.centre, pack_id=UNEMPLOYMENT)
    form = {"field.bank_account": "12345"}

    response = apply(
        demo.client("applicant"), demo, matter=matter, form=form, key="short"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "form.invalid"
    assert body["details"]["fields"]["bank_account"]["code"] == (
        "field.pattern_mismatch"
    )
    assert "12 至 30 位数字" in body["message"]
    assert "12 至 30 位数字" not in json.dumps(body["details"], ensure_ascii=False)


@pytest.mark.django_db
def test_api_stores_full_width_account_as_ascii(demo):
    matter = Matter.objects.get(centre=demo.centre, pack_id=UNEMPLOYMENT)
    client = demo.client("applicant")

    form = {**valid_form(matter), "field.bank_account": "６２２２０２１２３４５６７８"}

    response = apply(client, demo, matter=matter, form=form, key="wide")

    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.form_data["bank_account"] == "62220212345678"


@pytest.mark.django_db
def test_api_stores_provident_fund_accounts_as_ascii(demo):
    matter = Matter.objects.get(centre=demo.centre, pack_id=PROVIDENT_FUND)
    form = {
        **valid_form(matter),
        "field.fund_account": "１２３４５６７８９０",
        "field.bank_account": "6222 0000 1111 2222",
    }

    response = apply(demo.client("applicant"), demo, matter=matter, form=form)

    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.form_data["fund_account"] == "1234567890"
    assert case.form_data["bank_account"] == "6222000011112222"


@pytest.mark.django_db
def test_api_masks_rejected_bank_account(demo):
    matter = Matter.objects.get(centre=demo.centre, pack_id=PROVIDENT_FUND)
    form = {
        **valid_form(matter),
        "field.fund_account": "1234567890",
        "field.bank_account": "6222 0000 1111 22x2",
    }

    response = apply(demo.client("applicant"), demo, matter=matter, form=form)

    assert response.status_code == 400
    body = response.json()
    assert body["details"]["fields"]["bank_account"]["value"] == "6222********22x2"
    assert body["message"] == (
        "Correct these fields of the form: 收款银行账号 is 6222********22x2, which "
        "does not have the required format: 12 至 30 位数字."
    )
    assert "622200001111" not in json.dumps(body, ensure_ascii=False)


@pytest.mark.django_db
def test_apply_page_shows_pattern_hint(demo):
    response = demo.client("applicant").get(
        f"/portal/{demo.centre.slug}/matters/{UNEMPLOYMENT}/apply/"
    )

    assert response.status_code == 200
    assert (
        '<div class="muted pattern-hint" id="pattern-hint-bank_account">'
        "12 至 30 位数字</div>"
    ) in response.content.decode()
