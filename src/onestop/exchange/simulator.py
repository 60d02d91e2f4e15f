"""A department system simulator for tests, benchmarks and the demo (`onestop dept-sim`).

It receives envelopes over HTTP (POST /envelopes), optionally from AMQP queues, and
by polling OneStop's pull endpoint for pull departments. It checks each envelope's
signature against the key set that OneStop publishes at /.well-known/onestop-keys.json,
and replies after a delay with signed callbacks: "received", then a decision. An
approval carries the certificate face values that the envelope marks as needed.
Faults can be injected: 503 responses to the first N envelopes, or for a share of
envelopes a 503 response, a response held past the client's timeout, or a malformed
callback.

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
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from onestop.core.logging import get_logger
from onestop.core.signing import verify_document
from onestop.exchange.signatures import request_document, sign_as_department
from onestop.identity.codes import id_check_digit, uscc_check_character

log = get_logger(__name__)

CALLBACK_NAMESPACE = uuid.UUID("6f2f3f43-5d1e-4c35-9a34-1f0f6a0d9b21")
DECISIONS = ("approve", "deny", "correction", "mixed")
FAULTS = ("none", "503", "timeout", "malformed")
MAX_ENVELOPE_BYTES = 8 * 1024 * 1024
CALLBACK_ATTEMPTS = 5
# Bounds of the time between two polls of the pull endpoint, in seconds.
MIN_PULL_INTERVAL = 0.2
MAX_PULL_INTERVAL = 300.0
# A resident ID number and a USCC with valid check characters, for the face fields and
# holders that the envelope gives no value for.
SAMPLE_ID_NUMBER = "44060419850315002" + id_check_digit("44060419850315002")
SAMPLE_USCC = "91440604MA4W00001" + uscc_check_character("91440604MA4W00001")
# Text face values end with this mark, so a simulated certificate shows where its
# values came from.
SIMULATED_MARK = "（模拟）"


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
    # Pull departments to poll for: department id -> USCC. The USCC picks the key, as
    # for callbacks: the HMAC secret for those in `hmac_departments`, else Ed25519.
    pull_departments: dict[int, str] = field(default_factory=dict)
    pull_interval: float = 2.0
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
    polls: int = 0
    polls_failed: int = 0
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
            "polls": self.polls,
            "polls_failed": self.polls_failed,
        }


class _PullFailed(Exception):
    """A poll of the pull endpoint that did not return 200."""


class DepartmentSimulator:
    """The simulator: an HTTP server, optional AMQP consumers and a callback sender."""

    def __init__(self, settings: SimulatorSettings) -> None:
        if settings.decision not in DECISIONS:
            raise ValueError(f"decision must be one of {DECISIONS}")
        if settings.fault not in FAULTS:
            raise ValueError(f"fault must be one of {FAULTS}")
        if not MIN_PULL_INTERVAL <= settings.pull_interval <= MAX_PULL_INTERVAL:
            raise ValueError(
                f"pull_interval must be between {MIN_PULL_INTERVAL} and "
                f"{MAX_PULL_INTERVAL} seconds"
            )
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
        # Pull departments whose last poll failed, so that a failure is logged once.
        self._failing_pulls: set[int] = set()

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
        if self.settings.pull_departments:
            self._spawn(self._poll_pull_departments, "dept-sim-pull")
        log.info(
            "dept_sim.started",
            port=self.port,
            amqp_queues=len(self.settings.amqp_queues),
            pull_departments=len(self.settings.pull_departments),
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

    def _sign(
        self, document: dict[str, Any], *, department_uscc: str | None = None
    ) -> dict[str, str]:
        uscc = department_uscc or document["department_uscc"]
        if uscc in self.settings.hmac_departments:
            return sign_as_department(document, secret=self.settings.hmac_secret)
        return sign_as_department(document, private_key=self.settings.ed25519_seed)

    # --- pull departments ---------------------------------------------------------

    def _poll_pull_departments(self) -> None:
        # The first poll waits one interval too, because `onestop serve` starts the
        # simulator before its own server listens.
        while not self.stopping.wait(self.settings.pull_interval):
            for department_id, uscc in sorted(self.settings.pull_departments.items()):
                if self.stopping.is_set():
                    return
                self._pull_once(department_id, uscc)

    def _pull_once(self, department_id: int, uscc: str) -> None:
        """Fetch the department's waiting envelopes, take each and acknowledge them."""
        base = f"/api/v1/exchange/pull/{department_id}"
        try:
            response = self._pull_request("GET", f"{base}/envelopes", uscc)
            messages = response.json()["envelopes"]
            accepted_ids = []
            for message in messages:
                status, envelope_id = self.take_envelope(message)
                if status == 202:
                    accepted_ids.append(envelope_id)
            if accepted_ids:
                body = json.dumps({"envelope_ids": accepted_ids}).encode()
                self._pull_request("POST", f"{base}/ack", uscc, body)
        except _PullFailed as failure:
            self._note_pull(department_id, failure=str(failure))
        except (ValueError, KeyError, TypeError) as error:
            self._note_pull(department_id, failure=f"unreadable answer: {error}")
        else:
            self._note_pull(department_id, failure=None)

    def _pull_request(
        self, method: str, path: str, uscc: str, body: bytes = b""
    ) -> httpx.Response:
        """Send one signed pull request and return its 200 response, or raise _PullFailed."""
        timestamp = datetime.now(UTC).isoformat()
        signature = self._sign(
            request_document(method, path, timestamp, body), department_uscc=uscc
        )
        headers = {
            "X-OneStop-Timestamp": timestamp,
            "X-OneStop-Key-Id": signature["kid"],
            "X-OneStop-Signature": signature["sig"],
            "Content-Type": "application/json",
        }
        url = self.settings.onestop_url.rstrip("/") + path
        try:
            response = self._http.request(method, url, content=body, headers=headers)
        except httpx.HTTPError as error:
            raise _PullFailed(f"{method} {path}: {type(error).__name__}") from error
        if response.status_code != 200:
            raise _PullFailed(
                f"{method} {path}: HTTP {response.status_code} {_error_code(response)}"
            )
        return response

    def _note_pull(self, department_id: int, *, failure: str | None) -> None:
        """Count a poll, and log a department's failures once until a poll succeeds."""
        with self.lock:
            self.counters.polls += 1
            if failure is not None:
                self.counters.polls_failed += 1
        if failure is None:
            if department_id in self._failing_pulls:
                self._failing_pulls.discard(department_id)
                log.info("dept_sim.pull_recovered", department_id=department_id)
        elif department_id not in self._failing_pulls:
            self._failing_pulls.add(department_id)
            log.warning(
                "dept_sim.pull_failed", department_id=department_id, error=failure
            )

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


