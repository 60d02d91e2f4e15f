"""The applicant's certificates page: their own and their enterprises' certificates."""

from __future__ import annotations

from onestop.cases.tests.test_api_downloads import issue_food_licence
from onestop.identity.actions import register_enterprise
from onestop.identity.agency_window import revoke_agency, verify_agency
from onestop.identity.models import AgencyAuthority, EnterpriseAgent

DEMO_USCC = "91440604MA4W1X2YX9"
DEMO_ENTERPRISE = "佛山市禅城区示例商贸有限公司"
# The USCC that the sample form values name, which no one has registered.
SAMPLE_USCC = "92440604MA4W2Y3K0M"


def issue_to_demo_enterprise(demo):
    """Approve a food licence that the agent applied for, typing the USCC in the form."""
    return issue_food_licence(
        demo,
        demo.client("agent"),
        {
            "enterprise": DEMO_USCC,
            "field.organisation_uscc": DEMO_USCC,
            "field.organisation_name": DEMO_ENTERPRISE,
        },
    )


def certificates_page(demo, username) -> str:
    response = demo.client(username).get("/portal/certificates/")
    assert response.status_code == 200
    return response.content.decode()


def test_agent_sees_enterprise_certificate_with_name(demo):
    certificate = issue_to_demo_enterprise(demo)

    page = certificates_page(demo, "agent")

    assert certificate.holder_code == DEMO_USCC
    assert certificate.identifier in page
    assert f"{DEMO_ENTERPRISE} ({DEMO_USCC})" in page


def test_non_agent_does_not_see_enterprise_certificate(demo):
    certificate = issue_to_demo_enterprise(demo)

    page = certificates_page(demo, "applicant")

    assert certificate.identifier not in page
    assert DEMO_ENTERPRISE not in page


def test_typed_code_lists_certificate_once_verified(demo):
    certificate = issue_food_licence(demo)
    assert certificate.holder_code == SAMPLE_USCC
    assert certificate.identifier not in certificates_page(demo, "applicant")

    register_enterprise(
        actor=demo.user("applicant"),
        uscc=SAMPLE_USCC,
        name="佛山市禅城区新登记餐饮店",
        legal_representative="李秀英",
    )
    claimed_page = certificates_page(demo, "applicant")
    verify_agency(
        actor=demo.user("clerk"),
        centre=demo.centre,
        agency_id=EnterpriseAgent.objects.get(enterprise__uscc=SAMPLE_USCC).pk,
        licence_seen=True,
        authority=AgencyAuthority.LEGAL_REPRESENTATIVE,
    )
    page = certificates_page(demo, "applicant")

    assert certificate.identifier not in claimed_page
    assert certificate.identifier in page
    assert f"佛山市禅城区新登记餐饮店 ({SAMPLE_USCC})" in page
    assert certificate.identifier not in certificates_page(demo, "agent")


def case_page(demo, username, number, language="en") -> str:
    response = demo.client(username).get(
        f"/portal/cases/{number}/", headers={"Accept-Language": language}
    )
    assert response.status_code == 200
    return response.content.decode()


def test_case_page_links_agent_to_certificate(demo):
    certificate = issue_to_demo_enterprise(demo)

    page = case_page(demo, "agent", certificate.case_number)

    assert 'id="case-certificates"' in page
    assert certificate.identifier in page
    assert f"/portal/certificates/{certificate.identifier}/pdf" in page


def test_case_page_explains_unlisted_enterprise_certificate(demo):
    certificate = issue_food_licence(demo)

    page = case_page(demo, "applicant", certificate.case_number)

    assert certificate.identifier not in page
    assert "9244**********3K0M" in page
    assert "shown only to its agents (经办人) whom a service centre's window" in page
    assert "registered for it" not in page


def test_case_page_note_in_chinese(demo):
    certificate = issue_food_licence(demo)

    page = case_page(demo, "applicant", certificate.case_number, "zh-hans")

    assert "仅向经政务服务中心窗口核验的该企业经办人展示" in page
    assert "登记的经办人" not in page


def test_revoked_agent_loses_enterprise_certificate(demo):
    certificate = issue_to_demo_enterprise(demo)
    agent = demo.client("agent")
    case_page = f"/portal/cases/{certificate.case_number}/"
    pdf = f"/portal/certificates/{certificate.identifier}/pdf"
    before = agent.get(pdf)

    revoke_agency(
        actor=demo.user("clerk"),
        centre=demo.centre,
        agency_id=EnterpriseAgent.objects.get(person__user__username="agent").pk,
        reason="企业书面申请撤销授权",
    )

    assert before.status_code == 200
    assert certificate.identifier not in certificates_page(demo, "agent")
    assert agent.get(pdf).status_code == 403
    opened = agent.get(case_page)
    assert opened.status_code == 403
    assert "<code>agency.revoked</code>" in opened.content.decode()
