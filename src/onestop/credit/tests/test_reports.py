"""Consented credit reports: issued to a bank, saved, and verified offline."""

from __future__ import annotations

import base64
import datetime as dt
import json
from io import StringIO

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import translation

from onestop.core.canonical import canonical_json
from onestop.core.ledger.checkpoint import get_vkey
from onestop.core.ledger.models import LedgerEntry
from onestop.core.ledger.note import format_vkey
from onestop.core.models import AuditEvent
from onestop.core.signing import b64url_encode
from onestop.credit.actions import correct_credit_record, record_credit
from onestop.credit.documents import CONSENT_TYPE
from onestop.credit.management.commands.credit import Command as CreditCommand
from onestop.credit.models import Consent
from onestop.credit.reports import report_text
from onestop.credit.tests.helpers import (
    AGENT_ID,
    APPLICANT_ID,
    APPLICANT_NAME,
    BANK_USCC,
    ENTERPRISE_USCC,
    broken_commitment,
    issue_token,
    record_for_applicant,
)
from onestop.credit.verify import verify_report

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/credit/reports"


def fetch_report(token: str):
    return Client().get(REPORTS, {"token": token})


def published_keys() -> dict:
    return Client().get("/.well-known/onestop-keys.json").json()


def bank_report(demo) -> dict:
    record_for_applicant(demo)
    response = fetch_report(issue_token(demo))
    assert response.status_code == 200, response.content
    return response.json()


def save(tmp_path, name: str, value) -> str:
    path = tmp_path / name
    text = value if isinstance(value, str) else report_text(value)
    path.write_text(text, encoding="utf-8")
    return str(path)


def verify_arguments(tmp_path, report) -> list[str]:
    """Save a report, the vkey and the keys; return the verify-report arguments."""
    return [
        "verify-report",
        save(tmp_path, "report.json", report),
        "--vkey",
        save(tmp_path, "ledger.vkey", get_vkey()),
        "--keys",
        save(tmp_path, "keys.json", json.dumps(published_keys())),
    ]


def verify_files(tmp_path, report) -> str:
    """Run `credit verify-report` on saved files and return its output."""
    output = StringIO()
    call_command("credit", *verify_arguments(tmp_path, report), stdout=output)
    return output.getvalue()


def test_bank_report_verifies_offline_from_file(demo, tmp_path):
    report = bank_report(demo)

    output = verify_files(tmp_path, report)

    assert "report verified: checked 1 record; 0 problems" in output


def test_report_lists_record_with_proof_and_vkey(demo):
    report = bank_report(demo)["report"]

    assert report["vkey"] == get_vkey()
    assert report["consent"]["recipient"]["uscc"] == BANK_USCC
    item = report["records"][0]
    assert item["document"]["kind"] == "commitment_broken"
    assert item["proof"].startswith("c2sp.org/tlog-proof@v1\n")
    assert item["ledger_index"] == LedgerEntry.objects.get().index


def test_report_integrates_pending_entry_first(demo):
    record_for_applicant(demo)
    assert LedgerEntry.objects.get().index is None

    response = fetch_report(issue_token(demo))

    assert response.status_code == 200
    assert LedgerEntry.objects.get().index is not None


def test_report_contains_only_masked_subject(demo):
    report = bank_report(demo)
    text = json.dumps(report, ensure_ascii=False)

    assert APPLICANT_ID not in text
    assert APPLICANT_NAME not in text
    assert AGENT_ID not in text
    assert report["report"]["subject"]["masked_code"] == "4406**********0024"
    assert report["report"]["subject"]["masked_name"] == "李**"


def test_report_of_enterprise_for_its_agent(demo):
    record_credit(
        actor=demo.user("reviewer"),
        centre=demo.centre,
        department=demo.market,
        subject_type="enterprise",
        subject_code=ENTERPRISE_USCC,
        facts=broken_commitment(kind="commendation", facts="获评守合同重信用企业。"),
    )
    record_for_applicant(demo)

    token = issue_token(demo, "agent", enterprise=ENTERPRISE_USCC)
    report = fetch_report(token).json()["report"]

    assert [item["document"]["kind"] for item in report["records"]] == ["commendation"]
    assert report["subject"]["type"] == "enterprise"
    assert ENTERPRISE_USCC not in json.dumps(report, ensure_ascii=False)


