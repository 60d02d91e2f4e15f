"""Helpers for tests: sample uploads and form values that pass a matter's validation."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

if TYPE_CHECKING:
    from onestop.catalog.models import Matter, MatterVersion

# A minimal PDF: enough for content sniffing, which reads the leading bytes.
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
CHROMIUM = os.environ.get("ONESTOP_CHROMIUM", "/usr/bin/chromium")
# These flags keep Chromium from contacting any other host: no background networking or updates.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The marks of every test module that drives Chromium (with the `browser` fixture).
BROWSER_TEST_MARKS = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason=f"needs Chromium at {CHROMIUM} (apt-get install chromium fonts-wqy-zenhei)",
    ),
]
# The demo applicant's registered name, whose ID number is the sample id_number.
DEMO_APPLICANT_NAME = "李秀英"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32


def shared_data(relative: str) -> Path:
    """Return the path of `relative` in the shared test data (known answers for codes,
    the ledger's RFC 6962 vectors), which lies outside the repository.

    It is ONESTOP_SHARED_DATA when set, else the folder shared/data beside the
    checkout or beside any folder above it, so a clone in a subfolder finds it too.
    """
    configured = os.environ.get("ONESTOP_SHARED_DATA")
    if configured:
        return Path(configured) / relative
    checkout = Path(__file__).resolve().parents[2]
    for folder in checkout.parents:
        candidate = folder / "shared" / "data"
        if candidate.is_dir():
            return candidate / relative
    return checkout.parent / "shared" / "data" / relative


def current_version(matter: Matter) -> MatterVersion:
    """Return the matter's current version, failing the test if the matter has none."""
    version = matter.current_version
    if version is None:
        pytest.fail(f"matter {matter.pk} has no current version")
    return version


def full_width(text: str) -> str:
    """Return `text`, of the ASCII characters ! to ~, in the full-width forms that
    Chinese input methods type."""
    return "".join(chr(ord(character) + 0xFEE0) for character in text)


def upload(name: str, content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def material_files(matter: Any, content: bytes = PDF_BYTES) -> dict[str, Any]:
    """Return one PDF upload per required material of the matter, as multipart fields."""
    return {
        f"material.{m['key']}": upload(f"{m['key']}.pdf", content)
        for m in matter.current_version.guide.materials
        if m.get("necessity", "required") == "required"
    }


def valid_form(
    matter: Any, id_number: str | None = None, name: str | None = None
) -> dict[str, str]:
    """Return a value that passes validation for every field of the matter's form.

    `id_number` and `name` are the applicant's, for the fields that ask for the
    applicant's own ID number and name. Without them those fields get the samples,
    which are the demo applicant's.
    """
    values = {}
    for field in matter.current_version.guide.form_fields:
        value = sample_value(field)
        if id_number is not None and field.get("applicant_id"):
            value = id_number
        if name is not None and field.get("applicant_name"):
            value = name
        values[f"field.{field['key']}"] = value
    return values


def window_acceptance(matter: Any, id_number: str) -> dict[str, Any]:
    """Return a window acceptance of the matter with every material's original seen."""
    data: dict[str, Any] = {
        "centre": matter.centre.slug,
        "matter": matter.pack_id,
        "id_number": id_number,
    }
    from onestop.identity.models import Person

    name = (
        Person.objects.filter(id_number=id_number)
        .values_list("name", flat=True)
        .first()
    )
    data.update(valid_form(matter, id_number, name))
    for material in matter.current_version.guide.materials:
        data[f"check.{material['key']}.original_seen"] = "on"
    return data


def issued_window_case(
    demo: Any,
    *,
    username: str = "applicant",
    window: str = "3",
    enterprise: Any = None,
    pack_id: str = "food-business-licence",
    fields: dict[str, str] | None = None,
    reviewer: str = "reviewer",
) -> Any:
    """Return a case of the matter `pack_id` (the food licence unless given) that the
    demo clerk accepted at `window` for the person `username`, and `reviewer` approved,
    with its result issued.

    With `enterprise`, the case is filed for it, with its code and name in the form.
    `fields` replace the sample values of those form fields.
    """
    from onestop.cases.actions import (
        Application,
        MaterialCheck,
        approve_case,
        create_window_case,
    )
    from onestop.catalog.models import Matter
    from onestop.identity.models import Person

    matter = Matter.objects.get(centre=demo.centre, pack_id=pack_id)
    form = {
        key.removeprefix("field."): value for key, value in valid_form(matter).items()
    }
    if enterprise is not None:
        form["organisation_uscc"] = enterprise.uscc
        form["organisation_name"] = enterprise.name
    form.update(fields or {})
    checklist = {
        material["key"]: MaterialCheck(original_seen=True)
        for material in matter.current_version.guide.materials
    }
    case = create_window_case(
        actor=demo.user("clerk"),
        matter=matter,
        person=Person.objects.get(user__username=username),
        enterprise=enterprise,
        application=Application(form_data=form, checklist=checklist),
        window=window,
    )
    return approve_case(actor=demo.user(reviewer), case=case, opinion="准予许可")


def issued_social_security_case(demo: Any, **fields: str) -> Any:
    """Return a 社会保障卡补领 case of the demo applicant with the form `fields`, accepted
    at the window and approved by a reviewer `hr-reviewer` of the matter's department,
    whom this creates because the demo has reviewers of market regulation only."""
    from django.contrib.auth import get_user_model

    from onestop.catalog.models import Matter
    from onestop.core.models import Membership, Role
    from onestop.portal.demo import PASSWORD

    pack_id = "social-security-card-replacement"
    matter = Matter.objects.get(centre=demo.centre, pack_id=pack_id)
    reviewer = get_user_model().objects.create_user("hr-reviewer", password=PASSWORD)
    Membership.objects.create(
        user=reviewer,
        centre=demo.centre,
        department=matter.department,
        role=Role.REVIEWER,
    )
    return issued_window_case(
        demo, pack_id=pack_id, fields=fields, reviewer=reviewer.username
    )


def sample_value(field: dict[str, Any]) -> str:
    kind = field.get("type", "text")
    if field.get("applicant_name"):
        return DEMO_APPLICANT_NAME
    if field.get("choices"):
        return str(field["choices"][0]["value"])
    samples = {
        "integer": str(max(int(field.get("min") or 1), 1)),
        "decimal": str(max(float(field.get("min") or 1), 1)),
        "date": "2026-12-01",
        "phone": "13800138000",
        "id_number": "440604198503150024",
        "uscc": "92440604MA4W2Y3K0M",
        "email": "a@example.com",
        "textarea": "说明",
        "address": "佛山市禅城区祖庙路1号",
    }
    if kind in samples:
        return samples[kind]
    if not field.get("pattern"):
        return "测试"
    return next(
        (text for text in PATTERN_SAMPLES if re.fullmatch(field["pattern"], text)), ""
    )


# Texts tried, in order, for a field with a pattern: the first that the pattern matches
# whole is its sample. They cover the standard pack's patterns (account numbers of 12 to
# 30 digits, a 12-digit licence number, a 28-character real estate unit number).
PATTERN_SAMPLES = (
    "622200001111222233",
    "123456789012",
    "440604001001GB00001F00010001",
)


def choose_in_page(page: Any, field: dict[str, Any], value: str) -> None:
    """Choose `value` of a select form field in a Playwright page, whether the page
    shows its choices as a drop-down or as radio buttons (`display: radio`)."""
    name = f"field.{field['key']}"
    if field.get("display") == "radio":
        page.check(f"input[name='{name}'][value='{value}']")
    else:
        page.select_option(f"select[name='{name}']", value)


def field_messages_in(
    body: dict[str, Any], matter: Any, language: str
) -> dict[str, str]:
    """Return the message of each entry of an API error's `details.fields`, in
    `language`, as the pages show them beside the matter's form fields."""
    from django.utils import translation

    from onestop.cases.form_errors import field_message

    fields = {
        field["key"]: field for field in current_version(matter).guide.form_fields
    }
    with translation.override(language):
        return {
            key: field_message(key, entry, fields.get(key))
            for key, entry in body["details"]["fields"].items()
        }


def sign_out_in_other_tab(page: Any, url: str) -> None:
    """End the session of a Playwright `page` by signing out at `url` in another tab of
    its browser context, which shares its cookies but not its sessionStorage."""
    other = page.context.new_page()
    other.goto(url)
    if other.locator("#site-menu summary").is_visible():
        other.click("#site-menu summary")
    other.click("#sign-out button")
    other.locator("#sign-out").wait_for(state="detached")
    other.close()
