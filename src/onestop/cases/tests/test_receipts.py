"""Acceptance receipts: queued with the acceptance, signed by the outbox worker, shown as
pending until then, and never lost between the commit and the worker."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from onestop.cases import actions, receipts
from onestop.cases.models import Case, CaseDocument, CaseState
from onestop.catalog.models import Matter
from onestop.core import outbox
from onestop.core.ledger.actions import subject_reference
from onestop.core.ledger.models import LedgerEntry
from onestop.core.models import (
    AuditEvent,
    Notification,
    OutboxMessage,
    OutboxStatus,
)
from onestop.core.signing import public_keys_for, verify_document
from onestop.testing import current_version, material_files, valid_form

pytestmark = pytest.mark.django_db

FOOD = "food-business-licence"
ID_NUMBER = "440604198503150024"


def food_matter(demo) -> Matter:
    return Matter.objects.get(centre=demo.centre, pack_id=FOOD)


def window_data(demo) -> dict[str, str]:
    matter = food_matter(demo)
    data = {"centre": demo.centre.slug, "matter": FOOD, "id_number": ID_NUMBER}
    data.update(valid_form(matter))
    for material in current_version(matter).guide.materials:
        data[f"check.{material['key']}.original_seen"] = "on"
    return data


def accept_walk_in(demo, client=None) -> dict:
    client = client or demo.client("clerk")
    response = client.post("/api/v1/cases/window", window_data(demo))
    assert response.status_code == 201, response.content
    return response.json()


def apply_online(demo, applicant=None, extra=None) -> str:
    """File a food licence application online and return the case number.

    `extra` adds request parts or replaces those of the sample application.
    """
    applicant = applicant or demo.client("applicant")
    data = {"centre": demo.centre.slug, "matter": FOOD}
    data.update(valid_form(food_matter(demo)))
    data.update(material_files(food_matter(demo)))
    data.update(extra or {})
    response = applicant.post("/api/v1/cases", data)
    assert response.status_code == 201, response.content
    return response.json()["number"]


def receipt_messages(number: str):
    case = Case.objects.get(number=number)
    return OutboxMessage.objects.filter(
        topic=receipts.RECEIPT_TOPIC, payload__case_id=case.pk
    )


def receipts_of(number: str):
    return CaseDocument.objects.filter(
        case__number=number, kind=CaseDocument.Kind.ACCEPTANCE_RECEIPT
    )


# --- what the acceptance commits ---------------------------------------------------------


def test_window_response_has_promised_date(demo):
    body = accept_walk_in(demo)
    case = Case.objects.get()

    assert body["number"].startswith("440604")
    assert body["state"] == CaseState.ACCEPTED
    assert case.promised_due is not None
    assert body["promised_due"] == case.promised_due.isoformat()
    assert body["statutory_due"]
    assert body["receipt_status"] == receipts.PENDING
    assert body["documents"] == []
    assert [event["action"] for event in body["events"]] == ["accept"]
    assert len(body["materials"]) == len(
        current_version(food_matter(demo)).guide.materials
    )


def test_window_response_matches_fresh_read(demo):
    clerk = demo.client("clerk")
    body = accept_walk_in(demo, clerk)

    again = clerk.get(f"/api/v1/cases/{body['number']}").json()

    assert again == body


def test_acceptance_commits_message_not_receipt(demo):
    number = accept_walk_in(demo)["number"]

    message = receipt_messages(number).get()
    promised_due = Case.objects.get(number=number).promised_due
    assert message.status == OutboxStatus.PENDING
    assert promised_due is not None
    assert message.payload["receipt"]["promised_due"] == promised_due.isoformat()
    assert not receipts_of(number).exists()
    assert not Notification.objects.filter(user=demo.user("applicant")).exists()


def test_acceptance_queues_ledger_and_dispatch(demo):
    number = accept_walk_in(demo)["number"]
    case = Case.objects.get(number=number)

    entries = LedgerEntry.objects.filter(
        kind="case.transition", centre_id=demo.centre.pk
    )
    bodies = [json.loads(bytes(entry.data))["body"] for entry in entries]
    assert [body["action"] for body in bodies] == ["accept"]
    assert bodies[0]["case_number"] == number
    dispatch = OutboxMessage.objects.filter(topic=actions.DISPATCH_TOPIC)
    assert dispatch.get().payload == {"case_id": case.pk}


def test_window_acceptance_statement_count(demo, django_assert_max_num_queries):
    clerk = demo.client("clerk")
    accept_walk_in(demo, clerk)  # the first request loads the calendar and sessions

    # The reads: session, user, memberships, matter, person, the clerk's last window
    # (the request names none), idempotency key, the matter's certificate type and the
    # form's enterprise code, which would become the certificate's holder. Then the
    # case number, and one INSERT into each of case, submission, event, ledger entry
    # and outbox in one transaction.
    with django_assert_max_num_queries(22):
        response = clerk.post(
            "/api/v1/cases/window", window_data(demo), headers={"Idempotency-Key": "q"}
        )
    assert response.status_code == 201


# --- the worker ----------------------------------------------------------------------------


def test_worker_signs_receipt_and_notifies(demo):
    number = accept_walk_in(demo)["number"]

    outbox.drain()

    receipt = receipts_of(number).get()
    keys = public_keys_for(demo.centre)
    assert verify_document(receipt.data, receipt.signature, keys)
    assert receipt.data["case_number"] == number
    assert len(receipt.data["materials"]) == 8
    assert receipt_messages(number).get().status == OutboxStatus.DELIVERED
    notice = Notification.objects.get(user=demo.user("applicant"))
    assert number in notice.subject
    assert notice.message_id == "case.accepted"
    assert notice.params["number"] == number


def test_late_receipt_notice_dated_at_acceptance(demo, time_machine):
    number = accept_walk_in(demo)["number"]
    accepted_at = Case.objects.get(number=number).accepted_at
    time_machine.move_to(timezone.now() + timedelta(minutes=10))

    outbox.drain()

    notice = Notification.objects.get(
        user=demo.user("applicant"), message_id="case.accepted"
    )
    assert notice.created_at == accepted_at


def test_receipt_keys_the_applicant_hash(demo):
    number = accept_walk_in(demo)["number"]

    outbox.drain()

    data = receipts_of(number).get().data
    assert data["applicant_reference"] == subject_reference(ID_NUMBER)
    assert hashlib.sha256(ID_NUMBER.encode()).hexdigest() not in json.dumps(data)


def test_duplicate_delivery_issues_one_receipt(demo):
    number = accept_walk_in(demo)["number"]
    message = receipt_messages(number).get()

    for _attempt in range(2):
        actions.issue_acceptance_receipt(
            case_id=message.payload["case_id"], content=message.payload["receipt"]
        )

    assert receipts_of(number).count() == 1
    assert Notification.objects.filter(user=demo.user("applicant")).count() == 1
    audit = AuditEvent.objects.filter(verb="case.receipt_issued")
    assert audit.count() == 1
    assert audit.get().object_id == str(message.payload["case_id"])


@pytest.mark.django_db(transaction=True)
def test_receipt_survives_stop_before_worker(demo):
    number = accept_walk_in(demo)["number"]
    # The acceptance has committed. The web process stops here: its connections close
    # and nothing of it stays in memory.
    connections.close_all()

    # A worker claims the message and stops too, before it runs the handler.
    claimed = outbox.claim("stopped-worker", lease_seconds=60)
    assert receipt_messages(number).get().pk in {message.pk for message in claimed}
    assert outbox.drain() == 0  # leased to the stopped worker

    OutboxMessage.objects.filter(leased_by="stopped-worker").update(
        leased_until=timezone.now() - timedelta(seconds=1)
    )
    outbox.drain()

    assert receipts_of(number).count() == 1
    assert receipt_messages(number).get().status == OutboxStatus.DELIVERED


def test_online_acceptance_receipt_from_worker(demo):
    number = apply_online(demo)

    body = demo.client("clerk").post(
        f"/api/v1/cases/{number}/accept", {}, content_type="application/json"
    )

    assert body.json()["receipt_status"] == receipts.PENDING
    outbox.drain()
    receipt = receipts_of(number).get()
    assert {m["kind"] for m in receipt.data["materials"]} == {"upload"}


# --- the receipt endpoint ------------------------------------------------------------------


def test_receipt_pending_for_one_second_is_singular(demo, monkeypatch):
    monkeypatch.setattr(receipts, "RETRY_AFTER_SECONDS", 1)
    clerk = demo.client("clerk")
    number = accept_walk_in(demo, clerk)["number"]

    pending = clerk.get(f"/api/v1/cases/{number}/receipt")

    assert pending["Retry-After"] == "1"
    assert pending.json()["message"] == (
        f"The acceptance receipt of case {number} is being prepared. Ask again in "
        "1 second."
    )


def test_receipt_endpoint_pending_then_signed(demo):
    clerk = demo.client("clerk")
    number = accept_walk_in(demo, clerk)["number"]

    pending = clerk.get(f"/api/v1/cases/{number}/receipt")
    assert pending.status_code == 202
    assert pending["Retry-After"] == str(receipts.RETRY_AFTER_SECONDS)
    assert pending.json()["code"] == "receipt.pending"
    assert pending.json()["message"] == (
        f"The acceptance receipt of case {number} is being prepared. Ask again in "
        f"{receipts.RETRY_AFTER_SECONDS} seconds."
    )

    outbox.drain()
    ready = clerk.get(f"/api/v1/cases/{number}/receipt")
    assert ready.status_code == 200
    body = ready.json()
    assert body["kind"] == "acceptance_receipt"
    assert verify_document(
        body["data"], body["signature"], public_keys_for(demo.centre)
    )
    assert clerk.get(body["pdf_url"]).content.startswith(b"%PDF")


def test_receipt_endpoint_before_acceptance(demo):
    applicant = demo.client("applicant")
    number = apply_online(demo, applicant)

    response = applicant.get(f"/api/v1/cases/{number}/receipt")

    assert response.status_code == 404
    assert response.json()["code"] == "receipt.not_issued"
    assert response.json()["message"] == (
        f"Case {number} has no acceptance receipt because it is submitted. The "
        "receipt is issued when the window accepts the case."
    )


# --- pages -----------------------------------------------------------------------------------


def test_case_page_polls_pending_receipt(demo):
    number = accept_walk_in(demo)["number"]
    clerk = demo.client("clerk")

    pending = clerk.get(f"/window/cases/{number}/").content.decode()
    assert "Acceptance receipt being prepared" in pending
    assert f'hx-get="/portal/cases/{number}/documents/"' in pending

    outbox.drain()
    fragment = clerk.get(f"/portal/cases/{number}/documents/").content.decode()
    receipt = receipts_of(number).get()
    assert f'href="/portal/cases/{number}/documents/{receipt.pk}/"' in fragment
    assert "being prepared" not in fragment
    assert "hx-get" not in fragment


def test_chinese_page_shows_receipt_pending(demo):
    number = accept_walk_in(demo)["number"]

    response = demo.client("applicant").get(
        f"/portal/cases/{number}/", headers={"Accept-Language": "zh-hans"}
    )

    assert "受理回执生成中" in response.content.decode()


def test_documents_block_other_centre_hidden(demo, other_centre):
    number = accept_walk_in(demo)["number"]

    response = demo.client("nanhai-clerk").get(f"/portal/cases/{number}/documents/")

    assert response.status_code == 404
