"""The code that becomes the holder of an organisation's certificate on a person's own
case may not be that of an enterprise registered in OneStop: in the application form at
every intake, in a resubmission, and in the decider's `holder_code`."""

from __future__ import annotations

import json

import pytest
from django.utils.html import escape

from onestop.cases.form_errors import FormInvalid
from onestop.cases.formdata import FormOwner, check_form_data
from onestop.cases.models import Case, CaseState
from onestop.cases.tests.test_api_flow import FOOD, apply, food_matter
from onestop.catalog.models import Matter
from onestop.certificates.models import Certificate
from onestop.core import outbox
from onestop.exchange.simulator import SAMPLE_USCC
from onestop.testing import (
    current_version,
    material_files,
    valid_form,
    window_acceptance,
)

pytestmark = pytest.mark.django_db

USCC = "91440604MA4W1X2YX9"
ENTERPRISE_NAME = "佛山市禅城区示例商贸有限公司"
APPLICANT_ID = "440604198503150024"
# The sample code of valid_form, which no enterprise in the demo has registered.
UNREGISTERED_USCC = "92440604MA4W2Y3K0M"
ENGLISH = {"Accept-Language": "en"}
ERROR_EN = (
    f"统一社会信用代码 is {USCC}, the code of {ENTERPRISE_NAME}, an enterprise "
    "registered in OneStop, and this matter's certificate would be issued to it. "
    'Only its verified agents may apply for it: if you act for it, choose it under "'
    f'Apply for" (in the API, send enterprise={USCC}). If you are not its verified '
    "agent yet, claim the enterprise on your profile and have a service centre "
    "verify your agency first."
)
ERROR_ZH = (
    f"统一社会信用代码为 {USCC}，是已在本平台注册的企业{ENTERPRISE_NAME}的代码，"
    "本事项的证照将发给该企业。只有该企业经核验的经办人可以为其申请：如您是其经办人，"
    f"请在“申请主体”中选择该企业（通过接口申请时，发送 enterprise={USCC}）。如您尚未"
    "成为其经核验的经办人，请先在个人资料页登记该企业，并请政务服务中心核验您的经办"
    "人身份。"
)
FIELD_ENTRY = {
    "code": "field.enterprise_not_represented",
    "value": USCC,
    "enterprise": ENTERPRISE_NAME,
}


def form_naming(demo, code: str) -> dict[str, str]:
    form = valid_form(food_matter(demo))
    form["field.organisation_uscc"] = code
    return form


def test_api_rejects_registered_holder_code(demo):
    client = demo.client("applicant")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    response = apply(client, demo, form=form_naming(demo, USCC))

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "form.invalid"
    assert body["details"]["fields"] == {"organisation_uscc": FIELD_ENTRY}
    assert body["message"] == f"Correct these fields of the form: {ERROR_EN}"
    assert Case.objects.count() == 0


def test_api_error_in_chinese(demo):
    client = demo.client("applicant")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"

    response = apply(client, demo, form=form_naming(demo, USCC))

    assert response.status_code == 400
    assert ERROR_ZH in response.json()["message"]


def test_unregistered_holder_code_accepted(demo):
    response = apply(
        demo.client("applicant"), demo, form=form_naming(demo, UNREGISTERED_USCC)
    )

    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.enterprise is None
    assert case.form_data["organisation_uscc"] == UNREGISTERED_USCC


def test_agent_applies_by_choosing_enterprise(demo):
    agent = demo.client("agent")
    form = form_naming(demo, USCC)
    form["field.organisation_name"] = ENTERPRISE_NAME

    for_themself = apply(agent, demo, form=form, key="agent-own")
    for_enterprise = apply(
        agent, demo, form={**form, "enterprise": USCC}, key="agent-enterprise"
    )

    assert for_themself.status_code == 400
    fields = for_themself.json()["details"]["fields"]
    assert fields == {"organisation_uscc": FIELD_ENTRY}
    assert for_enterprise.status_code == 201, for_enterprise.content
    enterprise = Case.objects.get().enterprise
    assert enterprise is not None
    assert enterprise.uscc == USCC