def test_report_shows_correction_only(demo):
    first = record_for_applicant(demo)
    second = correct_credit_record(
        first, actor=demo.user("reviewer"), facts=broken_commitment(facts="更正。")
    )

    records = fetch_report(issue_token(demo)).json()["report"]["records"]

    assert [item["document"]["id"] for item in records] == [second.pk]
    assert records[0]["superseded_by"] is None
    assert records[0]["document"]["supersedes"] == first.pk


def test_report_leaves_out_revoked_chain(demo):
    from onestop.credit.actions import revoke_credit_record

    first = record_for_applicant(demo)
    second = correct_credit_record(
        first, actor=demo.user("reviewer"), facts=broken_commitment(facts="更正。")
    )
    revoke_credit_record(
        second, actor=demo.user("reviewer"), reason="误录", legal_basis="信用修复"
    )

    records = fetch_report(issue_token(demo)).json()["report"]["records"]

    assert records == []


def test_changed_record_byte_fails_verification(demo, tmp_path):
    report = bank_report(demo)
    document = report["report"]["records"][0]["document"]
    document["facts"] = document["facts"].replace("不符", "相符")

    with pytest.raises(CommandError) as caught:
        verify_files(tmp_path, report)

    assert caught.value.returncode == 1


def test_changed_record_byte_is_reported(demo):
    report = bank_report(demo)
    report["report"]["records"][0]["document"]["decided_on"] = "2026-11-21"

    check = verify_report(report, public_keys=published_keys(), vkey=get_vkey())

    assert "record 0: the document does not match its sha256" in check.findings
    assert (
        "report: the signature does not verify against the published keys"
        in check.findings
    )


def test_changed_bundle_byte_fails_verification(demo):
    signed = bank_report(demo)
    item = signed["report"]["records"][0]
    lines = item["proof"].split("\n")
    entry = bytearray(base64.b64decode(lines[1].removeprefix("extra ")))
    entry[-3] ^= 0x01
    lines[1] = "extra " + base64.b64encode(bytes(entry)).decode()
    item["proof"] = "\n".join(lines)

    check = verify_report(signed, public_keys=published_keys(), vkey=get_vkey())

    assert any("the proof bundle is invalid" in line for line in check.findings)


def test_changed_bundle_index_fails_verification(demo):
    signed = bank_report(demo)
    item = signed["report"]["records"][0]
    item["proof"] = item["proof"].replace("\nindex 0\n", "\nindex 7\n")

    check = verify_report(signed, public_keys=published_keys(), vkey=get_vkey())

    assert any("the proof bundle is invalid" in line for line in check.findings)


def test_changed_checkpoint_byte_fails_verification(demo):
    signed = bank_report(demo)
    item = signed["report"]["records"][0]
    head, _, note = item["proof"].partition("\n\n")
    lines = note.split("\n")
    lines[1] = str(int(lines[1]) + 1)
    item["proof"] = head + "\n\n" + "\n".join(lines)

    check = verify_report(signed, public_keys=published_keys(), vkey=get_vkey())

    assert any("the proof bundle is invalid" in line for line in check.findings)


def test_report_with_other_vkey_fails_verification(demo):
    signed = bank_report(demo)
    other = format_vkey("onestop.local/ledger", Ed25519PrivateKey.generate())

    check = verify_report(signed, public_keys=published_keys(), vkey=other)

    assert "report: its vkey differs from the given vkey" in check.findings
    assert any("the proof bundle is invalid" in line for line in check.findings)


def test_malformed_vkey_is_reported_once(demo):
    record_for_applicant(demo)
    signed = bank_report(demo)
    assert len(signed["report"]["records"]) == 2

    check = verify_report(signed, public_keys=published_keys(), vkey="bogus+vkey")

    assert check.findings == [
        "report: the given vkey bogus+vkey is invalid (a verifier key has the form "
        "<name>+<hex key id>+<base64 key>)"
    ]
    assert check.records_checked == 2


