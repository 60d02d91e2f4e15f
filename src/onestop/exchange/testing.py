"""Helpers for exchange tests: department keys, accepted cases and a recording HTTP server."""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from onestop.cases.models import Case
from onestop.catalog.models import Matter
from onestop.core.models import Department
from onestop.core.signing import b64url_encode
from onestop.exchange.harness import wait_until
from onestop.exchange.models import ConnectorConfig, Envelope
from onestop.exchange.signatures import sign_as_department
from onestop.exchange.simulator import DepartmentSimulator
from onestop.testing import material_files, valid_form

FOOD = "food-business-licence"


@dataclass
class DepartmentKey:
    """An Ed25519 key pair of a simulated department system."""

    seed: bytes = field(
        default_factory=lambda: Ed25519PrivateKey.generate().private_bytes_raw()
    )

    @property
    def public_key(self) -> str:
        private_key = Ed25519PrivateKey.from_private_bytes(self.seed)
        return b64url_encode(private_key.public_key().public_bytes_raw())


def configure(
    department: Department, kind: str, key: DepartmentKey, **fields: Any
) -> ConnectorConfig:
    """Set a department's connector to `kind`, signed with `key` unless `fields` override it."""
    values = {"centre": department.centre, "kind": kind, "public_key": key.public_key}
    values.update(fields)
    config, _created = ConnectorConfig.objects.update_or_create(
        department=department, defaults=values
    )
    return config


def accept_food_case(demo: Any, *, key: str | None = None) -> Case:
    """File a food business licence application online and accept it at the window."""
    return accept_case(demo, FOOD, key=key)


def accept_case(
    demo: Any,
    pack_id: str,
    *,
    key: str | None = None,
    form: dict[str, str] | None = None,
) -> Case:
    """File an application of the matter online and accept it at the window.

    `form` gives the values of the fields that `valid_form` has no sample for, such as
    a field with a pattern, by field key.
    """
    matter = Matter.objects.get(centre=demo.centre, pack_id=pack_id)
    data = {"centre": demo.centre.slug, "matter": pack_id}
    data.update(valid_form(matter))
    data.update({f"field.{name}": value for name, value in (form or {}).items()})
    data.update(material_files(matter))
    response = demo.client("applicant").post(
        "/api/v1/cases", data, headers={"Idempotency-Key": key or uuid.uuid4().hex}
    )
    if response.status_code != 201:
        raise AssertionError(f"application failed: {response.content!r}")
    number = response.json()["number"]
    response = demo.client("clerk").post(
        f"/api/v1/cases/{number}/accept", {}, content_type="application/json"
    )
    if response.status_code != 200:
        raise AssertionError(f"acceptance failed: {response.content!r}")
    return Case.objects.get(number=number)


def callback_for(envelope: Envelope, status: str, **fields: Any) -> dict[str, Any]:
    """Build an unsigned callback document that replies to an envelope."""
    callback: dict[str, Any] = {
        "callback_id": str(uuid.uuid4()),
        "envelope_id": str(envelope.pk),
        "case_number": envelope.case.number,
        "department_uscc": envelope.department.uscc,
        "status": status,
        "sent_at": datetime.now(UTC).isoformat(),
    }
    if status == "approved":
        callback.update(
            opinion="准予许可", result={"licence_number": "JY1440604000001"}
        )
    if status == "denied":
        callback["opinion"] = "不符合条件"
    if status == "correction_needed":
        callback["items"] = [{"note": "补充平面图"}]
    callback.update(fields)
    return callback


def signed(
    callback: dict[str, Any],
    key: DepartmentKey | None = None,
    *,
    secret: str | None = None,
) -> bytes:
    """Return the JSON body of a callback signed with an Ed25519 key or an HMAC secret."""
    if secret is not None:
        signature = sign_as_department(callback, secret=secret)
    elif key is not None:
        signature = sign_as_department(callback, private_key=key.seed)
    else:
        raise ValueError("pass key or secret")
    return json.dumps({"callback": callback, "signature": signature}).encode()


def wait_for_callbacks(
    simulator: DepartmentSimulator, count: int, *, timeout: float = 30.0
) -> None:
    """Wait until the simulator has sent `count` callbacks or given up on them.

    Raise TimeoutError after `timeout` seconds. The wait reads only the simulator's
    counters, not the database, which a live test server may be using.
    """
    counters = simulator.counters
    wait_until(
        lambda: counters.callbacks_sent + counters.callbacks_failed >= count,
        timeout=timeout,
    )


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: bytes


class RecordingServer:
    """A real HTTP server on 127.0.0.1 that records requests and replies from a script.

    `responses` is a list of (status, headers, delay seconds) used in order; the last
    one repeats.
    """

    def __init__(
        self, responses: list[tuple[int, dict[str, str], float]] | None = None
    ) -> None:
        self.responses = responses or [(202, {}, 0.0)]
        self.requests: list[Recorded] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> RecordingServer:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def _next_response(self) -> tuple[int, dict[str, str], float]:
        with self.lock:
            index = min(len(self.requests) - 1, len(self.responses) - 1)
            return self.responses[index]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with recorder.lock:
                    recorder.requests.append(
                        Recorded(self.path, dict(self.headers), body)
                    )
                status, headers, delay = recorder._next_response()
                time.sleep(delay)
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler
