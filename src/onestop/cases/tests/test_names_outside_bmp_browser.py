"""In headless Chromium, a name with 𠮷 (U+20BB7) is drawn from a font that has it."""

from __future__ import annotations

from onestop.cases.tests.test_names_outside_bmp import EXTENSION_FAMILIES, RARE_NAME
from onestop.cases.tests.test_receipts import ID_NUMBER, accept_walk_in
from onestop.certificates.tests.test_font_fallback import RARE_CHAR, has_extension_font
from onestop.identity.models import Person
from onestop.portal.tests.test_browser import sign_in
from onestop.testing import BROWSER_TEST_MARKS

pytestmark = [*BROWSER_TEST_MARKS, has_extension_font]


def fonts_drawing(page, text: str) -> list[str]:
    """Return the families Chromium drew the element holding the text with."""
    found = page.evaluate(
        """(text) => {
            const all = [...document.querySelectorAll("dd, td, span, p")];
            const element = all.find((candidate) => candidate.textContent.includes(text));
            if (!element) return false;
            element.setAttribute("data-drawn", "");
            return true;
        }""",
        text,
    )
    assert found, f"no element shows {text}"
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    node = session.send(
        "DOM.querySelector", {"nodeId": root, "selector": "[data-drawn]"}
    )
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
    return [font["familyName"] for font in fonts["fonts"]]


def test_case_page_draws_rare_name_from_extension_font(browser, live_server, demo):
    Person.objects.filter(id_number=ID_NUMBER).update(name=RARE_NAME)
    number = accept_walk_in(demo)["number"]

    page = sign_in(browser, live_server, "applicant")
    page.goto(f"{live_server.url}/portal/cases/{number}/")

    stack = page.evaluate("getComputedStyle(document.body).fontFamily")
    families = [family.strip().strip('"') for family in stack.split(",")]
    for family in EXTENSION_FAMILIES:
        assert family.strip('"') in families
    assert any(name.startswith("HanaMin") for name in fonts_drawing(page, RARE_CHAR))
