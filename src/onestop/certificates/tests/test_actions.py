"""Issuing, revoking and renewing certificates."""

from __future__ import annotations

import datetime
import json

import pytest

from onestop.certificates.actions import (
    issue_certificate,
    issue_or_renew_certificate,
    renew_certificate,
    revoke_certificate,
    sync_certificate_types,
    use_certificate,
)
from onestop.certificates.errors import (
    CertificateNotUsable,
    CertificateNotValid,
    HolderHasValidCertificate,
    HolderMismatch,
    InvalidValidity,
    IssuerMismatch,
    MissingFaceField,
    ReasonRequired,
    UnknownFaceField,
)
from onestop.certificates.identifiers import parse_identifier
from onestop.certificates.models import (
    Certificate,
    CertificateStatus,
    CertificateType,
    CertificateUse,
)
from onestop.certificates.tests.conftest import (
    ENTERPRISE_USCC,
    ISSUER_USCC,
    LICENCE_FACE,
    PERSON_ID,
)
from onestop.core.canonical import sha256_hex
from onestop.core.errors import InvalidInput, PermissionDenied
from onestop.core.ledger.models import LedgerEntry
from onestop.core.models import AuditEvent, Department
from onestop.core.signing import public_keys_for, verify_document


def _issue(licence_type, issuer, actor, **overrides):
    arguments = {
        "actor": actor,
        "certificate_type": licence_type,
        "issuer": issuer,
        "holder_code": ENTERPRISE_USCC,
        "holder_name": "佛山市禅城区欧阳记餐饮有限公司",
        "face": LICENCE_FACE,
        "valid_from": datetime.date(2025, 5, 22),
    }
    return issue_certificate(**{**arguments, **overrides})


def test_issued_identifier_parses(licence):
    parsed = parse_identifier(licence.identifier)

    assert parsed.type_code == "11100000000013338W009"
    assert parsed.issuer_uscc == ISSUER_USCC
    assert parsed.serial == "202505220001"
    assert parsed.version == 1


def test_serials_count_up_per_day(licence, licence_type, issuer, reviewer):
    second = _issue(licence_type, issuer, reviewer)

    assert second.serial == "202505220002"
    assert second.identifier != licence.identifier


def test_issued_document_is_signed(licence):
    assert verify_document(
        licence.document, licence.signature, public_keys_for(licence.centre)
    )
    assert licence.document["identifier"] == licence.identifier
    assert licence.document["holder"]["code"] == ENTERPRISE_USCC


def test_validity_years_set_end_date(licence_type, issuer, reviewer):
    certificate = _issue(licence_type, issuer, reviewer)

    assert certificate.valid_from == datetime.date(2025, 5, 22)
    assert certificate.valid_until == datetime.date(2030, 5, 21)


def test_leap_day_validity_ends_february_28(licence_type, issuer, reviewer):
    licence_type.validity_years = 1
    licence_type.save()

    certificate = _issue(
        licence_type, issuer, reviewer, valid_from=datetime.date(2024, 2, 29)
    )

    assert certificate.valid_until == datetime.date(2025, 2, 28)


def test_long_term_type_has_no_expiry(person_type, issuer, reviewer):
    certificate = issue_certificate(
        actor=reviewer,
        certificate_type=person_type,
        issuer=issuer,
        holder_code=PERSON_ID.lower(),
        holder_name="张三",
    )

    assert certificate.valid_until is None
    assert certificate.holder_code == PERSON_ID


def test_explicit_end_date_wins(licence_type, issuer, reviewer):
    end = datetime.date(2026, 1, 31)

    assert _issue(licence_type, issuer, reviewer, valid_until=end).valid_until == end


def test_issue_writes_audit_event(licence):
    event = AuditEvent.objects.get(verb="certificate.issued")

    assert event.object_id == licence.identifier
    assert event.actor_role == "reviewer"
    assert event.data["case_number"] == "440604-20250522-000123"


def test_issue_queues_ledger_entry_without_identifier(licence):
    entry = LedgerEntry.objects.get(kind="certificate.issued")
    body = json.loads(bytes(entry.data))["body"]

    assert ISSUER_USCC not in bytes(entry.data).decode()
    assert body["status"] == "valid"
    assert body["identifier_sha256"] == sha256_hex(licence.identifier.encode())


def test_missing_required_field_is_rejected(licence_type, issuer, reviewer):
    with pytest.raises(MissingFaceField) as caught:
        _issue(licence_type, issuer, reviewer, face={"operator": "欧阳记"})

    assert caught.value.code == "certificate.face_field_missing"
    assert "经营项目" in caught.value.render()


