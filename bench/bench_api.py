"""Benchmark case acceptance through the HTTP API against a bare insert and pgbench.

Usage (from the repository root, with PostgreSQL on 127.0.0.1:5432, trust auth):

    .venv/bin/python bench/bench_api.py

The script creates its own database (onestop_bench by default), runs `onestop migrate`
and `onestop demo`, and serves bench.settings_bench with `onestop serve --no-worker`
(waitress) in a subprocess. Each repeat then measures, on the same database and server:

- pgbench: `pgbench -n -f insert.sql -T <duration> -c <clients>` inserting one row into
  the one-table schema `bench_row`;
- bare: POST /bench/rows, a Django Ninja endpoint that inserts one row into `bench_row`;
- full: POST /api/v1/cases/window, one accepted case per request (validation, case row,
  paper submissions, CaseEvent, ledger entry, and the outbox rows of the department
  dispatch and of the receipt), with a clerk's bearer token;
- p50 and p99 latency of both endpoints under a paced (open-loop) load at 70 % of the
  rate that the same repeat sustained.

The closed-loop phases keep <clients> requests in flight, and record the CPU time of
the server, of this process and of the machine, and the PostgreSQL sessions that wait
on a lock. The web worker's peak RSS is sampled with psutil. Afterwards, a short
in-process profile of the full path counts its SQL statements and lists the functions
that cost the most. The server runs without an outbox worker, so the script then runs
the receipt handler of the outbox worker in-process on the profiled cases and times
it. Every accepted response is checked against the database. The
script prints summary tables of medians over the repeats, drops the database at the
end, and exits with 1 if the check found a case without its records.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx
import psutil

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MATTER = "food-business-licence"
CENTRE_REGION = "440604"
APPLICANT_ID_NUMBER = "440604198503150024"
CLERK = "clerk"
PACKAGES = ("django", "django-ninja", "waitress", "httpx", "psycopg")
MAX_PHASE_SECONDS = 60
MAX_RUN_SECONDS = 600
PACED_OVERRUN_SECONDS = 10
REQUEST_TIMEOUT_SECONDS = 10
SETUP_SECONDS = 60
BENCH_TABLE_SQL = (
    "CREATE TABLE bench_row ("
    " id bigserial PRIMARY KEY,"
    " payload text NOT NULL,"
    " created_at timestamptz NOT NULL DEFAULT now())"
)


@dataclass
class Target:
    """One endpoint to load: its path, request body and headers."""

    name: str
    path: str
    body: bytes
    headers: dict[str, str]
    idempotency: bool = False

    def request_headers(self) -> dict[str, str]:
        if not self.idempotency:
            return self.headers
        return {**self.headers, "Idempotency-Key": uuid.uuid4().hex}


@dataclass
class LoadResult:
    """Counts and latencies of one load phase."""

    ok: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    service_times: list[float] = field(default_factory=list)
    first_error: str = ""

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0


@dataclass
class Server:
    """The `onestop serve` subprocess and the peak RSS sampled while it runs."""

    process: subprocess.Popen[bytes]
    url: str
    peak_rss: int = 0
    stop_sampling: threading.Event = field(default_factory=threading.Event)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--duration", type=float, default=20, help="seconds of each measured phase"
    )
    parser.add_argument(
        "--warmup", type=float, default=3, help="seconds of load before each phase"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="repeats of every measure"
    )
    parser.add_argument(
        "--clients", type=int, default=4, help="requests in flight (and pgbench -c)"
    )
    parser.add_argument("--threads", type=int, default=4, help="waitress threads")
    parser.add_argument(
        "--body",
        choices=("json", "multipart"),
        default="json",
        help="how the window request is encoded (the API takes both)",
    )
    parser.add_argument(
        "--load-fraction",
        type=float,
        default=0.7,
        help="paced rate as a fraction of the sustained rate",
    )
    parser.add_argument(
        "--profile-requests",
        type=int,
        default=30,
        help="full-path requests profiled in-process (0 skips the profile)",
    )
    parser.add_argument("--database", default="onestop_bench")
    parser.add_argument("--pg-host", default="127.0.0.1")
    parser.add_argument("--pg-port", type=int, default=5432)
    parser.add_argument("--pg-user", default="postgres")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument(
        "--keep-database", action="store_true", help="do not drop the database"
    )
    arguments = parser.parse_args()
    check_bounds(arguments, parser)
    return arguments


def check_bounds(
    arguments: argparse.Namespace, parser: argparse.ArgumentParser
) -> None:
    """Reject phases over MAX_PHASE_SECONDS and runs estimated over MAX_RUN_SECONDS."""
    # A paced phase may run past --duration by its overrun and one request timeout.
    longest = MAX_PHASE_SECONDS - PACED_OVERRUN_SECONDS - REQUEST_TIMEOUT_SECONDS
    if not 0 < arguments.duration <= longest:
        parser.error(f"--duration must be more than 0 and at most {longest} s")
    if not 0 < arguments.warmup <= arguments.duration:
        parser.error("--warmup must be more than 0 and at most --duration")
    if arguments.pg_host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("--pg-host must be a loopback address: the benchmark is local")
    if arguments.repeat < 1 or arguments.clients < 1 or arguments.threads < 1:
        parser.error("--repeat, --clients and --threads must be at least 1")
    estimate = estimated_seconds(arguments)
    if estimate > MAX_RUN_SECONDS:
        parser.error(
            f"the run would take about {estimate:.0f} s, over {MAX_RUN_SECONDS} s: "
            "lower --duration or --repeat"
        )


def estimated_seconds(arguments: argparse.Namespace) -> float:
    """Estimate the run's wall time from the phase lengths, with measured setup time."""
    phases = 5 * arguments.duration + 4 * arguments.warmup
    return (
        SETUP_SECONDS
        + arguments.repeat * (phases + 5)
        + 0.3 * arguments.profile_requests
    )


