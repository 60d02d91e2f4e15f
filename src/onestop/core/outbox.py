"""The transactional outbox: the only way work leaves a transaction.

An action calls `enqueue` inside its own transaction, so the message exists exactly when the
change does. A worker claims due messages with a lease, runs the topic's handler after commit,
and retries failures with exponential back-off and jitter until the message becomes a dead
letter. Handlers must be idempotent: a worker that dies after the handler ran but before it
marked the message delivered leaves the lease to expire, and another worker runs it again.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from onestop.core.bulk import insert_instances
from onestop.core.logging import get_logger
from onestop.core.models import Centre, OutboxMessage, OutboxStatus

log = get_logger(__name__)

Handler = Callable[[OutboxMessage], None]
_handlers: dict[str, Handler] = {}
# Periodic jobs (the ledger sequencer, daily re-evaluations) run by every worker thread:
# each entry is (interval in seconds, function). The jobs must be safe to run concurrently.
_periodic: list[tuple[float, Callable[[], object]]] = []


class PermanentFailure(Exception):
    """Raised by a handler when retrying cannot help: the message becomes a dead letter at once."""


def handler(topic: str) -> Callable[[Handler], Handler]:
    """Register the function that delivers messages of `topic`."""

    def register(function: Handler) -> Handler:
        _handlers[topic] = function
        return function

    return register


def periodic[F: Callable[[], object]](seconds: float) -> Callable[[F], F]:
    """Register a job that workers run every `seconds`, and return the job unchanged."""

    def register(function: F) -> F:
        _periodic.append((seconds, function))
        return function

    return register


def enqueue(
    topic: str,
    payload: dict[str, Any],
    *,
    centre: Centre | None = None,
    delay: timedelta | None = None,
    max_attempts: int = 8,
) -> OutboxMessage:
    """Write an outbox message in the caller's transaction."""
    return OutboxMessage.objects.create(
        topic=topic,
        payload=payload,
        centre=centre,
        available_at=timezone.now() + (delay or timedelta()),
        max_attempts=max_attempts,
    )


@dataclass(frozen=True)
class Message:
    """One outbox message for `enqueue_many`, with the arguments of `enqueue`."""

    topic: str
    payload: dict[str, Any]
    centre: Centre | None = None
    delay: timedelta | None = None
    max_attempts: int = 8


def enqueue_many(messages: list[Message]) -> list[OutboxMessage]:
    """Write several outbox messages with one INSERT in the caller's transaction."""
    now = timezone.now()
    rows = [
        OutboxMessage(
            topic=message.topic,
            payload=message.payload,
            centre=message.centre,
            available_at=now + (message.delay or timedelta()),
            max_attempts=message.max_attempts,
        )
        for message in messages
    ]
    return list(insert_instances(rows))


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float = 2.0
    max_seconds: float = 600.0

    def delay(self, attempts: int) -> timedelta:
        """Return the full-jitter back-off before attempt `attempts + 1`."""
        ceiling = min(self.max_seconds, self.base_seconds * (2 ** max(attempts - 1, 0)))
        return timedelta(seconds=random.uniform(ceiling / 2, ceiling))  # noqa: S311


def claim(
    worker_id: str, *, limit: int = 20, lease_seconds: int = 60
) -> list[OutboxMessage]:
    """Lease up to `limit` due messages to `worker_id`.

    PostgreSQL skips rows that another worker has locked (FOR UPDATE SKIP LOCKED). SQLite has
    no row locks, but its IMMEDIATE transactions take the database write lock at BEGIN, so two
    claims never interleave. A lease whose worker died expires and the row is claimable again.
    """
    now = timezone.now()
    due = Q(status=OutboxStatus.PENDING, available_at__lte=now) & (
        Q(leased_until__isnull=True) | Q(leased_until__lt=now)
    )
    with transaction.atomic():
        rows = OutboxMessage.objects.filter(due).order_by("available_at")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        claimed = list(rows[:limit])
        if claimed:
            OutboxMessage.objects.filter(pk__in=[row.pk for row in claimed]).update(
                leased_until=now + timedelta(seconds=lease_seconds), leased_by=worker_id
            )
    return claimed


def deliver(
    message: OutboxMessage, worker_id: str, policy: RetryPolicy | None = None
) -> bool:
    """Run the handler of one claimed message and record the outcome. Return True on success."""
    policy = policy or RetryPolicy()
    function = _handlers.get(message.topic)
    try:
        if function is None:
            raise PermanentFailure(
                f"no handler is registered for topic {message.topic!r}"
            )
        function(message)
    except Exception as error:
        _record_failure(message, worker_id, error, policy)
        return False
    OutboxMessage.objects.filter(pk=message.pk, leased_by=worker_id).update(
        status=OutboxStatus.DELIVERED,
        delivered_at=timezone.now(),
        leased_until=None,
        attempts=message.attempts + 1,
    )
    return True


def _record_failure(
    message: OutboxMessage, worker_id: str, error: Exception, policy: RetryPolicy
) -> None:
    attempts = message.attempts + 1
    dead = isinstance(error, PermanentFailure) or attempts >= message.max_attempts
    update: dict[str, Any] = {
        "attempts": attempts,
        "last_error": f"{type(error).__name__}: {error}"[:2000],
        "leased_until": None,
    }
    if dead:
        update["status"] = OutboxStatus.DEAD
    else:
        update["available_at"] = timezone.now() + policy.delay(attempts)
    OutboxMessage.objects.filter(pk=message.pk, leased_by=worker_id).update(**update)
    event = "outbox.dead_letter" if dead else "outbox.retry_scheduled"
    log.warning(
        event,
        outbox_id=str(message.pk),
        topic=message.topic,
        attempts=attempts,
        centre_id=message.centre_id,
        error=type(error).__name__,
    )


def replay(message_id: uuid.UUID | str) -> bool:
    """Put a dead letter back in the queue with a fresh attempt count.

    Return False, changing nothing, when the message is not a dead letter.
    """
    changed = OutboxMessage.objects.filter(
        pk=message_id, status=OutboxStatus.DEAD
    ).update(
        status=OutboxStatus.PENDING,
        attempts=0,
        available_at=timezone.now(),
        leased_until=None,
    )
    return changed > 0


def run_once(worker_id: str, *, limit: int = 20) -> int:
    """Claim and deliver one batch. Return how many messages were delivered."""
    delivered = 0
    for message in claim(worker_id, limit=limit):
        delivered += deliver(message, worker_id)
    return delivered


def drain(*, max_rounds: int = 50) -> int:
    """Deliver everything that is due now, for tests and commands. Return the count delivered."""
    worker_id = f"drain-{uuid.uuid4().hex[:8]}"
    total = 0
    for _ in range(max_rounds):
        if not claim_pending_exists():
            break
        total += run_once(worker_id, limit=100)
    return total


def claim_pending_exists() -> bool:
    now = timezone.now()
    return OutboxMessage.objects.filter(
        Q(status=OutboxStatus.PENDING, available_at__lte=now)
        & (Q(leased_until__isnull=True) | Q(leased_until__lt=now))
    ).exists()


class Worker(threading.Thread):
    """A background outbox worker; `make run` starts one inside the web process."""

    def __init__(self, *, poll_seconds: float = 1.0, name: str | None = None) -> None:
        super().__init__(daemon=True, name=name or f"outbox-{uuid.uuid4().hex[:6]}")
        self.poll_seconds = poll_seconds
        self.stopping = threading.Event()

    def run(self) -> None:
        log.info("outbox.worker_started", worker_id=self.name)
        last_run: dict[int, float] = {}
        while not self.stopping.is_set():
            try:
                delivered = run_once(self.name)
                self._run_periodic(last_run)
            except Exception:
                log.exception("outbox.worker_error", worker_id=self.name)
                delivered = 0
            finally:
                connection.close()
            if not delivered:
                self.stopping.wait(self.poll_seconds)
        log.info("outbox.worker_stopped", worker_id=self.name)

    def _run_periodic(self, last_run: dict[int, float]) -> None:
        now = time.monotonic()
        for position, (seconds, function) in enumerate(_periodic):
            if now - last_run.get(position, float("-inf")) < seconds:
                continue
            last_run[position] = now
            try:
                function()
            except Exception:
                log.exception("outbox.periodic_job_failed", job=function.__name__)

    def stop(self) -> None:
        self.stopping.set()