def test_unknown_field_is_rejected(licence_type, issuer, reviewer):
    with pytest.raises(UnknownFaceField) as caught:
        _issue(licence_type, issuer, reviewer, face={**LICENCE_FACE, "colour": "red"})

    assert "colour" in caught.value.render()
    assert "经营者名称 (operator)" in caught.value.render()


def test_invalid_holder_code_is_rejected(licence_type, issuer, reviewer):
    with pytest.raises(InvalidInput) as caught:
        _issue(licence_type, issuer, reviewer, holder_code="91440604MA4W1X2YX8")

    assert caught.value.code.startswith("uscc.")
    assert not Certificate.objects.exists()


def test_end_before_start_is_rejected(licence_type, issuer, reviewer):
    with pytest.raises(InvalidValidity) as caught:
        _issue(licence_type, issuer, reviewer, valid_until=datetime.date(2025, 5, 21))

    assert "2025-05-21" in caught.value.render()


def test_issuer_of_other_centre_is_rejected(licence_type, other_centre):
    foreign = Department.objects.create(
        centre=other_centre,
        role_key="market",
        name="南海区市场监督管理局",
        uscc=ISSUER_USCC,
    )

    with pytest.raises(IssuerMismatch):
        _issue(licence_type, foreign, None)


def test_clerk_cannot_issue(licence_type, issuer, clerk):
    with pytest.raises(PermissionDenied):
        _issue(licence_type, issuer, clerk)


def test_reviewer_of_other_department_cannot_issue(
    licence_type, issuer, other_reviewer
):
    with pytest.raises(PermissionDenied):
        _issue(licence_type, issuer, other_reviewer)


def test_platform_can_issue_without_actor(licence_type, issuer):
    certificate = _issue(licence_type, issuer, None)

    assert certificate.issued_by is None
    assert AuditEvent.objects.get(verb="certificate.issued").actor_role == "system"


def test_revoke_marks_certificate_revoked(licence, department_admin):
    revoked = revoke_certificate(
        licence, actor=department_admin, reason="申请人申请注销"
    )

    assert revoked.status == CertificateStatus.REVOKED
    assert revoked.revocation_reason == "申请人申请注销"
    assert revoked.status_changed_at is not None
    assert AuditEvent.objects.filter(verb="certificate.revoked").count() == 1
    assert LedgerEntry.objects.filter(kind="certificate.revoked").count() == 1


def test_revoke_needs_reason(licence, department_admin):
    with pytest.raises(ReasonRequired):
        revoke_certificate(licence, actor=department_admin, reason="  ")


def test_revoke_twice_is_rejected(licence, department_admin):
    revoke_certificate(licence, actor=department_admin, reason="注销")

    with pytest.raises(CertificateNotValid) as caught:
        revoke_certificate(licence, actor=department_admin, reason="注销")

    assert caught.value.code == "certificate.not_valid"
    assert "cannot be revoked" in caught.value.render()


def test_clerk_cannot_revoke(licence, clerk):
    with pytest.raises(PermissionDenied):
        revoke_certificate(licence, actor=clerk, reason="注销")


def test_reviewer_cannot_revoke(licence, reviewer):
    with pytest.raises(PermissionDenied):
        revoke_certificate(licence, actor=reviewer, reason="注销")


def test_centre_admin_can_revoke(licence, centre_admin):
    revoked = revoke_certificate(licence, actor=centre_admin, reason="吊销")

    assert revoked.status == CertificateStatus.REVOKED
    assert AuditEvent.objects.get(verb="certificate.revoked").actor_role == (
        "centre_admin"
    )


def test_renew_issues_next_version(licence, reviewer):
    renewed = renew_certificate(licence, actor=reviewer, face={"note": "延续"})

    licence.refresh_from_db()
    assert renewed.version == 2
    assert renewed.serial == licence.serial
    assert renewed.previous == licence
    assert renewed.face["note"] == "延续"
    assert renewed.face["operator"] == LICENCE_FACE["operator"]
    assert licence.status == CertificateStatus.SUPERSEDED
    assert parse_identifier(renewed.identifier).version == 2


def test_renewed_document_names_previous(licence, reviewer):
    renewed = renew_certificate(licence, actor=reviewer)

    assert renewed.document["previous"] == licence.identifier
    assert verify_document(
        renewed.document, renewed.signature, public_keys_for(licence.centre)
    )


