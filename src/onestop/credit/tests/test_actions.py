"""Recording, correcting and revoking credit records."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from onestop.core.ledger.actions import subject_reference
from onestop.core.ledger.models import LedgerEntry
from onestop.core.models import AuditEvent, Department
from onestop.core.permissions import RoleRequired
from onestop.credit.actions import (
    correct_credit_record,
    record_credit,
    revoke_credit_record,
)
from onestop.credit.documents import document_sha256, record_document
from onestop.credit.errors import (
    DateInFuture,
    DatesInvalid,
    FieldMissing,
    KindInvalid,
    PersonalDataInText,
    RecordRevoked,
    RecordSuperseded,
)
from onestop.credit.models import CreditRecord
from onestop.credit.tests.helpers import (
    APPLICANT_ID,
    APPLICANT_NAME,
    ENTERPRISE_USCC,
    broken_commitment,
    record_for_applicant,
)
from onestop.identity.codes import IdNumberCheckDigitMismatch

pytestmark = pytest.mark.django_db


def test_reviewer_records_fact_with_ledger_entry(demo):
    record = record_for_applicant(demo)

    entry = json.loads(bytes(LedgerEntry.objects.get(pk=record.ledger_entry_id).data))
    assert entry["kind"] == "credit.record"
    assert entry["centre"] == demo.centre.pk
    assert entry["body"]["subject"] == subject_reference(APPLICANT_ID)
    assert entry["body"]["kind"] == "commitment_broken"
    assert entry["body"]["decided_on"] == "2026-11-20"
    assert entry["body"]["department"] == subject_reference(demo.market.uscc)
    assert entry["body"]["record_sha256"] == record.sha256
    assert record.sha256 == document_sha256(record_document(record))


def test_ledger_entry_holds_no_id_number_or_name(demo):
    record = record_for_applicant(demo)

    text = bytes(LedgerEntry.objects.get(pk=record.ledger_entry_id).data).decode()
    assert APPLICANT_ID not in text
    assert APPLICANT_NAME not in text
    assert demo.market.uscc not in text


def test_record_document_names_subject_by_reference(demo):
    document = record_document(record_for_applicant(demo))

    assert document["subject"] == {
        "type": "person",
        "reference": subject_reference(APPLICANT_ID),
    }
    assert APPLICANT_ID not in json.dumps(document, ensure_ascii=False)


def test_recording_writes_audit_event(demo):
    record = record_for_applicant(demo)

    event = AuditEvent.objects.get(verb="credit.record", object_id=str(record.pk))
    assert event.actor == demo.user("reviewer")
    assert event.actor_role == "reviewer"
    assert event.data["sha256"] == record.sha256


@pytest.mark.parametrize("username", ["reviewer", "deptadmin", "supervisor"])
def test_recording_roles_may_record(demo, username):
    record = record_credit(
        actor=demo.user(username),
        centre=demo.centre,
        department=demo.market,
        subject_type="enterprise",
        subject_code=ENTERPRISE_USCC,
        facts=broken_commitment(kind="commitment_kept", facts="现场核查属实。"),
    )

    assert record.subject_code == ENTERPRISE_USCC


@pytest.mark.parametrize("username", ["clerk", "applicant", "centreadmin"])
def test_other_roles_may_not_record(demo, username):
    with pytest.raises(RoleRequired):
        record_credit(
            actor=demo.user(username),
            centre=demo.centre,
            department=demo.market,
            subject_type="person",
            subject_code=APPLICANT_ID,
            facts=broken_commitment(),
        )

    assert not CreditRecord.objects.exists()


def test_reviewer_of_other_department_may_not_record(demo):
    other = Department.objects.for_centre(demo.centre).exclude(pk=demo.market.pk)[0]

    with pytest.raises(RoleRequired) as caught:
        record_credit(
            actor=demo.user("reviewer"),
            centre=demo.centre,
            department=other,
            subject_type="person",
            subject_code=APPLICANT_ID,
            facts=broken_commitment(),
        )

    assert caught.value.code == "permission.other_department"
    assert caught.value.as_dict()["details"]["role"] == [
        "reviewer",
        "department_admin",
        "supervisor",
    ]
    assert caught.value.render() == (
        f"This needs one of these roles for the department {other.name} in "
        f"{demo.centre.name}: department reviewer (reviewer), department admin "
        "(department_admin), supervisor (supervisor). "
        f"Your account holds the role department reviewer for {demo.market.name} "
        f"only. Ask someone with a role for {other.name} to do it."
    )


def record_for_applicant_as(demo, username: str):
    return record_credit(
        actor=demo.user(username),
        centre=demo.centre,
        department=demo.market,
        subject_type="person",
        subject_code=APPLICANT_ID,
        facts=broken_commitment(),
    )


def test_role_error_without_any_role_says_none(demo):
    with pytest.raises(RoleRequired) as caught:
        record_for_applicant_as(demo, "clerk")

    assert caught.value.code == "permission.role_required"
    assert caught.value.render().endswith("Your account has none.")


def test_dishonesty_list_needs_list_name(demo):
    with pytest.raises(FieldMissing) as caught:
        record_for_applicant(
            demo, kind="dishonesty_list", listed_on=dt.date(2026, 11, 1)
        )

    assert caught.value.details["field"] == "list_name"


def test_dishonesty_list_delisting_before_listing_is_rejected(demo):
    with pytest.raises(DatesInvalid):
        record_for_applicant(
            demo,
            kind="dishonesty_list",
            list_name="严重违法失信名单",
            listed_on=dt.date(2026, 11, 1),
            delisted_on=dt.date(2026, 10, 1),
        )


# 02:00 UTC on 5 December is 10:00 in Asia/Shanghai, the centre's time zone.
CENTRE_MORNING = dt.datetime(2026, 12, 5, 2, 0, tzinfo=dt.UTC)
# 17:00 UTC on 4 December is already 01:00 on 5 December in Asia/Shanghai.
CENTRE_AFTER_MIDNIGHT = dt.datetime(2026, 12, 4, 17, 0, tzinfo=dt.UTC)


def test_future_decision_date_is_rejected(demo, time_machine):
    time_machine.move_to(CENTRE_MORNING)

    with pytest.raises(DateInFuture) as caught:
        record_for_applicant(demo, decided_on=dt.date(2026, 12, 6))

    assert caught.value.details["field"] == "decided_on"
    assert caught.value.details["date"] == "2026-12-06"
    assert caught.value.render() == (
        "The date decided_on (2026-12-06) is after today, 2026-12-05. A credit record "
        "states what was already decided, so give a date on or before today."
    )
    assert not CreditRecord.objects.exists()


def test_decision_date_uses_centre_local_date(demo, time_machine):
    time_machine.move_to(CENTRE_AFTER_MIDNIGHT)

    record = record_for_applicant(demo, decided_on=dt.date(2026, 12, 5))

    assert record.decided_on == dt.date(2026, 12, 5)


def test_future_listing_date_is_rejected(demo, time_machine):
    time_machine.move_to(CENTRE_MORNING)

    with pytest.raises(DateInFuture) as caught:
        record_for_applicant(
            demo,
            kind="dishonesty_list",
            list_name="严重违法失信名单",
            listed_on=dt.date(2026, 12, 31),
        )

    assert caught.value.details["field"] == "listed_on"


def test_future_delisting_date_is_accepted(demo, time_machine):
    time_machine.move_to(CENTRE_MORNING)

    record = record_for_applicant(
        demo,
        kind="dishonesty_list",
        list_name="严重违法失信名单",
        listed_on=dt.date(2026, 12, 1),
        delisted_on=dt.date(2029, 12, 1),
    )

    assert record.delisted_on == dt.date(2029, 12, 1)


def test_correction_with_future_date_is_rejected(demo, time_machine):
    time_machine.move_to(CENTRE_MORNING)
    record = record_for_applicant(demo)

    with pytest.raises(DateInFuture):
        correct_credit_record(
            record,
            actor=demo.user("reviewer"),
            facts=broken_commitment(decided_on=dt.date(2099, 12, 1)),
        )


def test_unknown_kind_is_rejected(demo):
    with pytest.raises(KindInvalid) as caught:
        record_for_applicant(demo, kind="fine")

    assert caught.value.code == "credit.kind_invalid"


def test_id_number_in_facts_is_rejected(demo):
    with pytest.raises(PersonalDataInText) as caught:
        record_for_applicant(demo, facts=f"当事人身份证号 {APPLICANT_ID}")

    assert caught.value.details["field"] == "facts"
    assert not CreditRecord.objects.exists()


@pytest.mark.parametrize(
    ("facts", "number"),
    [
        ("身份证 4406 0419 8503 1500 24", "4406**********0024"),
        ("身份证 440604-19850315-0024", "4406**********0024"),
        ("身份证 ４４０６０４１９８５０３１５００２４", "4406**********0024"),
        ("当事人电话１３８００１３８０００", "138****8000"),
        ("当事人电话 138-0013-8000", "138****8000"),
        ("当事人电话 138 0013 8000", "138****8000"),
        ("当事人电话 ١٣٨٠٠١٣٨٠٠٠", "138****8000"),
    ],
)
def test_disguised_number_in_facts_is_rejected(demo, facts, number):
    with pytest.raises(PersonalDataInText) as caught:
        record_for_applicant(demo, facts=facts)

    assert caught.value.details["field"] == "facts"
    assert caught.value.details["number"] == number
    assert not CreditRecord.objects.exists()


def test_dates_and_counts_in_facts_are_accepted(demo):
    record = record_for_applicant(
        demo, facts="2026-11-02 检查发现 3 处与承诺不符，2026-11-20 作出决定。"
    )

    assert record.facts.startswith("2026-11-02")


def test_certificate_identifier_in_facts_is_accepted(demo):
    # The issuer code of this identifier is an all-digit credit code of 18 digits.
    identifier = (
        "1.2.156.3005.2.11100000PACK00001T001.114406040070000172.202612050001.001.C"
    )

    record = record_for_applicant(demo, facts=f"吊销许可证 {identifier}")

    assert identifier in record.facts


def test_invalid_id_number_is_rejected(demo):
    with pytest.raises(IdNumberCheckDigitMismatch) as caught:
        record_credit(
            actor=demo.user("reviewer"),
            centre=demo.centre,
            department=demo.market,
            subject_type="person",
            subject_code="440604198503150025",
            facts=broken_commitment(),
        )

    assert caught.value.code == "id_number.check_digit"


def test_correction_appends_linked_record(demo):
    first = record_for_applicant(demo)
    original_sha256 = first.sha256

    second = correct_credit_record(
        first,
        actor=demo.user("reviewer"),
        facts=broken_commitment(facts="复查后更正：经营场所面积不符。"),
    )

    first.refresh_from_db()
    assert second.supersedes == first
    assert second.action == "correct"
    assert second.subject_code == APPLICANT_ID
    assert first.sha256 == original_sha256
    assert first.facts == broken_commitment().facts
    entry = second.ledger_entry
    assert entry is not None
    assert json.loads(bytes(entry.data))["body"]["supersedes"] == first.pk


def test_superseded_record_cannot_be_corrected_again(demo):
    first = record_for_applicant(demo)
    second = correct_credit_record(
        first, actor=demo.user("reviewer"), facts=broken_commitment()
    )

    with pytest.raises(RecordSuperseded) as caught:
        correct_credit_record(
            first, actor=demo.user("reviewer"), facts=broken_commitment()
        )

    assert caught.value.details["superseded_by"] == second.pk


def test_revocation_appends_record_that_cannot_be_revoked(demo):
    first = record_for_applicant(demo)

    revocation = revoke_credit_record(
        first,
        actor=demo.user("supervisor"),
        reason="行政复议撤销原认定。",
        legal_basis="《行政复议法》第六十四条",
    )

    assert revocation.action == "revoke"
    assert revocation.supersedes == first
    assert revocation.kind == first.kind
    with pytest.raises(RecordRevoked):
        revoke_credit_record(
            revocation,
            actor=demo.user("supervisor"),
            reason="再次撤销。",
            legal_basis="无",
        )
