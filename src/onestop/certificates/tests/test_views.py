"""The public verification page and the verification API."""

from __future__ import annotations

import pytest
from django.test import Client

from onestop.certificates.actions import renew_certificate, revoke_certificate
from onestop.certificates.identifiers import build_identifier
from onestop.certificates.tests import urls
from onestop.certificates.tests.conftest import ENTERPRISE_USCC, ISSUER_USCC
from onestop.core.models import AuditEvent
from onestop.testing import full_width

UNKNOWN = build_identifier("11100000000013338W009", ISSUER_USCC, "209901010001", 1)


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def test_page_shows_valid_certificate(client, licence):
    response = client.get(f"/verify/{licence.identifier}")

    assert response.status_code == 200
    assert "Valid certificate" in response.content.decode()
    assert "食品经营许可证" in response.content.decode()
    assert response["Cache-Control"] == "no-store"


def test_page_masks_holder_code(client, licence):
    content = client.get(f"/verify/{licence.identifier}").content.decode()

    assert "9144**********2YX9" in content
    assert ENTERPRISE_USCC not in content


def test_page_shows_revoked_certificate(client, licence, department_admin):
    revoke_certificate(licence, actor=department_admin, reason="吊销")

    response = client.get(f"/verify/{licence.identifier}")

    assert response.status_code == 200
    assert "Revoked certificate" in response.content.decode()


def test_superseded_page_says_newer_version_is_revoked(
    client, licence, reviewer, department_admin
):
    renewed = renew_certificate(licence, actor=reviewer)
    revoke_certificate(renewed, actor=department_admin, reason="吊销")

    content = client.get(f"/verify/{licence.identifier}").content.decode()
    answer = client.get(
        f"/api/v1/certificates/{licence.identifier}/verification"
    ).json()

    assert "but it is not valid either (revoked)" in content
    assert "Ask the holder for the current one" not in content
    assert f"{renewed.identifier}</code></a> (revoked)" in content
    assert answer["latest_version_result"] == "revoked"


def test_superseded_page_sends_on_to_valid_version(client, licence, reviewer):
    renew_certificate(licence, actor=reviewer)

    content = client.get(f"/verify/{licence.identifier}").content.decode()

    assert "Ask the holder for the current one" in content
    assert "</code></a> (valid)" in content


def test_page_for_unknown_identifier_is_404(client, db):
    response = client.get(f"/verify/{UNKNOWN}")

    assert response.status_code == 404
    assert "Certificate not found" in response.content.decode()


def test_page_for_wrong_check_is_400(client, licence):
    wrong = licence.identifier[:-1] + ("1" if licence.identifier[-1] != "1" else "2")

    response = client.get(f"/verify/{wrong}")

    assert response.status_code == 400
    assert "check character" in response.content.decode()


def test_page_checks_are_audited(client, licence):
    client.get(f"/verify/{licence.identifier}")
    client.get(f"/verify/{UNKNOWN}")

    results = list(
        AuditEvent.objects.filter(verb="certificate.verified").values_list(
            "data", flat=True
        )
    )
    assert results == [
        {"result": "valid", "channel": "page"},
        {"result": "not_found", "channel": "page"},
    ]


def test_page_rejects_post(client, licence):
    assert client.post(f"/verify/{licence.identifier}").status_code == 405


def test_page_is_rate_limited_per_client(client, licence, settings):
    settings.ONESTOP_CERTIFICATE_CHECKS_PER_WINDOW = 3
    url = f"/verify/{licence.identifier}"

    statuses = [client.get(url, REMOTE_ADDR="192.0.2.1").status_code for _ in range(4)]
    other_client = client.get(url, REMOTE_ADDR="192.0.2.2").status_code

    assert statuses == [200, 200, 200, 429]
    assert other_client == 200
    assert int(client.get(url, REMOTE_ADDR="192.0.2.1")["Retry-After"]) > 0