def test_renewal_records_supersession_of_old_version(licence, reviewer):
    renew_certificate(licence, actor=reviewer)

    licence.refresh_from_db()
    entry = LedgerEntry.objects.get(kind="certificate.superseded")
    body = json.loads(bytes(entry.data))["body"]
    assert licence.ledger_entry_id == entry.pk
    assert body["status"] == "superseded"
    assert body["identifier_sha256"] == sha256_hex(licence.identifier.encode())
    assert AuditEvent.objects.filter(
        verb="certificate.superseded", object_id=licence.identifier
    ).exists()


def test_superseded_version_cannot_renew(licence, reviewer):
    renew_certificate(licence, actor=reviewer)

    with pytest.raises(CertificateNotValid):
        renew_certificate(licence, actor=reviewer)


def test_failed_issue_leaves_nothing(licence_type, issuer, reviewer):
    with pytest.raises(MissingFaceField):
        _issue(licence_type, issuer, reviewer, face={})

    assert not Certificate.objects.exists()
    assert not AuditEvent.objects.filter(verb="certificate.issued").exists()


def test_type_code_is_unique_per_centre(licence_type, centre):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        CertificateType.objects.create(
            centre=centre, code=licence_type.code, name="副本", holder_kind="001"
        )


def _standard_certificate_types():
    import yaml

    from onestop.catalog.packs import STANDARD_PACK_DIR

    path = STANDARD_PACK_DIR / "certificate_types.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["certificate_types"]


def test_sync_loads_standard_pack_types(centre):
    Department.objects.create(
        centre=centre, role_key="market_regulation", name="市场监管局", uscc=ISSUER_USCC
    )
    entries = _standard_certificate_types()

    synced = sync_certificate_types(actor=None, centre=centre, entries=entries)

    food = CertificateType.objects.get(centre=centre, code="11100000PACK00006A001")
    assert len(synced) == len(entries)
    assert food.name == "食品经营许可证"
    assert food.validity_years == 5
    assert food.holder_kind == "001"
    assert food.issuing_department.role_key == "market_regulation"
    assert (
        CertificateType.objects.get(code="11100000PACK00002X001").validity_years is None
    )
    id_card = CertificateType.objects.get(code="11100000PACK00001T001")
    assert id_card.validity_years is None
    assert id_card.validity_by_age == [
        {"below_age": 16, "years": 5},
        {"below_age": 26, "years": 10},
        {"below_age": 46, "years": 20},
    ]
    assert food.validity_by_age == []


def test_sync_twice_updates_in_place(centre):
    entries = _standard_certificate_types()
    sync_certificate_types(actor=None, centre=centre, entries=entries)
    changed = [{**entries[0], "name": "居民身份证（新）"}]

    sync_certificate_types(actor=None, centre=centre, entries=changed)

    assert CertificateType.objects.filter(centre=centre).count() == len(entries)
    assert (
        CertificateType.objects.get(code=entries[0]["code"]).name == "居民身份证（新）"
    )


def test_clerk_cannot_sync_types(centre, clerk):
    with pytest.raises(PermissionDenied):
        sync_certificate_types(actor=clerk, centre=centre, entries=[])


def test_pack_licence_fills_standard_face_fields(centre, issuer, reviewer):
    sync_certificate_types(
        actor=None, centre=centre, entries=_standard_certificate_types()
    )
    food = CertificateType.objects.get(centre=centre, code="11100000PACK00006A001")

    certificate = issue_certificate(
        actor=reviewer,
        certificate_type=food,
        issuer=issuer,
        holder_code=ENTERPRISE_USCC,
        holder_name="佛山市禅城区欧阳记餐饮有限公司",
        face={
            "licence_number": "JY24406040012345",
            "legal_representative": "欧阳娜娜",
            "premises": "佛山市禅城区祖庙路1号",
            "main_business": "餐饮服务经营者",
            "business_items": "热食类食品制售",
        },
        valid_from=datetime.date(2025, 5, 22),
    )

    assert certificate.face["holder_uscc"] == ENTERPRISE_USCC
    assert certificate.face["holder_name"] == "佛山市禅城区欧阳记餐饮有限公司"
    assert certificate.face["valid_until"] == "2030-05-21"
    assert "holder_id_number" not in certificate.face


def test_not_valid_message_in_chinese(licence, reviewer):
    from django.utils import translation

    revoke_certificate(licence, actor=None, reason="注销")

    with pytest.raises(CertificateNotValid) as caught:
        renew_certificate(licence, actor=reviewer)

    with translation.override("zh-hans"):
        assert "不能延续" in caught.value.render()
        assert "已注销" in caught.value.render()