def test_code_of_matter_without_certificate_allowed(demo):
    # The completion filing's result, 竣工验收备案证明, is of the type `other`, not a
    # certificate, so its code field names no holder.
    matter = Matter.objects.get(
        centre=demo.centre, pack_id="construction-completion-filing"
    )
    form = valid_form(matter)
    key = next(
        field["key"]
        for field in current_version(matter).guide.form_fields
        if field.get("type") == "uscc"
    )
    form[f"field.{key}"] = USCC

    response = apply(demo.client("applicant"), demo, form=form, matter=matter)

    assert response.status_code == 201, response.content
    assert Case.objects.get().form_data[key] == USCC


USCC_FIELDS = [
    {"key": "organisation_uscc", "label": "统一社会信用代码", "type": "uscc"},
    {"key": "employer_uscc", "label": "用人单位代码", "type": "uscc"},
]
HOLDER_OWNER = FormOwner(holder_code_in_form=True)


def test_only_holder_code_checked(demo):
    data = {"organisation_uscc": UNREGISTERED_USCC, "employer_uscc": USCC}

    cleaned = check_form_data(USCC_FIELDS, data, owner=HOLDER_OWNER)

    assert cleaned == data


def test_holder_code_checked_first_in_form(demo):
    data = {"organisation_uscc": USCC, "employer_uscc": UNREGISTERED_USCC}

    with pytest.raises(FormInvalid) as raised:
        check_form_data(USCC_FIELDS, data, owner=HOLDER_OWNER)

    assert raised.value.details["fields"] == {"organisation_uscc": FIELD_ENTRY}


def test_invalid_first_code_not_passed_over(demo):
    data = {"organisation_uscc": "91440604MA4W1X2YX0", "employer_uscc": USCC}

    with pytest.raises(FormInvalid) as raised:
        check_form_data(USCC_FIELDS, data, owner=HOLDER_OWNER)

    fields = raised.value.details["fields"]
    assert list(fields) == ["organisation_uscc"]
    assert fields["organisation_uscc"]["code"] == "uscc.check_character"


def test_holder_code_not_checked_by_default(demo):
    data = {"organisation_uscc": USCC}

    assert check_form_data(USCC_FIELDS, data) == data


def test_code_compared_in_upper_case(demo):
    data = {"organisation_uscc": USCC.lower()}

    with pytest.raises(FormInvalid) as raised:
        check_form_data(USCC_FIELDS, data, owner=HOLDER_OWNER)

    assert raised.value.details["fields"] == {"organisation_uscc": FIELD_ENTRY}


def test_apply_page_shows_error_beside_field(demo):
    data = {
        "idempotency_key": "page-key",
        **form_naming(demo, USCC),
        **material_files(food_matter(demo)),
    }

    response = demo.client("applicant").post(
        f"/portal/{demo.centre.slug}/matters/{FOOD}/apply/", data, headers=ENGLISH
    )

    assert response.status_code == 400
    assert response.context["field_errors"] == {"organisation_uscc": ERROR_EN}
    page = response.content.decode()
    start = page.index('id="form-field-organisation_uscc"')
    block = page[start : page.index('id="form-field-', start + 1)]
    assert f'name="field.organisation_uscc" value="{USCC}"' in block
    assert f'<div class="field-error" role="alert">{escape(ERROR_EN)}</div>' in block
    assert Case.objects.count() == 0


def test_window_page_rejects_registered_holder_code(demo):
    data = window_acceptance(food_matter(demo), APPLICANT_ID)
    data.update({"step": "accept", "field.organisation_uscc": USCC})

    response = demo.client("clerk").post(f"/window/new/{FOOD}/", data, headers=ENGLISH)

    assert response.status_code == 400
    assert response.context["field_errors"] == {"organisation_uscc": ERROR_EN}
    assert f'value="{USCC}"' in response.content.decode()
    assert Case.objects.count() == 0


def test_window_api_rejects_registered_holder_code(demo):
    matter = food_matter(demo)
    form = {
        key.removeprefix("field."): value for key, value in valid_form(matter).items()
    }
    form["organisation_uscc"] = USCC
    body = {
        "centre": demo.centre.slug,
        "matter": FOOD,
        "id_number": APPLICANT_ID,
        "form": form,
        "checklist": {
            m["key"]: {"original_seen": True}
            for m in current_version(matter).guide.materials
        },
    }

    response = demo.client("clerk").post(
        "/api/v1/cases/window",
        json.dumps(body, ensure_ascii=False),
        content_type="application/json",
        headers=ENGLISH,
    )

    assert response.status_code == 400
    assert response.json()["details"]["fields"] == {"organisation_uscc": FIELD_ENTRY}
    assert Case.objects.count() == 0