def test_verify_command_prints_chinese_for_chinese_locale(
    demo, tmp_path, monkeypatch, capsys
):
    report = bank_report(demo)
    arguments = verify_arguments(tmp_path, report)
    monkeypatch.setenv("LANGUAGE", "zh_CN:en")

    CreditCommand().run_from_argv(["onestop", "credit", *arguments])

    assert "报告验证通过：检查了 1 条记录；发现 0 个问题" in capsys.readouterr().out


def test_verify_command_prints_english_for_english_locale(
    demo, tmp_path, monkeypatch, capsys
):
    report = bank_report(demo)
    arguments = verify_arguments(tmp_path, report)
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")

    with translation.override("zh-hans"):
        CreditCommand().run_from_argv(["onestop", "credit", *arguments])

    assert "report verified: checked 1 record" in capsys.readouterr().out


def test_every_report_use_is_audited(demo):
    record_for_applicant(demo)
    token = issue_token(demo)

    fetch_report(token)
    fetch_report(token)

    consent = Consent.objects.get()
    assert consent.use_count == 2
    assert (
        AuditEvent.objects.filter(
            verb="credit.consent_used", object_id=str(consent.pk)
        ).count()
        == 2
    )


def test_forged_token_is_rejected(demo):
    token = issue_token(demo)
    payload, kid, signature = token.split(".")
    document = json.loads(base64.urlsafe_b64decode(payload + "=="))
    document["purpose"] = "任意用途"

    forged = f"{b64url_encode(canonical_json(document))}.{kid}.{signature}"
    response = fetch_report(forged)

    assert response.status_code == 401
    assert response.json()["code"] == "credit.token_signature_invalid"
    assert Consent.objects.get().use_count == 0


def test_token_of_unknown_key_names_it(demo):
    token = issue_token(demo)
    payload, _kid, signature = token.split(".")

    response = Client().get(
        REPORTS,
        {"token": f"{payload}.0123456789abcdef.{signature}"},
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "credit.token_signature_invalid"
    assert body["details"]["key_id"] == "0123456789abcdef"
    assert body["message"] == (
        "The consent token names the signing key 0123456789abcdef, but the centre "
        f"{demo.centre.region_code} has no key with this id, so the token was not "
        "signed by it or was changed. Ask the subject for a new token."
    )
    assert Consent.objects.get().use_count == 0


def test_token_signed_by_other_key_is_rejected(demo):
    token = issue_token(demo)
    payload, kid, signature = token.split(".")
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]

    response = fetch_report(f"{payload}.{kid}.{flipped}")

    assert response.json()["code"] == "credit.token_signature_invalid"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[: len(token) // 2],
        lambda token: token[:-3],
        lambda token: token.replace(".", "", 1),
        lambda token: "not-a-token",
        lambda token: "",
        lambda token: token + "." + token,
    ],
    ids=["half", "short-signature", "two-parts", "garbage", "empty", "four-parts"],
)
def test_truncated_or_malformed_token_is_rejected(demo, mangle):
    token = issue_token(demo)

    response = fetch_report(mangle(token))

    assert response.status_code == 400
    assert response.json()["code"] == "credit.token_malformed"


def short_signature(token: str) -> str:
    payload, kid, signature = token.split(".")
    return f"{payload}.{kid}.{signature[:76]}"


@pytest.mark.parametrize(
    ("mangle", "details", "english", "chinese"),
    [
        (
            lambda token: token.rsplit(".", 1)[0],
            {"reason": "parts", "parts": 2},
            "it has 2 parts, but a token has three parts separated by dots",
            "授权码有 2 段，而授权码应为以点分隔的三段",
        ),
        (
            short_signature,
            {"reason": "signature_length", "length": 57, "expected": 64},
            "the signature has 57 bytes, not 64",
            "签名有 57 字节，应为 64 字节",
        ),
        (
            lambda token: "e30." + token.split(".", 1)[1],
            {"reason": "payload_field_invalid", "field": "type"},
            "the payload field type is missing or has the wrong type",
            "载荷缺少字段 type，或该字段类型错误",
        ),
        (
            lambda token: "x" * 5000,
            {"reason": "too_long", "length": 5000, "max": 4096},
            "the token has 5000 characters, more than the maximum of 4096",
            "授权码有 5000 个字符，超过上限 4096",
        ),
    ],
    ids=["two-parts", "short-signature", "missing-type", "too-long"],
)
def test_malformed_token_reason_translated(demo, mangle, details, english, chinese):
    token = mangle(issue_token(demo))

    bodies = {
        language: Client()
        .post(
            REPORTS,
            {"token": token},
            content_type="application/json",
            headers={"Accept-Language": language},
        )
        .json()
        for language in ("en", "zh-hans")
    }

    assert bodies["en"]["details"] == details
    assert bodies["zh-hans"]["details"] == details
    assert bodies["en"]["message"] == (
        f"The consent token is malformed or truncated: {english}. Copy the whole "
        "token as the subject gave it."
    )
    assert bodies["zh-hans"]["message"] == (
        f"授权码格式错误或不完整：{chinese}。请完整复制授权人提供的授权码。"
    )


def test_expired_token_is_rejected(demo):
    token = issue_token(demo)
    Consent.objects.update(expires_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))

    response = fetch_report(token)

    assert response.status_code == 401
    assert response.json()["code"] == "credit.token_expired"


def test_revoked_token_is_rejected_and_refusal_audited(demo):
    token = issue_token(demo)
    consent = Consent.objects.get()
    response = demo.client("applicant").post(
        f"/api/v1/credit/consents/{consent.pk}/revocation"
    )
    assert response.status_code == 200, response.content

    response = fetch_report(token)

    assert response.json()["code"] == "credit.token_revoked"
    refusal = AuditEvent.objects.get(verb="credit.consent_refused")
    assert refusal.data["code"] == "credit.token_revoked"


def test_single_use_token_used_twice_is_rejected(demo):
    record_for_applicant(demo)
    token = issue_token(demo, single_use=True)

    first = fetch_report(token)
    second = fetch_report(token)

    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["code"] == "credit.token_used"


def test_tampered_ledger_entry_stops_report(demo):
    record = record_for_applicant(demo)
    token = issue_token(demo)
    fetch_report(token)
    entry = LedgerEntry.objects.get(pk=record.ledger_entry_id)
    data = bytes(entry.data).replace(b"commitment_broken", b"commitment_kept__")
    LedgerEntry.objects.filter(pk=entry.pk).update(data=data)

    response = fetch_report(token)

    assert response.status_code == 500
    assert response.json()["code"] == "credit.proof_invalid"


def test_edited_record_row_stops_report(demo):
    record = record_for_applicant(demo)
    type(record).objects.filter(pk=record.pk).update(facts="改写的事实。")

    response = fetch_report(issue_token(demo))

    assert response.json()["code"] == "credit.proof_invalid"


def test_consent_type_is_in_token(demo):
    payload = issue_token(demo).split(".")[0]

    document = json.loads(base64.urlsafe_b64decode(payload + "=="))

    assert document["type"] == CONSENT_TYPE
    assert document["recipient"]["uscc"] == BANK_USCC
    assert APPLICANT_ID not in json.dumps(document)


def test_report_by_post_body(demo):
    record_for_applicant(demo)
    token = issue_token(demo)
    response = Client().post(REPORTS, {"token": token}, content_type="application/json")
    assert response.status_code == 200, response.content
    report = response.json()["report"]
    assert report["consent"]["recipient"]["uscc"] == BANK_USCC
    assert report["records"][0]["proof"].startswith("c2sp.org/tlog-proof@v1\n")


def test_report_json_error_in_chinese(tmp_path):
    report = save(tmp_path, "report.json", '{"report": [1, 2,]}')
    vkey = save(tmp_path, "ledger.vkey", "x")

    with translation.override("zh-hans"), pytest.raises(CommandError) as caught:
        call_command("credit", "verify-report", report, "--vkey", vkey, "--keys", vkey)

    assert "第 1 行第 17 列：右括号前多了一个逗号" in str(caught.value)
    assert "Illegal trailing comma" not in str(caught.value)