def test_use_records_valid_certificate(licence, other_centre):
    use = use_certificate(
        licence.identifier,
        actor=None,
        centre=other_centre,
        case_number="440605-20250523-000001",
        material_key="business_licence",
        actor_role="system",
        holder_code=ENTERPRISE_USCC.lower(),
    )

    assert use.certificate == licence
    assert use.centre == other_centre
    assert AuditEvent.objects.get(verb="certificate.used").data == {
        "case_number": "440605-20250523-000001",
        "material_key": "business_licence",
    }


def test_revoked_certificate_cannot_be_used(licence, centre):
    revoke_certificate(licence, actor=None, reason="吊销")

    with pytest.raises(CertificateNotUsable) as caught:
        use_certificate(
            licence.identifier,
            actor=None,
            centre=centre,
            case_number="x",
            material_key="business_licence",
            actor_role="system",
        )

    assert caught.value.code == "certificate.not_usable"
    assert "revoked" in caught.value.render()
    assert not CertificateUse.objects.exists()


def test_other_holders_certificate_cannot_be_used(licence, centre):
    with pytest.raises(HolderMismatch):
        use_certificate(
            licence.identifier,
            actor=None,
            centre=centre,
            case_number="x",
            material_key="business_licence",
            actor_role="system",
            holder_code="12440604456789011Y",
        )


def _issue_to_person(person_type, issuer, actor, name="王小明"):
    return issue_or_renew_certificate(
        actor=actor,
        certificate_type=person_type,
        issuer=issuer,
        holder_code=PERSON_ID,
        holder_name=name,
    )


def test_one_valid_type_renews_holders_certificate(person_type, issuer, reviewer):
    person_type.one_valid_per_holder = True
    person_type.save()
    first = _issue_to_person(person_type, issuer, reviewer)

    second = _issue_to_person(person_type, issuer, reviewer, name="王晓明")

    first.refresh_from_db()
    assert first.status == CertificateStatus.SUPERSEDED
    assert second.previous == first
    assert second.serial == first.serial
    assert second.version == 2
    assert second.holder_name == "王晓明"
    assert AuditEvent.objects.filter(
        verb="certificate.renewed", object_id=second.identifier
    ).exists()
    assert Certificate.objects.filter(status=CertificateStatus.VALID).count() == 1


def test_one_valid_type_supersedes_other_issuers_certificate(
    person_type, issuer, other_department, reviewer, other_reviewer
):
    person_type.one_valid_per_holder = True
    person_type.save()
    first = _issue_to_person(person_type, issuer, reviewer)

    second = _issue_to_person(person_type, other_department, other_reviewer)

    first.refresh_from_db()
    assert first.status == CertificateStatus.SUPERSEDED
    assert second.previous == first
    assert second.issuer == other_department
    assert second.version == 1
    assert second.document["previous"] == first.identifier
    assert LedgerEntry.objects.filter(kind="certificate.renewed").exists()
    assert LedgerEntry.objects.get(pk=first.ledger_entry_id).kind == (
        "certificate.superseded"
    )


def test_one_valid_type_rejects_second_direct_issue(person_type, issuer, reviewer):
    person_type.one_valid_per_holder = True
    person_type.save()
    first = _issue_to_person(person_type, issuer, reviewer)

    with pytest.raises(HolderHasValidCertificate) as caught:
        issue_certificate(
            actor=reviewer,
            certificate_type=person_type,
            issuer=issuer,
            holder_code=PERSON_ID,
            holder_name="王小明",
        )

    assert caught.value.details["identifier"] == first.identifier
    assert Certificate.objects.filter(status=CertificateStatus.VALID).count() == 1


def test_type_without_rule_issues_independent_certificates(
    person_type, issuer, reviewer
):
    first = _issue_to_person(person_type, issuer, reviewer)

    second = _issue_to_person(person_type, issuer, reviewer)

    first.refresh_from_db()
    assert first.status == CertificateStatus.VALID
    assert second.status == CertificateStatus.VALID
    assert second.previous is None
    assert second.serial != first.serial


def test_sync_reads_one_valid_per_holder(centre):
    Department.objects.create(
        centre=centre, role_key="public_security", name="公安分局", uscc=ISSUER_USCC
    )
    sync_certificate_types(
        actor=None, centre=centre, entries=_standard_certificate_types()
    )

    one_valid = set(
        CertificateType.objects.filter(
            centre=centre, one_valid_per_holder=True
        ).values_list("name", flat=True)
    )
    assert one_valid == {
        "居民身份证",
        "机动车驾驶证",
        "中华人民共和国残疾人证",
        "社会保障卡",
    }
