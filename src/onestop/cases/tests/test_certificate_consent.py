"""A missing consent to reuse certificates is reported with every other error of the
form (一次性告知), and a chosen certificate can be un-chosen without JavaScript."""

from __future__ import annotations

import re

from onestop.cases.models import Case, SubmissionKind
from onestop.cases.tests.test_certificate_results import BIRTH, apply, issue_id_card
from onestop.catalog.models import Matter
from onestop.identity.models import Person
from onestop.testing import current_version, material_files, upload, valid_form

ZH = {"Accept-Language": "zh-hans"}


def birth_files(demo):
    """Return the BIRTH uploads without the ID card, which a certificate replaces."""
    files = material_files(Matter.objects.get(centre=demo.centre, pack_id=BIRTH))
    files.pop("material.applicant_id_card")
    return files


def test_consent_listed_with_field_errors(demo):
    certificate = issue_id_card(demo)
    response = apply(
        demo,
        demo.client("applicant"),
        BIRTH,
        files=birth_files(demo),
        extra={
            "certificate.applicant_id_card": certificate.identifier,
            "field.contact_phone": "12",
        },
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "form.invalid"
    assert body["details"]["fields"]["contact_phone"]["code"] == "phone.invalid"
    assert body["details"]["certificate_consent"] == {
        "code": "certificate.consent_required",
        "material_keys": ["applicant_id_card"],
    }
    assert "consent to fetch the certificates" in body["message"]
    assert not Case.objects.filter(matter__pack_id=BIRTH).exists()


def test_consent_listed_with_rejected_file(demo):
    certificate = issue_id_card(demo)
    files = birth_files(demo)
    files["material.marriage_certificate"] = upload("scan.pdf", b"not a pdf")
    response = apply(
        demo,
        demo.client("applicant"),
        BIRTH,
        files=files,
        extra={"certificate.applicant_id_card": certificate.identifier},
    )

    assert response.status_code == 415
    body = response.json()
    assert body["code"] == "upload.type_not_allowed"
    assert body["details"]["certificate_consent"]["material_keys"] == [
        "applicant_id_card"
    ]
    assert "consent to fetch the certificates" in body["message"]


def test_consent_alone_names_materials(demo):
    certificate = issue_id_card(demo)
    response = apply(
        demo,
        demo.client("applicant"),
        BIRTH,
        files=birth_files(demo),
        extra={"certificate.applicant_id_card": certificate.identifier},
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "certificate.consent_required"
    assert body["details"]["certificate_consent"]["material_keys"] == [
        "applicant_id_card"
    ]


def test_window_json_lists_consent_and_fields(demo):
    certificate = issue_id_card(demo)
    matter = Matter.objects.get(centre=demo.centre, pack_id=BIRTH)
    person = Person.objects.get(user__username="applicant")
    form = {
        key.removeprefix("field."): value
        for key, value in valid_form(matter, person.id_number, person.name).items()
    }
    form["contact_phone"] = "12"
    checklist = {
        m["key"]: {"original_seen": True}
        for m in current_version(matter).guide.materials
        if m["key"] != "applicant_id_card"
    }
    response = demo.client("clerk").post(
        "/api/v1/cases/window",
        {
            "centre": demo.centre.slug,
            "matter": BIRTH,
            "id_number": person.id_number,
            "form": form,
            "checklist": checklist,
            "certificates": {"applicant_id_card": certificate.identifier},
        },
        content_type="application/json",
    )

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "form.invalid"
    assert "contact_phone" in body["details"]["fields"]
    assert body["details"]["certificate_consent"]["code"] == (
        "certificate.consent_required"
    )


def apply_page(demo, client, data):
    matter = Matter.objects.get(centre=demo.centre, pack_id=BIRTH)
    name = Person.objects.get(user__username="applicant").name
    form = {"idempotency_key": "page-consent", **valid_form(matter, name=name)}
    form.update(data)
    return client.post(
        f"/portal/{demo.centre.slug}/matters/{BIRTH}/apply/", form, headers=ZH
    )


def test_page_shows_consent_beside_field_errors(demo):
    certificate = issue_id_card(demo)
    client = demo.client("applicant")
    page = apply_page(
        demo,
        client,
        {
            **birth_files(demo),
            "certificate.applicant_id_card": certificate.identifier,
            "field.contact_phone": "12",
        },
    ).content.decode()

    assert 'id="certificate-consent-error"' in page
    assert 'href="#certificate-consent"' in page
    assert 'href="#field-contact_phone"' in page
    chosen = re.search(
        r'<input type="radio" name="certificate.applicant_id_card" value="'
        + re.escape(certificate.identifier)
        + r'"( checked)?>',
        page,
    )
    assert chosen is not None
    assert chosen.group(1) == " checked"


def test_page_offers_upload_instead(demo):
    issue_id_card(demo)
    client = demo.client("applicant")
    page = client.get(
        f"/portal/{demo.centre.slug}/matters/{BIRTH}/apply/", headers=ZH
    ).content.decode()

    assert (
        '<input type="radio" name="certificate.applicant_id_card" value="" checked>'
        in page
    )
    assert "不使用电子证照" in page


def test_page_upload_instead_needs_no_consent(demo):
    certificate = issue_id_card(demo)
    client = demo.client("applicant")
    matter = Matter.objects.get(centre=demo.centre, pack_id=BIRTH)
    response = apply_page(
        demo,
        client,
        {**material_files(matter), "certificate.applicant_id_card": ""},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(matter__pack_id=BIRTH)
    kinds = set(case.submissions.values_list("kind", flat=True))
    assert kinds == {SubmissionKind.UPLOAD}
    assert certificate.identifier not in str(case.form_data)
