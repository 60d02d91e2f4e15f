"""A department system simulator for tests, benchmarks and the demo (`onestop dept-sim`).

It receives envelopes over HTTP (POST /envelopes) and, optionally, from AMQP queues,
checks each envelope's signature against the key set that OneStop publishes at
/.well-known/onestop-keys.json, and replies after a delay with signed callbacks:
"received", then a decision. Faults can be injected: 503 responses to the first N
envelopes, or for a share of envelopes a 503 response, a response held past the
client's timeout, or a malformed callback.

Callback ids are derived from the envelope id and the status (UUID version 5), so an
envelope delivered twice gets the same callbacks, which OneStop applies
once. GET /stats returns the counters.
"""

from __future__ import annotations

import hashlib
import json
import queue
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from onestop.core.logging import get_logger
from onestop.core.signing import verify_document
from onestop.exchange.signatures import sign_as_department

log = get_logger(__name__)

CALLBACK_NAMESPACE = uuid.UUID("6f2f3f43-5d1e-4c35-9a34-1f0f6a0d9b21")
DECISIONS = ("approve", "deny", "correction", "mixed")
FAULTS = ("none", "503", "timeout", "malformed")
MAX_ENVELOPE_BYTES = 8 * 1024 * 1024
CALLBACK_ATTEMPTS = 5


@dataclass
class SimulatorSettings:
    """Settings of the simulator. Times are in seconds."""

    onestop_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = 8701
    delay: float = 0.0
    decision: str = "approve"
    send_received: bool = True
    fail_first: int = 0
    fault: str = "none"
    fault_rate: float = 0.0
    hang_seconds: float = 15.0
    ed25519_seed: bytes | None = None
    hmac_secret: str | None = None
    hmac_departments: set[str] = field(default_factory=set)
    amqp_url: str = ""
    amqp_queues: list[str] = field(default_factory=list)
    # The key set to start with, in the form of /.well-known/onestop-keys.json; the
    # simulator fetches the set again when an envelope names an unknown key id.
    initial_keys: dict[str, Any] = field(default_factory=lambda: {"keys": []})


@dataclass
class Counters:
    envelopes: int = 0
    duplicates: int = 0
    rejected: int = 0
    faults: int = 0
    callbacks_sent: int = 0
    callbacks_failed: int = 0
    seen: set[str] = field(default_factory=set)

    def as_dict(self) -> dict[str, int]:
        return {
            "envelopes": self.envelopes,
            "unique_envelopes": len(self.seen),
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "faults": self.faults,
            "callbacks_sent": self.callbacks_sent,
            "callbacks_failed": self.callbacks_failed,
        }


