"""`onestop certificates export` and `onestop certificates verify`."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from onestop.certificates.actions import renew_certificate, revoke_certificate
from onestop.core.signing import published_keys


@pytest.fixture
def exported(licence, tmp_path):
    path = tmp_path / "licence.json"
    call_command("certificates", "export", licence.identifier, "--output", str(path))
    return path


def test_export_writes_document_and_signature(exported, licence):
    content = json.loads(exported.read_text(encoding="utf-8"))

    assert content["document"] == licence.document
    assert content["signature"] == licence.signature


def test_verify_accepts_exported_file(exported, licence, capsys):
    call_command("certificates", "verify", str(exported))

    output = capsys.readouterr().out
    assert f"Signature valid: {licence.identifier}" in output
    assert f"Status valid: {licence.identifier}" in output


def test_verify_rejects_changed_file(exported):
    content = json.loads(exported.read_text(encoding="utf-8"))
    content["document"]["valid_until"] = "2099-12-31"
    exported.write_text(json.dumps(content), encoding="utf-8")

    with pytest.raises(CommandError, match=r"signature of .* is invalid"):
        call_command("certificates", "verify", str(exported))


def test_verify_rejects_revoked_certificate(exported, licence, department_admin):
    revoke_certificate(licence, actor=department_admin, reason="吊销")

    with pytest.raises(CommandError, match="is not valid: revoked"):
        call_command("certificates", "verify", str(exported))


def test_superseded_status_in_english(exported, licence, reviewer):
    renew_certificate(licence, actor=reviewer)

    with pytest.raises(CommandError) as caught:
        call_command("certificates", "verify", str(exported))

    assert str(caught.value) == (
        f"The certificate {licence.identifier} is not valid: superseded by a newer "
        "version."
    )


def test_superseded_status_in_chinese(exported, licence, reviewer):
    renew_certificate(licence, actor=reviewer)

    with translation.override("zh-hans"), pytest.raises(CommandError) as caught:
        call_command("certificates", "verify", str(exported))

    assert str(caught.value) == f"证照 {licence.identifier} 无效：已被新版本替代。"


def test_offline_verify_checks_signature_only(exported, licence, capsys):
    revoke_certificate(licence, actor=None, reason="吊销")

    call_command("certificates", "verify", str(exported), "--offline")

    assert "Signature valid" in capsys.readouterr().out


def test_verify_with_key_set_file(exported, tmp_path, capsys):
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps(published_keys()), encoding="utf-8")

    call_command(
        "certificates", "verify", str(exported), "--keys", str(keys), "--offline"
    )

    assert "Signature valid" in capsys.readouterr().out


def test_verify_with_foreign_key_set_fails(exported, tmp_path):
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"keys": []}), encoding="utf-8")

    with pytest.raises(CommandError, match="signature"):
        call_command("certificates", "verify", str(exported), "--keys", str(keys))


def test_verify_rejects_non_certificate_file(tmp_path):
    path = tmp_path / "other.json"
    path.write_text("[1, 2]", encoding="utf-8")

    with pytest.raises(CommandError, match="not a certificate file"):
        call_command("certificates", "verify", str(path))


def test_verify_rejects_unreadable_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("certificates", "verify", str(tmp_path / "missing.json"))


def test_export_of_unknown_identifier_fails(db):
    with pytest.raises(CommandError, match="No certificate"):
        call_command(
            "certificates",
            "export",
            "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0",
        )


def test_verify_names_json_error_position(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"document": {}\n "signature": {}}', encoding="utf-8")

    with translation.override("zh-hans"), pytest.raises(CommandError) as raised:
        call_command("certificates", "verify", str(path))

    assert "第 2 行第 2 列：此处应有逗号" in str(raised.value)
    assert "Expecting" not in str(raised.value)