def test_rate_limit_uses_configured_header(client, licence, settings):
    settings.ONESTOP_CERTIFICATE_CHECKS_PER_WINDOW = 1
    settings.ONESTOP_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    url = f"/verify/{licence.identifier}"

    first = client.get(url, HTTP_X_REAL_IP="198.51.100.1").status_code
    second = client.get(url, HTTP_X_REAL_IP="198.51.100.2").status_code
    repeat = client.get(url, HTTP_X_REAL_IP="198.51.100.1").status_code

    assert (first, second, repeat) == (200, 200, 429)


def test_rate_limited_check_is_not_audited(client, licence, settings):
    settings.ONESTOP_CERTIFICATE_CHECKS_PER_WINDOW = 1
    url = f"/verify/{licence.identifier}"
    client.get(url)
    client.get(url)

    assert AuditEvent.objects.filter(verb="certificate.verified").count() == 1


def test_api_returns_public_summary(client, licence):
    response = client.get(f"{urls.API_PREFIX}/{licence.identifier}/verification")

    body = response.json()
    assert response.status_code == 200
    assert body["result"] == "valid"
    assert body["valid"] is True
    assert body["type_code"] == "11100000000013338W009"
    assert body["holder_code"] == "9144**********2YX9"
    assert body["valid_until"] == "2030-05-21"


def test_api_unknown_identifier_is_404(client, db):
    response = client.get(f"{urls.API_PREFIX}/{UNKNOWN}/verification")

    assert response.status_code == 404
    assert response.json()["code"] == "certificate.not_found"


def test_api_malformed_identifier_is_400(client, db):
    response = client.get(f"{urls.API_PREFIX}/1.2.156.3005.2.abc/verification")

    assert response.status_code == 400
    assert response.json()["code"] == "certificate_id.format"


def test_api_is_rate_limited(client, licence, settings):
    settings.ONESTOP_CERTIFICATE_CHECKS_PER_WINDOW = 1
    url = f"{urls.API_PREFIX}/{licence.identifier}/verification"
    client.get(url)

    response = client.get(url)

    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"


def test_api_checks_are_audited(client, licence):
    client.get(f"{urls.API_PREFIX}/{licence.identifier}/verification")

    event = AuditEvent.objects.get(verb="certificate.verified")
    assert event.data == {"result": "valid", "channel": "api"}


def test_page_in_chinese(licence):
    response = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(
        f"/verify/{licence.identifier}"
    )

    assert "证照有效" in response.content.decode()
    assert "证照标识" in response.content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_page_shows_dates_as_on_other_pages(licence, language):
    content = (
        Client(HTTP_ACCEPT_LANGUAGE=language)
        .get(f"/verify/{licence.identifier}")
        .content.decode()
    )

    assert "<dd>2025-05-22</dd>" in content
    assert "2025年5月22日" not in content
    assert "May 22, 2025" not in content


def test_page_links_proof_bundle(client, licence):
    content = client.get(f"/verify/{licence.identifier}").content.decode()

    proof_url = f"/api/v1/certificates/{licence.identifier}/proof?download=1"
    assert f'<a href="{proof_url}">Download the proof bundle</a>' in content
    assert "<code>onestop ledger verify-bundle</code> checks offline" in content
    proof = client.get(proof_url)
    assert proof.status_code == 200, proof.content
    assert proof["Content-Type"] == "text/plain; charset=utf-8"
    assert proof["Content-Disposition"] == (
        f'attachment; filename="{licence.identifier}.proof.txt"'
    )
    assert proof.content.decode().startswith("c2sp.org/tlog-proof@v1\n")


def test_proof_bundle_misspelt_download_rejected(client, licence):
    response = client.get(
        f"/api/v1/certificates/{licence.identifier}/proof", {"downlaod": "1"}
    )

    assert response.status_code == 422
    assert response.json()["details"]["errors"] == [
        {"location": ["query", "downlaod"], "type": "extra_forbidden"}
    ]


def test_proof_bundle_without_download_is_inline_text(client, licence):
    proof_url = f"/api/v1/certificates/{licence.identifier}/proof"

    proof = client.get(proof_url)
    download = client.get(f"{proof_url}?download=1")

    assert proof.status_code == 200, proof.content
    assert proof["Content-Type"] == "text/plain; charset=utf-8"
    assert "Content-Disposition" not in proof
    assert proof.content == download.content