class DepartmentSimulator:
    """The simulator: an HTTP server, optional AMQP consumers and a callback sender."""

    def __init__(self, settings: SimulatorSettings) -> None:
        if settings.decision not in DECISIONS:
            raise ValueError(f"decision must be one of {DECISIONS}")
        if settings.fault not in FAULTS:
            raise ValueError(f"fault must be one of {FAULTS}")
        self.settings = settings
        self.counters = Counters()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.outgoing: queue.Queue[tuple[float, dict[str, Any], str]] = queue.Queue()
        self._keys: dict[str, Any] = settings.initial_keys
        self._server = ThreadingHTTPServer(
            (settings.host, settings.port), _handler_for(self)
        )
        self._server.daemon_threads = True
        self._threads: list[threading.Thread] = []
        self._http = httpx.Client(timeout=10.0, follow_redirects=False)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def endpoint(self) -> str:
        return f"http://{self.settings.host}:{self.port}/envelopes"

    def start(self) -> DepartmentSimulator:
        """Start serving and sending in background threads."""
        self._spawn(self._server.serve_forever, "dept-sim-http")
        self._spawn(self._send_callbacks, "dept-sim-callbacks")
        for name in self.settings.amqp_queues:
            self._spawn(
                lambda name=name: self._consume_amqp(name), f"dept-sim-amqp-{name}"
            )
        log.info(
            "dept_sim.started",
            port=self.port,
            amqp_queues=len(self.settings.amqp_queues),
        )
        return self

    def stop(self) -> None:
        """Stop every thread, waiting at most a few seconds for each. A second call does nothing."""
        if self.stopping.is_set():
            return
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._http.close()
        log.info("dept_sim.stopped", **self.counters.as_dict())

    def _spawn(self, target: Any, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    # --- receiving ---------------------------------------------------------------

    def take_envelope(self, message: dict[str, Any]) -> tuple[int, str]:
        """Check one envelope message and schedule its callbacks. Return (HTTP status, text)."""
        with self.lock:
            self.counters.envelopes += 1
            fault = self._fault()
        if fault == "503":
            return 503, "simulated outage"
        if fault == "timeout":
            self.stopping.wait(self.settings.hang_seconds)
            return 503, "simulated timeout"
        envelope = message.get("envelope") if isinstance(message, dict) else None
        if not isinstance(envelope, dict) or not self._verified(message):
            with self.lock:
                self.counters.rejected += 1
            return 400, "envelope signature invalid"
        envelope_id = str(envelope.get("envelope_id"))
        with self.lock:
            if envelope_id in self.counters.seen:
                self.counters.duplicates += 1
            self.counters.seen.add(envelope_id)
        due = time.monotonic() + self.settings.delay
        for callback in self._callbacks_for(envelope):
            self.outgoing.put((due, callback, fault))
        return 202, envelope_id

    def _fault(self) -> str:
        if self.counters.envelopes <= self.settings.fail_first:
            self.counters.faults += 1
            return "503"
        if self.settings.fault != "none" and random.random() < self.settings.fault_rate:  # noqa: S311
            self.counters.faults += 1
            return self.settings.fault
        return "none"

    def _verified(self, message: dict[str, Any]) -> bool:
        envelope, signature = message.get("envelope"), message.get("signature")
        if not isinstance(signature, dict):
            return False
        known = {entry["kid"] for entry in self._keys["keys"]}
        if signature.get("kid") not in known:
            self._keys = self._fetch_keys()
        return verify_document(envelope, signature, self._keys)

    def _fetch_keys(self) -> dict[str, Any]:
        url = self.settings.onestop_url.rstrip("/") + "/.well-known/onestop-keys.json"
        try:
            return self._http.get(url).raise_for_status().json()
        except (httpx.HTTPError, ValueError) as error:
            log.warning("dept_sim.keys_unavailable", error=type(error).__name__)
            return self._keys

    # --- callbacks -----------------------------------------------------------------

    def _callbacks_for(self, envelope: dict[str, Any]) -> list[dict[str, Any]]:
        decision = self.settings.decision
        if decision == "mixed":
            decision = _mixed_decision(envelope["case"]["number"])
        statuses = {
            "approve": "approved",
            "deny": "denied",
            "correction": "correction_needed",
        }
        replies = [statuses[decision]]
        if self.settings.send_received:
            replies.insert(0, "received")
        return [_callback(envelope, status) for status in replies]

    def _send_callbacks(self) -> None:
        while not self.stopping.is_set():
            try:
                due, callback, fault = self.outgoing.get(timeout=0.2)
            except queue.Empty:
                continue
            wait = due - time.monotonic()
            if wait > 0 and self.stopping.wait(wait):
                return
            self._post_callback(callback, malformed=fault == "malformed")

    def _post_callback(self, callback: dict[str, Any], *, malformed: bool) -> None:
        message = {"callback": callback, "signature": self._sign(callback)}
        body = json.dumps(message, ensure_ascii=False).encode()
        if malformed:
            body = body[: len(body) // 2]
        url = self.settings.onestop_url.rstrip("/") + "/api/v1/exchange/callbacks"
        for attempt in range(CALLBACK_ATTEMPTS):
            try:
                response = self._http.post(
                    url, content=body, headers={"Content-Type": "application/json"}
                )
            except httpx.HTTPError as error:
                log.warning(
                    "dept_sim.callback_failed",
                    attempt=attempt,
                    error=type(error).__name__,
                )
            else:
                if response.status_code < 500:
                    self._count_callback(response.status_code == 200)
                    return
                log.warning(
                    "dept_sim.callback_failed",
                    attempt=attempt,
                    status=response.status_code,
                )
            if self.stopping.wait(0.2 * 2**attempt):
                return
        self._count_callback(False)

    def _count_callback(self, ok: bool) -> None:
        with self.lock:
            if ok:
                self.counters.callbacks_sent += 1
            else:
                self.counters.callbacks_failed += 1

    def _sign(self, callback: dict[str, Any]) -> dict[str, str]:
        if callback["department_uscc"] in self.settings.hmac_departments:
            return sign_as_department(callback, secret=self.settings.hmac_secret)
        return sign_as_department(callback, private_key=self.settings.ed25519_seed)

    # --- AMQP --------------------------------------------------------------------

    def _consume_amqp(self, queue_name: str) -> None:
        from onestop.exchange.connectors.amqp import open_connection, pika

        while not self.stopping.is_set():
            try:
                connection = open_connection(self.settings.amqp_url, timeout=5.0)
                self._poll_queue(connection, queue_name)
            except pika.exceptions.AMQPError as error:
                log.warning(
                    "dept_sim.amqp_failed", queue=queue_name, error=type(error).__name__
                )
                self.stopping.wait(1.0)

    def _poll_queue(self, connection: Any, queue_name: str) -> None:
        import pika

        channel = connection.channel()
        channel.queue_declare(queue=queue_name, durable=True)
        try:
            while not self.stopping.is_set():
                method, properties, body = channel.basic_get(queue_name, auto_ack=False)
                if method is None:
                    connection.sleep(0.1)
                    continue
                try:
                    message = json.loads(body)
                except ValueError:
                    message = {}
                status, _text = self.take_envelope(message)
                if status == 202 and properties.reply_to:
                    self._reply_amqp(
                        channel, message["envelope"], properties.reply_to, pika
                    )
                channel.basic_ack(method.delivery_tag)
        finally:
            connection.close()

    def _reply_amqp(
        self, channel: Any, envelope: dict[str, Any], reply_to: str, pika: Any
    ) -> None:
        # AMQP departments reply on the reply queue instead of the HTTP callback.
        for callback in self._callbacks_for(envelope):
            message = {"callback": callback, "signature": self._sign(callback)}
            channel.queue_declare(queue=reply_to, durable=True)
            channel.basic_publish(
                "",
                reply_to,
                json.dumps(message, ensure_ascii=False).encode(),
                pika.BasicProperties(content_type="application/json", delivery_mode=2),
            )
            self._count_callback(True)


def _mixed_decision(case_number: str) -> str:
    """Pick a decision from the case number: about 10 % denials, 10 % corrections."""
    first_byte = hashlib.sha256(case_number.encode()).digest()[0]
    if first_byte < 26:
        return "deny"
    if first_byte < 52:
        return "correction"
    return "approve"


def _callback(envelope: dict[str, Any], status: str) -> dict[str, Any]:
    envelope_id = str(envelope["envelope_id"])
    callback: dict[str, Any] = {
        "callback_id": str(uuid.uuid5(CALLBACK_NAMESPACE, f"{envelope_id}:{status}")),
        "envelope_id": envelope_id,
        "case_number": envelope["case"]["number"],
        "department_uscc": envelope["department"]["uscc"],
        "status": status,
        "sent_at": datetime.now(UTC).isoformat(),
    }
    if status == "approved":
        callback["opinion"] = "符合条件，准予许可"
        callback["result"] = {"licence_number": f"SIM-{envelope['case']['number']}"}
    elif status == "denied":
        callback["opinion"] = "经审查，申请材料不符合法定条件"
    elif status == "correction_needed":
        callback["items"] = [{"note": "请补充提交经营场所平面图"}]
    return callback


def _handler_for(simulator: DepartmentSimulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/stats":
                self._reply(404, {"error": "not found"})
                return
            with simulator.lock:
                self._reply(200, simulator.counters.as_dict())

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if self.path != "/envelopes" or length > MAX_ENVELOPE_BYTES:
                self._reply(
                    404 if self.path != "/envelopes" else 413, {"error": "rejected"}
                )
                return
            try:
                message = json.loads(self.rfile.read(length))
            except ValueError:
                message = {}
            status, text = simulator.take_envelope(message)
            self._reply(status, {"detail": text})

        def _reply(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its timeout), which is the point of the fault

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler
