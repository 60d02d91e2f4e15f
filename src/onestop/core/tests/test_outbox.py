"""The transactional outbox: leases, retries with back-off, dead letters, replay."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from onestop.core import outbox
from onestop.core.models import OutboxMessage, OutboxStatus

pytestmark = pytest.mark.django_db

delivered: list[str] = []


@outbox.handler("test.ok")
def ok_handler(message: OutboxMessage) -> None:
    delivered.append(message.payload["n"])


@outbox.handler("test.fail")
def failing_handler(message: OutboxMessage) -> None:
    raise RuntimeError("department system answered 503")


@outbox.handler("test.permanent")
def permanent_handler(message: OutboxMessage) -> None:
    raise outbox.PermanentFailure("the envelope is invalid")


@pytest.fixture(autouse=True)
def clear_delivered() -> None:
    delivered.clear()


def test_message_written_only_with_its_transaction() -> None:
    def enqueue_then_fail() -> None:
        with transaction.atomic():
            outbox.enqueue("test.ok", {"n": "1"})
            raise RuntimeError("rollback")

    with pytest.raises(RuntimeError):
        enqueue_then_fail()
    assert OutboxMessage.objects.count() == 0


def test_drain_delivers_and_marks_delivered() -> None:
    message = outbox.enqueue("test.ok", {"n": "a"})
    assert outbox.drain() == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.DELIVERED
    assert message.attempts == 1
    assert delivered == ["a"]


def test_failure_schedules_retry_with_backoff() -> None:
    message = outbox.enqueue("test.fail", {})
    before = timezone.now()
    outbox.run_once("w1")
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert message.available_at > before
    assert "503" in message.last_error


def test_backoff_grows_and_is_capped() -> None:
    policy = outbox.RetryPolicy(base_seconds=2, max_seconds=60)
    assert policy.delay(1) <= timedelta(seconds=2)
    assert policy.delay(3) >= timedelta(seconds=4)
    assert policy.delay(20) <= timedelta(seconds=60)


def test_message_becomes_dead_after_max_attempts() -> None:
    message = outbox.enqueue("test.fail", {}, max_attempts=2)
    for _ in range(2):
        OutboxMessage.objects.filter(pk=message.pk).update(available_at=timezone.now())
        outbox.run_once("w1")
    message.refresh_from_db()
    assert message.status == OutboxStatus.DEAD
    assert message.attempts == 2


def test_permanent_failure_is_dead_at_once() -> None:
    message = outbox.enqueue("test.permanent", {})
    outbox.run_once("w1")
    message.refresh_from_db()
    assert message.status == OutboxStatus.DEAD


def test_unknown_topic_is_dead_letter() -> None:
    message = outbox.enqueue("test.nobody-listens", {})
    outbox.run_once("w1")
    message.refresh_from_db()
    assert message.status == OutboxStatus.DEAD
    assert "no handler" in message.last_error


def test_replay_puts_dead_letter_back() -> None:
    message = outbox.enqueue("test.permanent", {})
    outbox.run_once("w1")
    outbox.replay(message.pk)
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 0


def test_leased_message_not_claimed_twice() -> None:
    outbox.enqueue("test.ok", {"n": "x"})
    first = outbox.claim("w1")
    second = outbox.claim("w2")
    assert len(first) == 1
    assert second == []


def test_expired_lease_taken_over() -> None:
    outbox.enqueue("test.ok", {"n": "x"})
    [claimed] = outbox.claim("dead-worker", lease_seconds=60)
    OutboxMessage.objects.filter(pk=claimed.pk).update(
        leased_until=timezone.now() - timedelta(seconds=1)
    )
    [taken] = outbox.claim("w2")
    assert taken.pk == claimed.pk
    assert outbox.deliver(taken, "w2")
    # The dead worker's late result does not overwrite the new owner's.
    assert not OutboxMessage.objects.filter(leased_by="dead-worker").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_skip_locked_rows() -> None:
    """Two workers claiming at the same moment on PostgreSQL get disjoint rows."""
    for n in range(40):
        outbox.enqueue("test.ok", {"n": str(n)})
    results: dict[str, list[str]] = {}
    barrier = threading.Barrier(2)

    def claim(worker: str) -> None:
        barrier.wait(timeout=10)
        results[worker] = [str(m.pk) for m in outbox.claim(worker, limit=25)]
        connection.close()

    threads = [threading.Thread(target=claim, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not set(results["a"]) & set(results["b"])
    assert len(results["a"]) + len(results["b"]) == 40
