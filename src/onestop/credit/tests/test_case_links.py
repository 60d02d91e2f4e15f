"""The case that a credit record names: a case of the record's centre that the recorder
may open, of the record's department, and filed by or for the record's subject."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from onestop.core.models import Department
from onestop.credit.actions import correct_credit_record, record_credit
from onestop.credit.errors import (
    CaseNotLinkable,
    CaseOfOtherDepartment,
    CaseOfOtherSubject,
    RecordInvalid,
)
from onestop.credit.tests.helpers import (
    AGENT_ID,
    APPLICANT_ID,
    ENTERPRISE_USCC,
    broken_commitment,
    record_for_applicant,
)
from onestop.identity.models import Enterprise
from onestop.testing import full_width, issued_social_security_case, issued_window_case

pytestmark = pytest.mark.django_db


def record_by(demo, username, *, subject_code=APPLICANT_ID, **facts):
    return record_credit(
        actor=demo.user(username),
        centre=demo.centre,
        department=demo.market,
        subject_type="enterprise" if subject_code == ENTERPRISE_USCC else "person",
        subject_code=subject_code,
        facts=broken_commitment(**facts),
    )


def test_own_department_case_linked(demo):
    case = issued_window_case(demo)

    record = record_for_applicant(demo, case_number=case.number)

    assert record.case_number == case.number


def test_full_width_case_number_stored_ascii(demo):
    case = issued_window_case(demo)
    typed = full_width(case.number[:6]) + " " + case.number[6:]

    record = record_for_applicant(demo, case_number=typed)

    assert record.case_number == case.number


def test_unknown_case_rejected(demo):
    with pytest.raises(CaseNotLinkable) as raised:
        record_for_applicant(demo, case_number="44060426120599999")

    assert raised.value.code == "credit.case_not_found"
    assert raised.value.details["number"] == "44060426120599999"
    assert raised.value.details["field"] == "case_number"


def test_other_department_case_not_revealed(demo):
    case = issued_social_security_case(demo)

    with pytest.raises(CaseNotLinkable) as raised:
        record_for_applicant(demo, case_number=case.number)

    assert raised.value.code == "credit.case_not_found"


def test_other_centre_case_not_revealed(demo, other_centre):
    case = issued_window_case(demo)
    nanhai_market = Department.objects.get(
        centre=other_centre, role_key="market_regulation"
    )

    with pytest.raises(CaseNotLinkable):
        record_credit(
            actor=get_user_model().objects.get(username="nanhai-reviewer"),
            centre=other_centre,
            department=nanhai_market,
            subject_type="person",
            subject_code=APPLICANT_ID,
            facts=broken_commitment(case_number=case.number),
        )


def test_supervisor_gets_other_department_error(demo):
    case = issued_social_security_case(demo)

    with pytest.raises(CaseOfOtherDepartment) as raised:
        record_by(demo, "supervisor", case_number=case.number)

    assert raised.value.details["case_department"] == case.department.name
    assert raised.value.details["department"] == demo.market.name


def test_case_of_other_person_rejected(demo):
    case = issued_window_case(demo)

    with pytest.raises(CaseOfOtherSubject) as raised:
        record_by(demo, "reviewer", subject_code=AGENT_ID, case_number=case.number)

    assert raised.value.code == "credit.case_of_other_subject"


def test_enterprise_case_linked_to_enterprise(demo):
    enterprise = Enterprise.objects.get(uscc=ENTERPRISE_USCC)
    case = issued_window_case(demo, username="agent", enterprise=enterprise)

    record = record_by(
        demo, "reviewer", subject_code=ENTERPRISE_USCC, case_number=case.number
    )

    assert record.case_number == case.number


def test_person_case_not_linked_to_enterprise(demo):
    case = issued_window_case(demo)

    with pytest.raises(CaseOfOtherSubject):
        record_by(
            demo, "reviewer", subject_code=ENTERPRISE_USCC, case_number=case.number
        )


def test_id_number_as_case_number_masked(demo):
    with pytest.raises(CaseNotLinkable) as raised:
        record_for_applicant(demo, case_number=APPLICANT_ID)

    assert raised.value.details["number"] == "4406**********0024"
    assert APPLICANT_ID not in raised.value.render()


def test_case_error_listed_with_other_errors(demo):
    with pytest.raises(RecordInvalid) as raised:
        record_for_applicant(demo, case_number="44060426120599999", facts="")

    fields = raised.value.details["fields"]
    assert fields["case_number"]["code"] == "credit.case_not_found"
    assert fields["facts"]["code"] == "credit.field_missing"


def test_correction_checks_case(demo):
    previous = record_for_applicant(demo)
    case = issued_social_security_case(demo)

    with pytest.raises(CaseNotLinkable):
        correct_credit_record(
            previous,
            actor=demo.user("reviewer"),
            facts=broken_commitment(case_number=case.number),
        )


def test_api_rejects_case_of_other_department(demo):
    case = issued_social_security_case(demo)
    body = {
        "subject_type": "person",
        "subject_code": APPLICANT_ID,
        "department": "market_regulation",
        "kind": "commitment_broken",
        "legal_basis": "《优化营商环境条例》第十九条",
        "facts": "申请时承诺经营场所符合要求，现场核查发现不符。",
        "decided_on": "2026-11-20",
        "case_number": case.number,
    }

    response = demo.client("reviewer").post(
        f"/api/v1/credit/centres/{demo.centre.slug}/records",
        body,
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    answer = response.json()
    assert answer["code"] == "credit.case_not_found"
    assert answer["details"]["number"] == case.number
    assert answer["message"].startswith(f"No case numbered {case.number} was found")