def test_proof_bundle_file_name_is_written_identifier(client, licence):
    typed = licence.identifier.lower()

    proof = client.get(f"/api/v1/certificates/{typed}/proof?download=1")

    assert proof.status_code == 200, proof.content
    assert proof["Content-Disposition"] == (
        f'attachment; filename="{licence.identifier}.proof.txt"'
    )


def test_page_links_proof_bundle_in_chinese(licence):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")

    content = client.get(f"/verify/{licence.identifier}").content.decode()

    proof_url = f"/api/v1/certificates/{licence.identifier}/proof?download=1"
    assert f'<a href="{proof_url}">下载存证证明文件</a>' in content
    assert "<dt>存证证明</dt>" in content


def test_unknown_certificate_page_has_no_proof_link(client, db):
    content = client.get(f"/verify/{UNKNOWN}").content.decode()

    assert "/proof" not in content
    assert "Download the proof bundle" not in content


@pytest.mark.parametrize(
    ("language", "heading", "button"),
    [
        ("en", "Check a certificate", "Check the certificate"),
        ("zh-hans", "核验电子证照", "核验"),
    ],
)
def test_form_page_without_identifier(db, language, heading, button):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/verify/")

    content = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in content
    assert '<form method="get" action="/verify/" id="verify-form">' in content
    assert '<input type="text" name="identifier" required' in content
    assert f'<button type="submit">{button}</button>' in content


@pytest.mark.parametrize(
    "typed",
    [
        lambda identifier: identifier,
        lambda identifier: f"  {identifier.lower()} ",
        lambda identifier: full_width(identifier.lower()),
    ],
    ids=["as_printed", "lower_case_with_spaces", "full_width_lower_case"],
)
def test_form_sends_identifier_to_its_page(client, licence, typed):
    response = client.get("/verify/", {"identifier": typed(licence.identifier)})

    assert response.status_code == 302
    assert response["Location"] == f"/verify/{licence.identifier}"


def test_form_with_empty_identifier_shows_form_again(client, db):
    response = client.get("/verify/", {"identifier": " \u3000 "})

    assert response.status_code == 200
    assert 'id="verify-form"' in response.content.decode()


def test_form_with_slash_shows_format_error(client, db):
    response = client.get("/verify/", {"identifier": "1.2.156.3005.2/x"})

    assert response.status_code == 400
    assert "The certificate identifier is invalid" in response.content.decode()


def test_page_reads_lower_case_identifier(client, licence):
    response = client.get(f"/verify/{licence.identifier.lower()}")

    content = response.content.decode()
    assert response.status_code == 200
    assert "Valid certificate" in content
    assert f"<code>{licence.identifier}</code>" in content


def wrong_check(identifier):
    return identifier[:-1] + ("1" if identifier[-1] != "1" else "2")


def test_wrong_check_shows_form_error(client, licence):
    typed = wrong_check(licence.identifier).lower()

    response = client.get("/verify/", {"identifier": typed})

    content = response.content.decode()
    assert response.status_code == 400
    assert 'id="verify-form"' in content
    assert f'value="{typed}" aria-invalid="true"' in content
    assert 'id="error-identifier" data-code="certificate_id.check"' in content
    assert "Go back" not in content


def test_wrong_prefix_shows_form_error(client, db):
    response = client.get("/verify/", {"identifier": "1.2.156.3005.9.X"})

    content = response.content.decode()
    assert response.status_code == 400
    assert 'value="1.2.156.3005.9.X"' in content
    assert 'data-code="certificate_id.format"' in content


def test_malformed_path_shows_form(client, licence):
    wrong = wrong_check(licence.identifier)

    response = client.get(f"/verify/{wrong}")

    content = response.content.decode()
    assert response.status_code == 400
    assert f'value="{wrong}"' in content
    assert 'data-code="certificate_id.check"' in content


def test_malformed_form_check_audited(client, db):
    client.get("/verify/", {"identifier": "1.2.156.3005.9.X"})

    results = list(
        AuditEvent.objects.filter(verb="certificate.verified").values_list(
            "data", flat=True
        )
    )
    assert results == [{"result": "invalid_identifier", "channel": "page"}]
