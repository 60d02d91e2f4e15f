"""The staff page in headless Chromium at phone width: grant a clerk, who then signs
in, replaces the initial password and reaches the window."""

from __future__ import annotations

from onestop.portal.tests.test_browser import sign_in
from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS

PAGE_OVERFLOW_JS = (
    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
)


def test_granted_clerk_reaches_workbench(browser, live_server, demo):
    admin = sign_in(browser, live_server, "centreadmin")
    admin.goto(f"{live_server.url}/")
    # On a phone the header's links are in the menu.
    admin.click("#site-menu > summary")
    admin.click("header nav a[href='/staff/']")
    admin.wait_for_load_state()
    assert admin.evaluate(PAGE_OVERFLOW_JS) <= 0

    admin.fill("#grant-role-form input[name=username]", "zhou")
    admin.check("#grant-role-form input[name=create_account]")
    admin.select_option("#grant-role-form select[name=role]", "clerk")
    admin.click("#grant-role-form button[type=submit]")
    admin.wait_for_load_state()
    password = admin.inner_text("#initial-password code").strip()
    assert "zhou" in admin.inner_text("#staff-roles")
    assert admin.evaluate(PAGE_OVERFLOW_JS) <= 0

    clerk = sign_in(browser, live_server, "zhou", password=password)
    assert clerk.url == f"{live_server.url}/accounts/password/"
    clerk.fill("input[name=old_password]", password)
    clerk.fill("input[name=new_password1]", "river-lamp-2026")
    clerk.fill("input[name=new_password2]", "river-lamp-2026")
    clerk.click("#password-change-form button[type=submit]")
    clerk.wait_for_load_state()
    clerk.goto(f"{live_server.url}/window/")
    assert clerk.inner_text("h1").startswith("Comprehensive window")
    assert demo.centre.name in clerk.inner_text("h1")