def test_resubmission_rejects_registered_holder_code(demo):
    applicant = demo.client("applicant")
    number = apply(applicant, demo).json()["number"]
    demo.client("clerk").post(
        f"/api/v1/cases/{number}/correction",
        {"items": [{"field": "organisation_uscc", "note": "代码有误"}]},
        content_type="application/json",
    )

    response = applicant.post(
        f"/api/v1/cases/{number}/resubmit", {"field.organisation_uscc": USCC}
    )

    assert response.status_code == 400
    assert response.json()["details"]["fields"] == {"organisation_uscc": FIELD_ENTRY}
    case = Case.objects.get(number=number)
    assert case.state == CaseState.CORRECTION_REQUESTED
    assert case.form_data["organisation_uscc"] == UNREGISTERED_USCC


def accepted_food_case(demo) -> str:
    """Apply for the food licence as the applicant for themself and accept it."""
    number = apply(demo.client("applicant"), demo).json()["number"]
    response = demo.client("clerk").post(
        f"/api/v1/cases/{number}/accept", {}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    outbox.drain()
    return number


def accepted_enterprise_case(demo) -> str:
    """Apply for the food licence as the agent for the enterprise and accept it."""
    form = form_naming(demo, USCC)
    form["field.organisation_name"] = ENTERPRISE_NAME
    filed = apply(demo.client("agent"), demo, form={**form, "enterprise": USCC})
    number = filed.json()["number"]
    demo.client("clerk").post(
        f"/api/v1/cases/{number}/accept", {}, content_type="application/json"
    )
    outbox.drain()
    return number


def approve(demo, number, holder_code):
    return demo.client("reviewer").post(
        f"/api/v1/cases/{number}/approve",
        {"opinion": "准予许可", "holder_code": holder_code},
        content_type="application/json",
        headers=ENGLISH,
    )


def test_decider_holder_code_of_registered_enterprise(demo):
    number = accepted_food_case(demo)

    response = approve(demo, number, USCC.lower())

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "certificate.holder_code_registered"
    assert body["details"] == {"value": USCC, "enterprise": ENTERPRISE_NAME}
    assert body["message"] == (
        f"The holder code {USCC} is the unified social credit code of "
        f"{ENTERPRISE_NAME}, an enterprise registered in OneStop, but a person filed "
        "this case for themself, and only the enterprise's verified agents may apply "
        "for its certificate. Enter the code of the organisation that the applicant "
        f"applied for. If the certificate is for {ENTERPRISE_NAME}, its verified "
        "agent has to apply for it."
    )
    assert Case.objects.get(number=number).state == CaseState.IN_REVIEW
    assert not Certificate.objects.exists()


def test_decider_holder_code_of_unregistered_organisation(demo):
    number = accepted_food_case(demo)

    response = approve(demo, number, SAMPLE_USCC)

    assert response.status_code == 200, response.content
    assert Certificate.objects.get(case_number=number).holder_code == SAMPLE_USCC


def test_enterprise_case_holder_is_enterprise(demo):
    # On an enterprise's case the certificate goes to the enterprise whatever the
    # decision names, so its registered code is no error there.
    number = accepted_enterprise_case(demo)

    response = approve(demo, number, USCC)

    assert response.status_code == 200, response.content
    assert Certificate.objects.get(case_number=number).holder_code == USCC


def test_decider_warned_code_unverified(demo):
    number = accepted_food_case(demo)

    page = demo.client("reviewer").get(f"/office/cases/{number}/", headers=ENGLISH)

    assert page.status_code == 200
    content = page.content.decode()
    assert 'id="unverified-holder"' in content
    assert (
        "The certificate will name the organisation with the unified social credit "
        f"code {UNREGISTERED_USCC}, as the application form gives it." in content
    )


def test_enterprise_case_has_no_unverified_notice(demo):
    number = accepted_enterprise_case(demo)

    page = demo.client("reviewer").get(f"/office/cases/{number}/", headers=ENGLISH)

    assert page.status_code == 200
    assert 'id="unverified-holder"' not in page.content.decode()