def bench_environment(arguments: argparse.Namespace, var_dir: Path) -> dict[str, str]:
    """Return the environment of the server, the commands and this process's Django."""
    environment = dict(os.environ)
    environment.update(
        DATABASE_URL=database_url(arguments),
        DJANGO_SETTINGS_MODULE="bench.settings_bench",
        PYTHONPATH=os.pathsep.join([str(REPO), str(REPO / "src")]),
        ONESTOP_VAR_DIR=str(var_dir),
        ONESTOP_SECRET_KEY=secrets.token_urlsafe(40),
        ONESTOP_RUN_WORKER_IN_PROCESS="0",
        ONESTOP_LOG_LEVEL=os.environ.get("ONESTOP_LOG_LEVEL", "INFO"),
    )
    return environment


def database_url(arguments: argparse.Namespace) -> str:
    user, host, port = arguments.pg_user, arguments.pg_host, arguments.pg_port
    return f"postgres://{user}@{host}:{port}/{arguments.database}"


def admin_connection(arguments: argparse.Namespace) -> Any:
    import psycopg

    return psycopg.connect(
        host=arguments.pg_host,
        port=arguments.pg_port,
        user=arguments.pg_user,
        dbname="postgres",
        autocommit=True,
        connect_timeout=5,
    )


def create_database(arguments: argparse.Namespace) -> str:
    """Create an empty UTF-8 database for the run and return the server's version."""
    name = arguments.database
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(
            f"--database {name!r} is invalid: use lower-case letters, digits and _"
        )
    with admin_connection(arguments) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(
            f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
            "LC_CTYPE 'C.UTF-8' LC_COLLATE 'C.UTF-8'"
        )
        return str(connection.execute("SHOW server_version").fetchone()[0])


def drop_database(arguments: argparse.Namespace) -> None:
    with admin_connection(arguments) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {arguments.database} WITH (FORCE)")


def run_command(arguments: list[str], environment: dict[str, str], log: Path) -> float:
    """Run one `onestop` command with its output appended to `log`, and time it."""
    started = time.perf_counter()
    with log.open("ab") as output:
        subprocess.run(  # noqa: S603
            [str(BIN / "onestop"), *arguments],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            check=True,
            timeout=300,
        )
    return time.perf_counter() - started


def prepare_schema(environment: dict[str, str], log: Path) -> dict[str, float]:
    """Migrate, provision the demo centre and create the bare endpoint's table."""
    import psycopg

    timings = {
        "migrate_s": run_command(["migrate", "--no-input"], environment, log),
        "demo_s": run_command(["demo"], environment, log),
    }
    with psycopg.connect(environment["DATABASE_URL"], autocommit=True) as connection:
        connection.execute(BENCH_TABLE_SQL)
    return timings


def setup_django(environment: dict[str, str]) -> None:
    """Configure Django in this process on the benchmark's database and settings."""
    import logging

    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "ONESTOP_VAR_DIR"):
        os.environ[name] = environment[name]
    os.environ["ONESTOP_SECRET_KEY"] = environment["ONESTOP_SECRET_KEY"]
    os.environ["ONESTOP_LOG_LEVEL"] = "WARNING"
    sys.path[:0] = [str(REPO), str(REPO / "src")]
    import django

    django.setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)


