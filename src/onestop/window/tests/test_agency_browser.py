"""The window's agency verification page in a browser: a clerk finds the enterprise,
ticks the licence check and verifies a pending claim."""

from __future__ import annotations

from onestop.identity.actions import register_enterprise
from onestop.identity.models import AgencyStatus, EnterpriseAgent
from onestop.portal.tests.test_browser import sign_in
from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS

NEW_USCC = "91440300708461136T"


def test_clerk_verifies_claim_in_browser(browser, live_server, demo):
    register_enterprise(
        actor=demo.user("applicant"),
        uscc=NEW_USCC,
        name="深圳市新登记科技有限公司",
        legal_representative="李秀英",
    )
    page = sign_in(
        browser, live_server, "clerk", viewport={"width": 1280, "height": 900}
    )

    page.goto(f"{live_server.url}/window/")
    page.click("a[href='/window/agencies/']")
    page.fill("input[name=uscc]", NEW_USCC)
    page.click("form[method=get] button[type=submit]")
    row = page.locator("#agencies tr[data-status=pending]")
    claimant = row.locator("td").first.inner_text()
    row.locator("form.verify input[name=licence_seen]").check()
    row.locator("form.verify select[name=authority]").select_option("power_of_attorney")
    row.locator("form.verify button[type=submit]").click()
    page.wait_for_load_state()

    assert claimant == "李** 4406**********0024"
    assert page.locator("#agencies tr[data-status=verified]").count() == 1
    assert EnterpriseAgent.objects.get(enterprise__uscc=NEW_USCC).status == (
        AgencyStatus.VERIFIED
    )


def test_clerk_corrects_and_revokes_on_phone(browser, live_server, demo):
    register_enterprise(
        actor=demo.user("applicant"),
        uscc=NEW_USCC,
        name="深圳市新登记科技有限公司",
        legal_representative="王五",
    )
    page = sign_in(
        browser, live_server, "clerk", viewport={"width": 390, "height": 844}
    )

    page.goto(f"{live_server.url}/window/agencies/?uscc={NEW_USCC}")
    verify_form = page.locator("#agencies tr[data-status=pending] form.verify")
    verify_form.locator("input[name=licence_seen]").check()
    verify_form.locator("select[name=authority]").select_option("legal_representative")
    verify_form.locator("input[name=legal_representative]").fill("李秀英")
    verify_form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    revoke_form = page.locator("#agencies tr[data-status=verified] form.revoke")
    revoke_form.locator("input[name=reason]").fill("企业书面申请撤销授权")
    revoke_form.locator("button[type=submit]").click()
    page.wait_for_load_state()

    agency = EnterpriseAgent.objects.get(enterprise__uscc=NEW_USCC)
    assert agency.enterprise.legal_representative == "李秀英"
    assert agency.status == AgencyStatus.REVOKED
    assert page.locator("#agencies tr[data-status=revoked]").count() == 1
    assert "企业书面申请撤销授权" in page.locator("#agencies").inner_text()
