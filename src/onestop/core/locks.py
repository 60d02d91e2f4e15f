"""Named locks that serialise concurrent requests for the same thing across processes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def named_lock(*parts: object) -> Iterator[None]:
    """Hold a lock named by `parts` until the block ends; other holders of the name wait.

    PostgreSQL takes an advisory lock: for the session when no transaction is open, so
    that the block may commit several transactions of its own, or else for the caller's
    transaction. SQLite has one writer at a time, and its IMMEDIATE transactions take the
    write lock at BEGIN. So on SQLite the block runs in one transaction, which waits for
    every other writer, and the block's writes commit together at its end.
    """
    if connection.vendor != "postgresql":
        with transaction.atomic():
            yield
        return
    digest = hashlib.sha256(repr(parts).encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
            yield
            return
        cursor.execute("SELECT pg_advisory_lock(%s)", [key])
        try:
            yield
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
