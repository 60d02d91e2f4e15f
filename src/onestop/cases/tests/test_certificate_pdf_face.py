"""A food business licence approved through the API: select labels and one expiry row."""

from __future__ import annotations

import io

import pytest
from pdfminer.high_level import extract_text

from onestop.cases.models import Case
from onestop.cases.tests.test_api_downloads import issue_food_licence
from onestop.certificates.models import Certificate

pytestmark = pytest.mark.django_db


def approved_licence(demo) -> Certificate:
    """Approve a food licence whose form picks 餐饮服务经营者 (catering) as 主体业态."""
    return issue_food_licence(demo, extra={"field.main_business": "catering"})


def pdf_text(demo, certificate: Certificate, language: str) -> str:
    response = demo.client("applicant").get(
        f"/api/v1/certificates/{certificate.identifier}/pdf",
        headers={"Accept-Language": language},
    )
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    return extract_text(io.BytesIO(response.content))


def test_form_keeps_select_code(demo):
    certificate = approved_licence(demo)

    case = Case.objects.get(number=certificate.case_number)
    assert case.form_data["main_business"] == "catering"


def test_signed_face_holds_choice_label(demo):
    certificate = approved_licence(demo)

    assert certificate.face["main_business"] == "餐饮服务经营者"
    assert certificate.document["face"]["main_business"] == "餐饮服务经营者"
    response = demo.client("applicant").get(
        f"/api/v1/certificates/{certificate.identifier}/signed"
    )
    assert response.status_code == 200, response.content
    face = response.json()["document"]["face"]
    assert face["main_business"] == "餐饮服务经营者"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_pdf_prints_choice_label(demo, language):
    certificate = approved_licence(demo)

    text = pdf_text(demo, certificate, language)

    assert "主体业态" in text
    assert "餐饮服务经营者" in text
    assert "catering" not in text


def test_pdf_prints_expiry_once_in_chinese(demo):
    certificate = approved_licence(demo)
    until = certificate.valid_until
    assert until is not None

    text = pdf_text(demo, certificate, "zh-hans")

    assert text.count("有效期至") == 1
    assert f"{until.year}年{until.month}月{until.day}日" in text
    assert until.isoformat() not in text


def test_pdf_prints_expiry_once_in_english(demo):
    certificate = approved_licence(demo)
    until = certificate.valid_until
    assert until is not None

    text = pdf_text(demo, certificate, "en")

    assert text.count("Valid until") == 1
    assert "有效期至" not in text
    assert until.isoformat() not in text


def test_pdf_prints_holder_once(demo):
    certificate = approved_licence(demo)

    text = pdf_text(demo, certificate, "zh-hans")

    # The type's own holder rows, 名称 and 统一社会信用代码, repeat 持证主体 and its code.
    lines = text.splitlines()
    assert lines.count("持证主体") == 1
    assert "名称" not in lines
    assert "统一社会信用代码" not in lines
    assert certificate.holder_code not in text


@pytest.mark.parametrize(
    ("language", "expiry_label"), [("zh-hans", "有效期至"), ("en", "Valid until")]
)
def test_portal_pdf_prints_label_and_one_expiry(demo, language, expiry_label):
    certificate = approved_licence(demo)

    response = demo.client("applicant").get(
        f"/portal/certificates/{certificate.identifier}/pdf",
        headers={"Accept-Language": language},
    )

    assert response.status_code == 200
    text = extract_text(io.BytesIO(response.content))
    assert "餐饮服务经营者" in text
    assert "catering" not in text
    assert text.count(expiry_label) == 1
