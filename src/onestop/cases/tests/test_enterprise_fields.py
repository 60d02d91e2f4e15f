"""Form fields that ask for the enterprise applied for take its code and registered name."""

from __future__ import annotations

import json

import pytest

from onestop.cases.models import Case
from onestop.cases.tests.test_api_flow import FOOD, food_matter
from onestop.cases.tests.test_enterprise_application import ENTERPRISE_FORM, USCC
from onestop.catalog.models import Matter
from onestop.identity.models import Enterprise
from onestop.testing import current_version, material_files

pytestmark = pytest.mark.django_db

NAME = ENTERPRISE_FORM["organisation_name"]
# The construction permit serves enterprises alone; the food licence persons too.
PERMIT = "construction-permit"
FORM = ENTERPRISE_FORM


def apply_for_enterprise(demo, form, headers=None):
    data = {
        "centre": demo.centre.slug,
        "matter": FOOD,
        "enterprise": USCC,
        "form": json.dumps(form, ensure_ascii=False),
        **material_files(food_matter(demo)),
    }
    return demo.client("agent").post("/api/v1/cases", data, headers=headers or {})


def test_other_enterprise_code_rejected(demo):
    other = {**FORM, "organisation_uscc": "92440604MA4W2Y3K0M"}

    response = apply_for_enterprise(demo, other, {"Accept-Language": "en"})

    assert response.status_code == 400
    assert response.json()["details"]["fields"] == {
        "organisation_uscc": {
            "code": "field.not_enterprise_uscc",
            "value": "92440604MA4W2Y3K0M",
            "expected": USCC,
        }
    }
    assert (
        "统一社会信用代码 is 92440604MA4W2Y3K0M, but the "
        f"enterprise you apply for has the code {USCC}. Enter its unified social "
        "credit code, or choose the enterprise that 92440604MA4W2Y3K0M belongs to."
    ) in response.json()["message"]
    assert not Case.objects.exists()


def test_other_enterprise_name_rejected_in_chinese(demo):
    other = {**FORM, "organisation_name": "别家公司"}

    response = apply_for_enterprise(demo, other, {"Accept-Language": "zh-hans"})

    assert response.status_code == 400
    assert response.json()["details"]["fields"] == {
        "organisation_name": {
            "code": "field.not_enterprise_name",
            "value": "别家公司",
            "expected": NAME,
        }
    }
    assert (
        f"单位名称为“别家公司”，但所代办企业的登记名称是“{NAME}”。"
        "请按其营业执照填写名称。"
    ) in response.json()["message"]


def test_enterprise_code_and_name_accepted(demo):
    lower_case = {**FORM, "organisation_uscc": USCC.lower(), "organisation_name": NAME}

    response = apply_for_enterprise(demo, lower_case)

    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.form_data["organisation_uscc"] == USCC


def test_person_applying_for_themself_is_not_compared(demo):
    data = {
        "centre": demo.centre.slug,
        "matter": FOOD,
        "form": json.dumps(
            {
                **FORM,
                "organisation_uscc": "92440604MA4W2Y3K0M",
                "organisation_name": "个体户",
            },
            ensure_ascii=False,
        ),
        **material_files(food_matter(demo)),
    }

    response = demo.client("applicant").post("/api/v1/cases", data)

    assert response.status_code == 201, response.content


def test_apply_page_prefills_only_enterprise(demo):
    response = demo.client("agent").get(
        f"/portal/{demo.centre.slug}/matters/{PERMIT}/apply/"
    )

    values = response.context["values"]
    assert values["organisation_uscc"] == USCC
    assert values["organisation_name"] == NAME
    assert f'<option value="{USCC}" data-uscc="{USCC}"' in response.content.decode()
    assert "selected>" in response.content.decode()


def test_apply_page_leaves_enterprise_fields_for_person_matters(demo):
    page = f"/portal/{demo.centre.slug}/matters/{FOOD}/apply/"

    for_themself = demo.client("agent").get(page).context["values"]
    chosen = demo.client("agent").get(page, {"enterprise": USCC}).context["values"]

    assert "organisation_uscc" not in for_themself
    assert chosen["organisation_uscc"] == USCC
    assert chosen["organisation_name"] == NAME


def test_window_prefills_agent_enterprise(demo):
    response = demo.client("clerk").post(
        f"/window/new/{PERMIT}/",
        {"step": "identify", "id_number": "44060419900101123X"},
    )

    assert response.status_code == 200
    assert response.context["values"]["organisation_uscc"] == USCC
    assert response.context["applying_for"] == USCC


def test_standard_pack_marks_enterprise_fields(demo):
    marked = []
    for matter in Matter.objects.filter(
        centre=demo.centre, current_version__isnull=False
    ):
        fields = current_version(matter).guide.form_fields
        keys = {
            mark: [field["key"] for field in fields if field.get(mark)]
            for mark in ("enterprise_uscc", "enterprise_name")
        }
        if keys["enterprise_uscc"]:
            assert keys == {
                "enterprise_uscc": ["organisation_uscc"],
                "enterprise_name": ["organisation_name"],
            }, matter.pack_id
            marked.append(matter.pack_id)
    assert len(marked) == 15
    assert Enterprise.objects.filter(uscc=USCC).exists()


def test_apply_page_prefills_legal_representative(demo):
    enterprise = Enterprise.objects.get(uscc=USCC)
    page = f"/portal/{demo.centre.slug}/matters/{FOOD}/apply/"

    for_themself = demo.client("agent").get(page).context["values"]
    chosen = demo.client("agent").get(page, {"enterprise": USCC})

    assert enterprise.legal_representative
    assert "legal_representative" not in for_themself
    assert chosen.context["values"]["legal_representative"] == (
        enterprise.legal_representative
    )
    assert f'value="{enterprise.legal_representative}"' in chosen.content.decode()


def test_legal_representative_may_differ(demo):
    other = {**FORM, "legal_representative": "王新任"}

    response = apply_for_enterprise(demo, other)

    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.form_data["legal_representative"] == "王新任"


def test_standard_pack_marks_legal_representative(demo):
    marked = {
        matter.pack_id: [
            field["key"]
            for field in current_version(matter).guide.form_fields
            if field.get("enterprise_legal_representative")
        ]
        for matter in Matter.objects.filter(
            centre=demo.centre, current_version__isnull=False
        )
    }

    assert {key: value for key, value in marked.items() if value} == {
        FOOD: ["legal_representative"]
    }