def _error_code(response: httpx.Response) -> str:
    try:
        return str(response.json().get("code", ""))
    except (ValueError, AttributeError):
        return ""


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
        callback["result"] = _approval_result(envelope)
    elif status == "denied":
        callback["opinion"] = "经审查，申请材料不符合法定条件"
    elif status == "correction_needed":
        callback["items"] = [{"note": "请补充提交经营场所平面图"}]
    return callback


def _approval_result(envelope: dict[str, Any]) -> dict[str, Any]:
    """Return the result of an approval: a licence number, and the certificate's values.

    The envelope's `result` marks the face fields that OneStop cannot fill as `needed`,
    and requests `holder_code` when it cannot tell the organisation that holds the
    certificate.
    """
    result: dict[str, Any] = {"licence_number": f"SIM-{envelope['case']['number']}"}
    requested = envelope.get("result") or {}
    face = {
        field["key"]: _plausible_face_value(field, envelope)
        for field in requested.get("face_fields") or []
        if field.get("needed")
    }
    if face:
        result["face"] = face
    if requested.get("holder_code_needed"):
        result["holder_code"] = SAMPLE_USCC
    return result


def _plausible_face_value(field: dict[str, Any], envelope: dict[str, Any]) -> str:
    """Return a value of the field's type that passes OneStop's face checks."""
    kind = field.get("type")
    applicant = envelope.get("applicant") or {}
    if field.get("choices"):
        return str(field["choices"][0])
    if kind == "date":
        if "birth" in field["key"]:
            return "1985-03-15"
        # Dates that a department sets on a licence, such as a deadline or the end of
        # a term, lie ahead.
        return (date.today() + timedelta(days=365)).isoformat()
    if kind == "id_number":
        person = applicant.get("person") or {}
        if "id_number" in person.get("masked", ["id_number"]):
            return SAMPLE_ID_NUMBER
        return str(person.get("id_number") or SAMPLE_ID_NUMBER)
    if kind == "uscc":
        enterprise = applicant.get("enterprise") or {}
        return str(enterprise.get("uscc") or SAMPLE_USCC)
    label = str(field.get("label") or field["key"])
    maximum = int(field.get("max_length") or 200)
    return (label + SIMULATED_MARK)[:maximum]


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
