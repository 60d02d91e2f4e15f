"""The sign-in lock counts the failed attempts of every web worker.

Each simulated worker runs in its own thread, so it has its own database connection,
and gets its own local-memory cache, as a separate gunicorn process would.
"""

from __future__ import annotations

import threading

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test import Client

from onestop.identity import throttle

ADDRESS = "192.0.2.140"


def token_attempts(usernames: list[str]) -> list[dict]:
    """Send one failed token request per user name, from ADDRESS, and return the bodies."""
    client = Client()
    bodies = []
    for username in usernames:
        response = client.post(
            "/api/v1/auth/token",
            {"username": username, "password": "wrong"},
            content_type="application/json",
            REMOTE_ADDR=ADDRESS,
            HTTP_ACCEPT_LANGUAGE="en",
        )
        bodies.append({"status": response.status_code, **response.json()})
    return bodies


def in_worker(name: str, monkeypatch, usernames: list[str]) -> list[dict]:
    """Run the attempts in a thread with its own connection and its own local cache."""
    monkeypatch.setattr(
        throttle, "cache", LocMemCache(f"worker-{name}", {}), raising=False
    )
    results: list[dict] = []

    def run() -> None:
        try:
            results.extend(token_attempts(usernames))
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=f"worker-{name}")
    thread.start()
    thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_lock_counts_attempts_of_all_workers(monkeypatch, settings):
    # Six failures from one address across user names reach this lowered address limit.
    settings.ONESTOP_SIGN_IN_FAILURES_PER_ADDRESS = 5
    first = in_worker("a", monkeypatch, ["nobody-1", "nobody-2", "nobody-3"])
    second = in_worker("b", monkeypatch, ["nobody-4", "nobody-5", "nobody-6"])

    assert [body["status"] for body in first] == [401, 401, 401]
    assert [body["status"] for body in second[:2]] == [401, 401]
    assert second[2]["status"] == 429
    assert second[2]["code"] == "auth.too_many_attempts"
    assert second[2]["message"] == (
        "Too many failed sign-in attempts for this account or from this address. "
        "Wait 15 minutes and try again, or ask the service centre to reset the password."
    )
