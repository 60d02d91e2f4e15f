"""Account care in headless Chromium at phone width: an admin resets and deactivates a
clerk, and a clerk resets an applicant's password at the window."""

from __future__ import annotations

from onestop.core.models import Membership
from onestop.core.tests.test_staff_browser import PAGE_OVERFLOW_JS
from onestop.portal.tests.test_browser import sign_in
from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS


def test_admin_resets_then_deactivates(browser, live_server, demo):
    admin = sign_in(browser, live_server, "centreadmin")
    admin.goto(f"{live_server.url}/staff/{demo.centre.slug}/")
    assert admin.evaluate(PAGE_OVERFLOW_JS) <= 0
    questions = []

    def accept(dialog):
        questions.append(dialog.message)
        dialog.accept()

    admin.on("dialog", accept)

    admin.click(
        "#staff-accounts tr[data-username=clerk] button:text('Reset the password')"
    )
    admin.wait_for_load_state()
    password = admin.inner_text("#initial-password code").strip()
    assert admin.evaluate(PAGE_OVERFLOW_JS) <= 0
    clerk = sign_in(browser, live_server, "clerk", password=password)
    assert clerk.url == f"{live_server.url}/accounts/password/"

    admin.click("#staff-accounts tr[data-username=clerk] button:text('Deactivate')")
    admin.wait_for_load_state()
    row = admin.inner_text("#staff-accounts tr[data-username=clerk]")
    assert "deactivated" in row
    assert questions[0].startswith("Reset the password of clerk?")
    assert questions[1].startswith("Deactivate clerk?")
    rejected_page = sign_in(browser, live_server, "clerk", password=password)
    alert = rejected_page.inner_text("[role=alert]")
    assert "The account clerk is deactivated" in alert


def test_clerk_resets_applicant_at_window(browser, live_server, demo):
    clerk = sign_in(browser, live_server, "clerk")
    clerk.goto(f"{live_server.url}/window/")
    clerk.click("a[href='/window/password-reset/']")
    clerk.wait_for_load_state()
    clerk.fill("input[name=id_number]", "440604198503150024")
    clerk.click("main button[type=submit]")
    clerk.wait_for_load_state()

    reset_box = clerk.inner_text("#initial-password")
    assert "4406**********0024" in reset_box
    assert "440604198503150024" not in clerk.content()
    assert clerk.evaluate(PAGE_OVERFLOW_JS) <= 0
    password = clerk.inner_text("#initial-password code").strip()
    applicant = sign_in(browser, live_server, "applicant", password=password)
    assert applicant.url == f"{live_server.url}/accounts/password/"


def test_dismissed_revoke_keeps_role(browser, live_server, demo):
    admin = sign_in(browser, live_server, "centreadmin")
    admin.goto(f"{live_server.url}/staff/{demo.centre.slug}/")
    row = "#staff-roles tr:has(td:text-is('clerk'))"
    admin.once("dialog", lambda dialog: dialog.dismiss())
    admin.click(f"{row} button:text('Revoke')")
    admin.wait_for_timeout(500)
    assert Membership.objects.filter(user__username="clerk").exists()

    admin.once("dialog", lambda dialog: dialog.accept())
    with admin.expect_navigation():
        admin.click(f"{row} button:text('Revoke')")
    assert not Membership.objects.filter(user__username="clerk").exists()