def window_form() -> tuple[str, list[tuple[str, str]]]:
    """Return the demo centre's slug and the fields of one valid window application."""
    from onestop.catalog.models import Matter
    from onestop.testing import valid_form

    matter = Matter.objects.select_related("centre").get(
        pack_id=MATTER, centre__region_code=CENTRE_REGION
    )
    fields = [
        ("centre", matter.centre.slug),
        ("matter", matter.pack_id),
        ("id_number", APPLICANT_ID_NUMBER),
        ("window", "1"),
        *valid_form(matter).items(),
    ]
    for material in matter.current_version.guide.materials:
        fields.append((f"check.{material['key']}.original_seen", "on"))
    return matter.centre.slug, fields


def multipart(fields: list[tuple[str, str]]) -> tuple[bytes, str]:
    """Encode text fields as multipart/form-data and return the body and content type."""
    boundary = f"onestop-bench-{secrets.token_hex(8)}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        f"{value}\r\n"
        for name, value in fields
    ]
    body = ("".join(parts) + f"--{boundary}--\r\n").encode()
    return body, f"multipart/form-data; boundary={boundary}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(
    environment: dict[str, str], threads: int, log: Path, timeout: float = 30
) -> Server:
    """Start `onestop serve --no-worker` and wait until /healthz responds with 200."""
    port = free_port()
    with log.open("ab") as output:
        process = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "onestop"),
                "serve",
                "--no-worker",
                *("--port", str(port), "--threads", str(threads)),
            ],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server(process=process, url=f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}, see {log}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{server.url}/healthz", timeout=2).status_code == 200:
                threading.Thread(target=sample_rss, args=(server,), daemon=True).start()
                return server
        time.sleep(0.2)
    stop_server(server)
    raise SystemExit(
        f"the server did not respond to /healthz within {timeout} s, see {log}"
    )


def sample_rss(server: Server, interval: float = 0.1) -> None:
    """Record the server's peak resident set size until it stops."""
    process = psutil.Process(server.process.pid)
    while not server.stop_sampling.wait(interval):
        try:
            server.peak_rss = max(server.peak_rss, process.memory_info().rss)
        except psutil.NoSuchProcess:
            return


def kernel_peak_rss(pid: int) -> int | None:
    """Return VmHWM, the kernel's record of the process's peak RSS, on Linux."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return None
    match = re.search(r"^VmHWM:\s+(\d+) kB", status.read_text(), re.MULTILINE)
    return int(match.group(1)) * 1024 if match else None


def stop_server(server: Server) -> None:
    """Stop the server by its PID: SIGINT first, as Ctrl-C does, then SIGKILL."""
    server.stop_sampling.set()
    if server.process.poll() is not None:
        return
    server.process.send_signal(signal.SIGINT)
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)


def clerk_token(server: Server) -> str:
    from onestop.portal.demo import PASSWORD

    response = httpx.post(
        f"{server.url}/api/v1/auth/token",
        json={"username": CLERK, "password": PASSWORD, "name": "bench"},
        timeout=10,
    )
    response.raise_for_status()
    return str(response.json()["token"])


def send(client: httpx.Client, target: Target, result: LoadResult) -> bool:
    """Send one request, count it in `result` and return whether it succeeded."""
    try:
        response = client.post(
            target.path, content=target.body, headers=target.request_headers()
        )
    except httpx.HTTPError as error:
        result.errors += 1
        result.first_error = result.first_error or repr(error)
        return False
    if response.status_code == 201:
        result.ok += 1
        return True
    result.errors += 1
    result.first_error = result.first_error or f"{response.status_code} {response.text}"
    return False


def closed_loop(url: str, target: Target, clients: int, seconds: float) -> LoadResult:
    """Keep `clients` requests in flight for `seconds` and count the completed ones."""
    result = LoadResult()
    lock = threading.Lock()

    def client_loop(client: httpx.Client) -> None:
        own = LoadResult()
        while time.perf_counter() < deadline:
            send(client, target, own)
        with lock:
            result.ok += own.ok
            result.errors += own.errors
            result.first_error = result.first_error or own.first_error

    with open_clients(url, clients) as pool:
        started = time.perf_counter()
        deadline = started + seconds
        run_threads(client_loop, pool)
        result.seconds = time.perf_counter() - started
    return result


def paced_load(
    url: str, target: Target, rate: float, seconds: float, clients: int
) -> LoadResult:
    """Start requests on a fixed schedule of `rate` per second for `seconds`.

    Each latency runs from the scheduled start, not the actual one, so a request that
    waited for a free client thread counts its wait too. The service time runs from
    the actual start, so the two differ by the time spent behind schedule. A request
    still unsent PACED_OVERRUN_SECONDS after the phase should have ended counts as an
    error, so an overloaded server cannot stretch the phase without bound.
    """
    result = LoadResult()
    lock = threading.Lock()
    schedule = iter(range(max(1, int(rate * seconds))))

    def client_loop(client: httpx.Client) -> None:
        while True:
            with lock:
                index = next(schedule, None)
            if index is None:
                return
            if time.perf_counter() > cutoff:
                with lock:
                    result.errors += 1
                    result.first_error = result.first_error or "not sent in time"
                continue
            due = started + index / rate
            time.sleep(max(0.0, due - time.perf_counter()))
            own = LoadResult()
            sent = time.perf_counter()
            succeeded = send(client, target, own)
            done = time.perf_counter()
            with lock:
                result.ok += own.ok
                result.errors += own.errors
                result.first_error = result.first_error or own.first_error
                if succeeded:
                    result.latencies.append(done - due)
                    result.service_times.append(done - sent)

    # One thread per closed-loop client: on the 2-core machine of docs/benchmarks.md,
    # twice as many threads put the bare endpoint's schedule 170 ms behind at p50.
    with open_clients(url, clients) as pool:
        started = time.perf_counter() + 0.05
        cutoff = started + seconds + PACED_OVERRUN_SECONDS
        run_threads(client_loop, pool)
        result.seconds = time.perf_counter() - started
    return result


@contextlib.contextmanager
def open_clients(url: str, count: int) -> Iterator[list[httpx.Client]]:
    """Open `count` keep-alive HTTP clients before a phase starts its clock.

    Creating an httpx.Client takes milliseconds, so clients made inside a phase would
    put the first requests of a paced phase behind schedule.
    """
    with contextlib.ExitStack() as stack:
        yield [
            stack.enter_context(
                httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT_SECONDS)
            )
            for _ in range(count)
        ]


def run_threads(function: Any, clients: list[httpx.Client]) -> None:
    """Run `function(client)` in one thread per client and wait for all of them."""
    threads = [
        threading.Thread(target=function, args=(client,), daemon=True)
        for client in clients
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=MAX_PHASE_SECONDS + 60)


def run_pgbench(arguments: argparse.Namespace, folder: Path, seconds: float) -> float:
    """Run pgbench's one-row insert against `bench_row` and return transactions/s."""
    script = folder / "insert.sql"
    script.write_text("INSERT INTO bench_row (payload) VALUES ('pgbench');\n")
    command = [
        shutil.which("pgbench") or "pgbench",
        "-n",
        "-f",
        str(script),
        "-T",
        str(max(1, round(seconds))),
        "-c",
        str(arguments.clients),
        "-h",
        arguments.pg_host,
        "-p",
        str(arguments.pg_port),
        "-U",
        arguments.pg_user,
        arguments.database,
    ]
    completed = subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, check=True, timeout=seconds + 30
    )
    match = re.search(
        r"tps = ([\d.]+) \(without initial connection time\)", completed.stdout
    )
    if match is None:
        raise SystemExit(f"pgbench printed no tps line:\n{completed.stdout}")
    return float(match.group(1))


def percentile(values: list[float], fraction: float) -> float:
    """Return the value at `fraction` of the sorted values (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


def run_repeat(
    arguments: argparse.Namespace,
    server: Server,
    targets: dict[str, Target],
    folder: Path,
) -> tuple[dict[str, float], int]:
    """Measure every rate and latency once, and count the accepted cases."""
    analyze(arguments)
    measured = {"pgbench_tps": run_pgbench(arguments, folder, arguments.duration)}
    measured.update(measure_endpoint(arguments, server, targets["bare"])[0])
    full, accepted = measure_endpoint(arguments, server, targets["full"])
    measured.update(full)
    measured["full_over_bare"] = measured["full_rps"] / measured["bare_rps"]
    measured["bare_over_pgbench"] = measured["bare_rps"] / measured["pgbench_tps"]
    return measured, accepted


def analyze(arguments: argparse.Namespace) -> None:
    """Update the planner's statistics of the benchmark's database.

    A server with autovacuum on (PostgreSQL's default) does this as tables grow. This
    machine's server runs with autovacuum off, and without statistics the idempotency
    lookup scans every case of the applicant rather than using its unique index.
    """
    import psycopg

    with psycopg.connect(database_url(arguments), autocommit=True) as connection:
        connection.execute("ANALYZE")


def measure_endpoint(
    arguments: argparse.Namespace, server: Server, target: Target
) -> tuple[dict[str, float], int]:
    """Measure one endpoint's sustained rate, then its latency under paced load.

    Returns the measures, named after the target, and the number of 201 responses.
    """
    clients, name = arguments.clients, target.name
    warm = closed_loop(server.url, target, clients, arguments.warmup)
    meter = CpuMeter(server.process.pid)
    waits = LockWaitSampler(arguments)
    sustained = closed_loop(server.url, target, clients, arguments.duration)
    cpu = meter.cores()
    sessions = waits.stop()
    rewarm = closed_loop(server.url, target, clients, arguments.warmup)
    paced_rate = sustained.rate * arguments.load_fraction
    paced = paced_load(server.url, target, paced_rate, arguments.duration, clients)
    report_errors(name, warm, sustained, rewarm, paced)
    measured = {
        f"{name}_rps": sustained.rate,
        f"{name}_server_cpu_cores": cpu["server"],
        f"{name}_client_cpu_cores": cpu["client"],
        f"{name}_machine_cpu_cores": cpu["machine"],
        f"{name}_active_sessions": sessions["active"],
        f"{name}_lock_waiting_sessions": sessions["lock_waiting"],
        f"{name}_paced_rps": paced.rate,
        f"{name}_p50_ms": percentile(paced.latencies, 0.50) * 1000,
        f"{name}_p99_ms": percentile(paced.latencies, 0.99) * 1000,
        f"{name}_service_p50_ms": percentile(paced.service_times, 0.50) * 1000,
        f"{name}_service_p99_ms": percentile(paced.service_times, 0.99) * 1000,
        f"{name}_paced_samples": len(paced.latencies),
    }
    return measured, warm.ok + sustained.ok + rewarm.ok + paced.ok


class LockWaitSampler:
    """Sample pg_stat_activity every 50 ms: active sessions and those waiting on a lock.

    `stop()` returns the mean of each count over the samples, for the named database.
    """

    QUERY = (
        "SELECT count(*) FILTER (WHERE state = 'active'),"
        " count(*) FILTER (WHERE wait_event_type = 'Lock')"
        " FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
    )

    def __init__(self, arguments: argparse.Namespace) -> None:
        self.url = database_url(arguments)
        self.database = arguments.database
        self.samples: list[tuple[int, int]] = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()

    def sample(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            while not self.done.wait(0.05):
                row = connection.execute(self.QUERY, [self.database]).fetchone()
                if row is not None:
                    self.samples.append((int(row[0]), int(row[1])))

    def stop(self) -> dict[str, float]:
        self.done.set()
        self.thread.join(timeout=5)
        if not self.samples:
            return {"active": float("nan"), "lock_waiting": float("nan")}
        return {
            "active": statistics.fmean(active for active, _ in self.samples),
            "lock_waiting": statistics.fmean(waiting for _, waiting in self.samples),
        }


class CpuMeter:
    """CPU time of the server, of this process and of the whole machine since creation.

    `cores()` divides each by the wall time, so 1.0 is one core busy all along.
    """

    def __init__(self, server_pid: int) -> None:
        self.server = psutil.Process(server_pid)
        self.client = psutil.Process()
        self.started = time.perf_counter()
        self.before = self.snapshot()

    def snapshot(self) -> dict[str, float]:
        machine = psutil.cpu_times()
        idle = machine.idle + getattr(machine, "iowait", 0.0)
        return {
            "server": sum(self.server.cpu_times()[:2]),
            "client": sum(self.client.cpu_times()[:2]),
            "machine": sum(machine) - idle,
        }

    def cores(self) -> dict[str, float]:
        after = self.snapshot()
        wall = time.perf_counter() - self.started
        return {key: (after[key] - self.before[key]) / wall for key in after}


def report_errors(phase: str, *results: LoadResult) -> None:
    for result in results:
        if result.errors:
            print(
                f"warning: {phase}: {result.errors} failed requests, first: "
                f"{result.first_error[:300]}",
                file=sys.stderr,
            )


def count_acceptances() -> dict[str, int]:
    """Count the window cases and what each acceptance must have written."""
    from onestop.cases.models import Case, CaseEvent
    from onestop.cases.receipts import RECEIPT_TOPIC
    from onestop.core.ledger.models import LedgerEntry
    from onestop.core.models import OutboxMessage

    return {
        "window cases": Case.objects.filter(channel="window", state="accepted").count(),
        "accept events": CaseEvent.objects.filter(action="accept").count(),
        "ledger entries": LedgerEntry.objects.filter(kind="case.transition").count(),
        "dispatch outbox rows": OutboxMessage.objects.filter(
            topic="exchange.dispatch"
        ).count(),
        "receipt outbox rows": OutboxMessage.objects.filter(
            topic=RECEIPT_TOPIC
        ).count(),
    }


def count_signed_receipts() -> int:
    from onestop.cases.models import CaseDocument

    return (
        CaseDocument.objects.filter(kind="acceptance_receipt")
        .exclude(signature={})
        .count()
    )


def check_acceptances(
    counts: dict[str, int], expected: int, receipts: int, signed: int
) -> list[str]:
    """Return a problem for each count that differs from what the run should leave.

    Each accepted response needs its rows. Only the receipts that the script issued
    itself (`receipts`) are signed, because the server runs without an outbox worker.
    """
    problems = [
        f"{name}: {count} in the database, {expected} accepted responses"
        for name, count in counts.items()
        if count != expected
    ]
    if signed != receipts:
        problems.append(f"signed receipts: {signed}, {receipts} issued by the script")
    return problems


def time_receipt_worker(count: int) -> dict[str, Any]:
    """Run the outbox worker's receipt handler on `count` queued receipts, and time it.

    This is the work that acceptance leaves to the worker: signing the receipt with
    the centre's key, storing it and notifying the applicant. Only receipt messages
    are run, because a dispatch would move its case out of the accepted state that the
    check counts.
    """
    from onestop.cases.receipts import RECEIPT_TOPIC
    from onestop.cases.tasks import issue_acceptance_receipt
    from onestop.core.models import OutboxMessage

    messages = list(
        OutboxMessage.objects.filter(topic=RECEIPT_TOPIC).order_by("-created_at")[
            :count
        ]
    )
    started, cpu = time.perf_counter(), time.process_time()
    for message in messages:
        issue_acceptance_receipt(message)
    wall = time.perf_counter() - started
    return {
        "receipts": len(messages),
        "ms_per_receipt": wall / len(messages) * 1000 if messages else 0.0,
        "cpu_ms_per_receipt": (time.process_time() - cpu) / len(messages) * 1000
        if messages
        else 0.0,
    }


def profile_full_path(
    fields: list[tuple[str, str]], token: str, count: int, body_format: str
) -> dict[str, Any]:
    """Profile the full path in-process, with its SQL statements and costliest functions.

    The in-process run uses Django's test client on the same database, so it covers
    the middleware, Django Ninja and OneStop's code but not waitress's HTTP parsing.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    headers = {"Authorization": f"Bearer {token}"}
    body, content_type = window_body(fields, body_format)

    def accept_one() -> None:
        key = uuid.uuid4().hex
        response = client.generic(
            "POST",
            "/api/v1/cases/window",
            body,
            content_type=content_type,
            headers={**headers, "Idempotency-Key": key},
        )
        if response.status_code != 201:
            raise SystemExit(f"profiled request failed: {response.status_code}")

    accept_one()
    with CaptureQueriesContext(connection) as captured:
        accept_one()
    queries = list(captured.captured_queries)
    statements = Counter(classify_sql(query["sql"]) for query in queries)
    top, tool, database_share = profile_calls(accept_one, count)
    return {
        "requests": count + 2,
        "sql_per_case": len(queries),
        "sql_by_kind": dict(statements.most_common()),
        "profiler": tool,
        "database_driver_share": database_share,
        "top_functions": top,
    }


def classify_sql(sql: str) -> str:
    """Name a statement by its verb and table, such as 'SELECT cases_submission'."""
    verb = sql.split(None, 1)[0].upper() if sql.strip() else "?"
    table = re.search(r'(?:FROM|INTO|UPDATE)\s+"?([a-z_0-9]+)"?', sql)
    if verb in ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK"):
        return "SAVEPOINT/RELEASE" if verb in ("SAVEPOINT", "RELEASE") else verb
    return f"{verb} {table.group(1)}" if table else verb


def profile_calls(function: Any, count: int) -> tuple[list[dict[str, Any]], str, float]:
    """Profile `count` calls of `function` with cProfile.

    Returns OneStop's 15 costliest functions, each with its cumulative milliseconds per
    call of `function`, the profiler's name, and the share of the wall time spent
    waiting in psycopg for PostgreSQL.
    """
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(count):
        function()
    profiler.disable()
    elapsed = time.perf_counter() - started
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    rows = []
    waiting = 0.0
    for (filename, line, name), (
        _calls,
        _primitive,
        _total,
        cumulative,
        _callers,
    ) in stats.items():
        if filename.endswith("psycopg/connection.py") and name == "wait":
            waiting += cumulative
        if "/src/onestop/" in filename:
            short = filename.split("/src/", 1)[1]
            rows.append(
                {"function": f"{short}:{line} {name}", "ms": cumulative / count * 1000}
            )
    rows.sort(key=lambda row: row["ms"], reverse=True)
    return rows[:15], "cProfile", waiting / elapsed if elapsed else 0.0


def machine_description(
    postgres_version: str, load_at_start: tuple[float, float, float]
) -> dict[str, Any]:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        model = found.group(1).strip() if found else ""
    return {
        "nproc": os.cpu_count(),
        "cpu": model or platform.processor(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "postgresql": postgres_version,
        "load_average_at_start": [round(value, 2) for value in load_at_start],
        "load_average_at_end": [round(value, 2) for value in os.getloadavg()],
        "packages": {name: metadata.version(name) for name in PACKAGES},
    }


def medians(repeats: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in repeats) for key in repeats[0]}


ENDPOINTS = (
    ("bare", "bare Ninja insert", "req/s"),
    ("full", "window acceptance", "case/s"),
)


def print_summary(result: dict[str, Any]) -> None:
    """Print the medians, each repeat, memory and the profile as plain tables."""
    median = result["median"]
    print(f"\nmedians of {len(result['repeats'])} repeats")
    print_rates(median)
    print_latencies(median, result["settings"]["load_fraction"])
    print("\nrepeat  pgbench tps  bare req/s  full case/s  full/bare")
    for index, run in enumerate(result["repeats"], 1):
        print(
            f"{index:>6}  {run['pgbench_tps']:>11.0f}  {run['bare_rps']:>10.0f}"
            f"  {run['full_rps']:>11.1f}  {run['full_over_bare']:>9.3f}"
        )
    memory = result["memory"]
    print(
        f"\nweb worker RSS: peak sampled {memory['peak_rss_mib']:.1f} MiB, "
        f"kernel VmHWM {memory['vmhwm_mib']} MiB, "
        f"after start {memory['start_rss_mib']:.1f} MiB"
    )
    print_profile(result.get("profile"))
    worker = result.get("receipt_worker") or {}
    if worker.get("receipts"):
        print(
            f"receipt worker in-process: {worker['receipts']} receipts, "
            f"{worker['ms_per_receipt']:.1f} ms each "
            f"({worker['cpu_ms_per_receipt']:.1f} ms CPU)"
        )
    print(f"\nacceptances checked: {result['acceptances']}")
    print(f"run time: {result['wall_s']} s, machine: {json.dumps(result['machine'])}")


def print_rates(median: dict[str, float]) -> None:
    """Print the sustained rates, their ratios, and the CPU cores and PostgreSQL
    sessions busy meanwhile (mean active sessions, mean sessions waiting on a lock).
    """
    print(
        f"{'sustained rate':<24}{'':>14}{'CPU: server':>12}{'client':>8}"
        f"{'machine':>9}{'PG active':>11}{'on lock':>9}"
    )
    print(f"{'pgbench one-row insert':<24}{median['pgbench_tps']:>10.0f} tps")
    for name, label, unit in ENDPOINTS:
        print(
            f"{label:<24}{median[f'{name}_rps']:>7.1f} {unit:<6}"
            f"{median[f'{name}_server_cpu_cores']:>12.2f}"
            f"{median[f'{name}_client_cpu_cores']:>8.2f}"
            f"{median[f'{name}_machine_cpu_cores']:>9.2f}"
            f"{median[f'{name}_active_sessions']:>11.2f}"
            f"{median[f'{name}_lock_waiting_sessions']:>9.2f}"
        )
    print(f"{'full / bare':<24}{median['full_over_bare']:>10.3f}   (goal >= 0.8)")
    print(f"{'bare / pgbench':<24}{median['bare_over_pgbench']:>10.3f}")


def print_latencies(median: dict[str, float], load_fraction: float) -> None:
    """Print the paced phase: its rate, latency from schedule and service time."""
    print(
        f"\npaced at {load_fraction:.0%} of the sustained rate, in ms: latency from "
        "the scheduled start, service time from the actual start"
    )
    print(
        f"{'endpoint':<24}{'rate':>14}{'p50':>8}{'p99':>8}"
        f"{'svc p50':>9}{'svc p99':>9}{'samples':>9}"
    )
    for name, label, unit in ENDPOINTS:
        print(
            f"{label:<24}{median[f'{name}_paced_rps']:>7.1f} {unit:<6}"
            f"{median[f'{name}_p50_ms']:>8.1f}{median[f'{name}_p99_ms']:>8.1f}"
            f"{median[f'{name}_service_p50_ms']:>9.1f}"
            f"{median[f'{name}_service_p99_ms']:>9.1f}"
            f"{median[f'{name}_paced_samples']:>9.0f}"
        )


def print_profile(profile: dict[str, Any] | None) -> None:
    if not profile:
        return
    print(
        f"\nfull path in-process ({profile['profiler']}, "
        f"{profile['requests']} requests): "
        f"{profile['sql_per_case']} SQL statements per case, "
        f"{profile['database_driver_share']:.0%} of the time waiting on PostgreSQL"
    )
    for kind, count in profile["sql_by_kind"].items():
        print(f"  {count:>4}  {kind}")
    print("costliest OneStop functions (cumulative ms per case):")
    for row in profile["top_functions"][:10]:
        print(f"  {row['ms']:>7.1f}  {row['function']}")


def measure(arguments: argparse.Namespace, folder: Path) -> dict[str, Any]:
    """Set up the database and the server, run every repeat and collect the results."""
    load_at_start = os.getloadavg()
    log = folder / "server.log"
    environment = bench_environment(arguments, folder / "var")
    postgres_version = create_database(arguments)
    timings = prepare_schema(environment, log)

    setup_django(environment)
    slug, fields = window_form()
    server = start_server(environment, arguments.threads, log)
    try:
        start_rss = psutil.Process(server.process.pid).memory_info().rss
        token = clerk_token(server)
        targets = build_targets(fields, token, arguments.body)
        repeats, accepted = run_repeats(arguments, server, targets)
        vmhwm = kernel_peak_rss(server.process.pid)
    finally:
        stop_server(server)

    profile, worker = None, {"receipts": 0}
    if arguments.profile_requests:
        profile = profile_full_path(
            fields, token, arguments.profile_requests, arguments.body
        )
        accepted += profile["requests"]
        worker = time_receipt_worker(profile["requests"])
    problems = check_acceptances(
        count_acceptances(), accepted, worker["receipts"], count_signed_receipts()
    )
    return {
        "machine": machine_description(postgres_version, load_at_start),
        "settings": {**vars(arguments), "json": str(arguments.json), "centre": slug},
        "setup": rounded(timings),
        "repeats": [rounded(run) for run in repeats],
        "median": rounded(medians(repeats)),
        "memory": {
            "start_rss_mib": start_rss / 2**20,
            "peak_rss_mib": server.peak_rss / 2**20,
            "vmhwm_mib": round(vmhwm / 2**20, 1) if vmhwm else None,
        },
        "profile": profile,
        "receipt_worker": worker,
        "acceptances": "; ".join(problems) or f"{accepted} cases, each complete",
        "acceptances_complete": not problems,
    }


def run_repeats(
    arguments: argparse.Namespace, server: Server, targets: dict[str, Target]
) -> tuple[list[dict[str, float]], int]:
    """Run `--repeat` repeats, printing each, and count the accepted cases of all."""
    repeats, accepted = [], 0
    with tempfile.TemporaryDirectory(prefix="onestop-pgbench-") as name:
        for index in range(arguments.repeat):
            measured, count = run_repeat(arguments, server, targets, Path(name))
            print(f"repeat {index + 1}: " + json.dumps(rounded(measured)), flush=True)
            repeats.append(measured)
            accepted += count
    return repeats, accepted


def window_body(fields: list[tuple[str, str]], body: str) -> tuple[bytes, str]:
    """Encode the window request as multipart/form-data or as the equivalent JSON object."""
    if body == "multipart":
        return multipart(fields)
    document: dict[str, Any] = {"form": {}, "checklist": {}}
    for name, value in fields:
        if name.startswith("field."):
            document["form"][name.removeprefix("field.")] = value
        elif name.startswith("check."):
            key, _dot, flag = name.removeprefix("check.").rpartition(".")
            document["checklist"].setdefault(key, {})[flag] = value == "on"
        else:
            document[name] = value
    return json.dumps(document, ensure_ascii=False).encode(), "application/json"


def build_targets(
    fields: list[tuple[str, str]], token: str, body_format: str
) -> dict[str, Target]:
    body, content_type = window_body(fields, body_format)
    full = Target(
        name="full",
        path="/api/v1/cases/window",
        body=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
        idempotency=True,
    )
    bare = Target(
        name="bare",
        path="/bench/rows",
        body=json.dumps({"payload": "bench"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    return {"full": full, "bare": bare}


def rounded(values: dict[str, float]) -> dict[str, float]:
    return {key: round(value, 4) for key, value in values.items()}


def main() -> None:
    arguments = parse_arguments()
    print(f"bench_api: about {estimated_seconds(arguments):.0f} s", flush=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="onestop-bench-") as name:
        try:
            result = measure(arguments, Path(name))
        finally:
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
            if not arguments.keep_database:
                drop_database(arguments)
    result["wall_s"] = round(time.perf_counter() - started, 1)
    print_summary(result)
    if arguments.json:
        arguments.json.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    if not result["acceptances_complete"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
