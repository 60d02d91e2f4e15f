"""Benchmark the ledger at large sizes: batched append, inclusion and consistency proofs.

Usage (from the repository root):

    .venv/bin/python bench/bench_ledger.py --entries 1000000 10000000 \
        --lock /tmp/onestop-bench.lock
    .venv/bin/python bench/bench_ledger.py --entries 1000000 10000000 --postgres \
        --lock /tmp/onestop-bench.lock

Each size gets its own log in its own database, owned by one worker process: a SQLite
file in a temporary folder, or with --postgres the database onestop_bench_ledger_<size>
on 127.0.0.1:5432 (user postgres, trust authentication), dropped at the end.

With --private-postgres SHARED_BUFFERS (for example 1GB), the script instead runs
`initdb` as the OS user postgres into a temporary folder, starts that cluster with
`pg_ctl` on a free port of 127.0.0.1 with the given shared_buffers (fsync,
synchronous_commit on and autovacuum off, as on the machine's server), uses it for the
PostgreSQL run, and stops it (`pg_ctl stop -m fast`) and deletes the folder at the end,
also on an error, Ctrl-C or SIGTERM. With --sqlite-cache-mib N, every SQLite connection
of a worker, including the one that serves the proofs, gets `PRAGMA cache_size` of N MiB.
Both are benchmark settings, not the product's.

To reach a size N, a worker first loads N - APPEND integrated entries straight into the
entry table (COPY on PostgreSQL, executemany on SQLite), with the entry bytes and leaf
hashes that the sequencer would write, and their tree tiles through the sequencer's own
`tree.store_nodes`. The sizes load at the same time, unmeasured. With --lock, the
script holds an exclusive flock on that file from the end of the loads to the end of
the proof rounds, so that two benchmarks never measure at the same time. Then it
measures the product's own path on the last APPEND entries: `queue_entry` in
transactions of 1,000 and `integrate_pending`, so the append rate is that of a log that
already contains about N entries. In the same step it measures two baselines on the bytes
of those APPEND entries: a raw batched INSERT into a table with one blob column, and
plain SHA-256 hashing. It checks the stored root against a root computed in memory from
every leaf, and one inclusion and one consistency proof against that root.

Then each size serves proofs for a warm-up period, unmeasured, so that the database
pages and the process cache of upper subtrees that random proofs touch are loaded, as
in a server that has run for a while. After that the sizes take turns, round by round,
in ascending order in even rounds and descending in odd ones, measuring inclusion and
consistency proofs for random leaves and first sizes through `queries`, as the API
serves them. Each rate is counted per second of elapsed time and per second of CPU
time of the processes that serve the proofs (the worker, plus its PostgreSQL backend).
Prints one JSON object per size, then one with the median proof rates and the median
per-round ratio of each size to the smallest.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import multiprocessing
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BATCH = 1000
LOAD_CHUNK = 100_000
PG_DATABASE = "onestop_bench_ledger"
KIND = "case.accepted"
CENTRE = 1
# The canonical JSON of queue_entry's document for KIND, CENTRE and the body
# {"case_id": n, "state": "accepted"}; build() checks it against canonical_json.
ENTRY_TEMPLATE = (
    '{"body":{"case_id":%d,"state":"accepted"},"centre":1,'
    '"kind":"case.accepted","queued_at":"%s"}'
)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--entries",
        type=int,
        nargs="+",
        default=[1_000_000],
        help="log sizes to measure, in increasing order (default 1000000)",
    )
    parser.add_argument(
        "--append",
        type=int,
        default=100_000,
        help="entries appended through the product's path at each size",
    )
    parser.add_argument(
        "--proof-seconds",
        type=float,
        default=3.0,
        help="length of one proof measurement round, in seconds (default 3)",
    )
    parser.add_argument(
        "--rounds", type=int, default=9, help="proof measurement rounds (default 9)"
    )
    parser.add_argument(
        "--warmup-seconds",
        type=float,
        default=20.0,
        help="unmeasured proofs of each kind per size before the rounds (default 20)",
    )
    parser.add_argument(
        "--postgres", action="store_true", help="use PostgreSQL on 127.0.0.1:5432"
    )
    parser.add_argument("--pg-user", default="postgres")
    parser.add_argument(
        "--private-postgres",
        metavar="SHARED_BUFFERS",
        help="run the PostgreSQL part against a temporary cluster of its own with this "
        "shared_buffers (for example 1GB), on a free port of 127.0.0.1; implies "
        "--postgres",
    )
    parser.add_argument(
        "--sqlite-cache-mib",
        type=int,
        help="SQLite page cache of each worker's connection, in MiB "
        "(PRAGMA cache_size; SQLite's default is 2 MiB)",
    )
    parser.add_argument(
        "--prewarm",
        action="store_true",
        help="read the whole tile table, unmeasured, before each round, so that "
        "its pages are in memory at every size",
    )
    parser.add_argument(
        "--lock",
        help="file to flock while measuring, not while loading "
        "(for example /tmp/onestop-bench.lock)",
    )
    arguments = parser.parse_args()
    sizes = arguments.entries
    if sizes != sorted(sizes) or len(set(sizes)) != len(sizes):
        parser.error(f"--entries must increase: {sizes}")
    if arguments.append < BATCH or arguments.append % BATCH:
        parser.error(f"--append must be a positive multiple of {BATCH}")
    if sizes[0] < arguments.append:
        parser.error(f"--entries {sizes[0]} is below --append {arguments.append}")
    if arguments.private_postgres:
        arguments.postgres = True
    if arguments.sqlite_cache_mib is not None:
        if arguments.postgres:
            parser.error("--sqlite-cache-mib applies to SQLite, not to --postgres")
        if arguments.sqlite_cache_mib <= 0:
            parser.error(
                f"--sqlite-cache-mib must be positive: {arguments.sqlite_cache_mib}"
            )
    # The port of the server that --postgres uses; --private-postgres replaces it.
    arguments.pg_port = 5432
    return arguments


def pg_admin(arguments: argparse.Namespace, statement: str) -> None:
    import psycopg

    with psycopg.connect(
        host="127.0.0.1",
        port=arguments.pg_port,
        user=arguments.pg_user,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(statement)


def setup_django(folder: Path, arguments: argparse.Namespace, database: str) -> None:
    if arguments.postgres:
        pg_admin(arguments, f"DROP DATABASE IF EXISTS {database}")
        pg_admin(
            arguments,
            f"CREATE DATABASE {database} TEMPLATE template0 ENCODING 'UTF8' "
            "LC_CTYPE 'C.UTF-8'",
        )
        url = f"postgres://{arguments.pg_user}@127.0.0.1:{arguments.pg_port}/{database}"
    else:
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    sys.path.insert(0, str(REPO / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    os.environ["ONESTOP_VAR_DIR"] = str(folder)
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from django.core.management import call_command

    if arguments.sqlite_cache_mib is not None:
        set_sqlite_cache(arguments.sqlite_cache_mib)
    call_command("migrate", verbosity=0, skip_checks=True)


def set_sqlite_cache(mebibytes: int) -> None:
    """Give every SQLite connection of this process a page cache of `mebibytes` MiB."""
    from django.db.backends.signals import connection_created

    def on_connect(connection: Any, **_kwargs: Any) -> None:
        with connection.cursor() as cursor:
            # A negative cache_size is in KiB rather than in pages.
            cursor.execute(f"PRAGMA cache_size = {-mebibytes * 1024}")

    connection_created.connect(on_connect, weak=False)


def drop_database(arguments: argparse.Namespace, database: str) -> None:
    if not arguments.postgres:
        return
    from django.db import connections

    connections.close_all()
    pg_admin(arguments, f"DROP DATABASE IF EXISTS {database}")


class Loader:
    """Writes integrated entries and their tree tiles straight into the ledger tables.

    It keeps the right edge of the tree in memory, so it can also compute the root. The
    tiles go through the sequencer's own `tree.store_nodes`.
    """

    def __init__(self) -> None:
        from django.db import connection

        from onestop.core.ledger import merkle
        from onestop.core.ledger.models import LedgerEntry

        self.connection = connection
        self.tree = merkle.CompactRange()
        self.entry_columns = [
            field.column
            for field in LedgerEntry._meta.concrete_fields
            if field.column != "id"
        ]
        self.entry_table = LedgerEntry._meta.db_table
        moment = datetime.now(UTC)
        self.moment_text = moment.isoformat(timespec="microseconds")
        field = LedgerEntry._meta.get_field("queued_at")
        self.moment = field.get_db_prep_save(moment, connection)

    def entry_bytes(self, number: int) -> bytes:
        return (ENTRY_TEMPLATE % (number, self.moment_text)).encode()

    def rows(self, start: int, end: int) -> tuple[list[tuple], list[tuple]]:
        from onestop.core.ledger import merkle

        entries, nodes = [], []
        values = {
            "kind": KIND,
            "centre_id": CENTRE,
            "queued_at": self.moment,
            "integrated_at": self.moment,
        }
        for number in range(start, end):
            data = self.entry_bytes(number)
            leaf = merkle.leaf_hash(data)
            values.update(data=data, index=number, leaf_hash=leaf)
            entries.append(tuple(values[column] for column in self.entry_columns))
            nodes.extend(self.tree.append(leaf))
        return entries, nodes

    def load(self, start: int, end: int) -> None:
        """Write entries [start, end) as integrated, with every tile they fill."""
        from django.db import transaction

        from onestop.core.ledger import tree
        from onestop.core.ledger.models import LogHead

        for chunk in range(start, end, LOAD_CHUNK):
            entries, nodes = self.rows(chunk, min(chunk + LOAD_CHUNK, end))
            with transaction.atomic():
                self._write(self.entry_table, self.entry_columns, entries)
                tree.store_nodes(chunk, nodes)
        LogHead.objects.update_or_create(pk=1, defaults={"size": end})

    def _write(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        quote = self.connection.ops.quote_name
        names = ", ".join(quote(column) for column in columns)
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                raw = cursor.cursor
                with raw.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("%s" for _ in columns)
                # Only quoted model identifiers go into the text.
                sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # noqa: S608
                cursor.executemany(sql, rows)

    def follow(self, datas: list[bytes]) -> None:
        """Add the leaves that the product's path appended to the in-memory tree."""
        from onestop.core.ledger import merkle

        for data in datas:
            self.tree.append(merkle.leaf_hash(data))

    def root(self) -> bytes:
        from onestop.core.ledger import merkle

        return merkle.fold_right([value for _node, value in self.tree.edge])


def append(first: int, count: int) -> float:
    """Queue `count` entries in transactions of BATCH and integrate them; return
    seconds.
    """
    from django.db import transaction

    from onestop.core.ledger.actions import queue_entry
    from onestop.core.ledger.sequencer import integrate_pending

    started = time.perf_counter()
    for start in range(first, first + count, BATCH):
        with transaction.atomic():
            for number in range(start, start + BATCH):
                queue_entry(
                    KIND, {"case_id": number, "state": "accepted"}, centre=CENTRE
                )
        integrate_pending(batch_size=BATCH)
    return time.perf_counter() - started


def appended_bytes(first: int) -> list[bytes]:
    from onestop.core.ledger.models import LedgerEntry

    rows = LedgerEntry.objects.filter(index__gte=first).order_by("index")
    return [bytes(data) for data in rows.values_list("data", flat=True)]


def raw_insert(datas: list[bytes]) -> float:
    """Insert the bytes into a one-column table in batches of BATCH; return seconds."""
    from django.db import connection, transaction

    blob = "BYTEA" if connection.vendor == "postgresql" else "BLOB"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_entry")
        cursor.execute(
            f"CREATE TABLE bench_raw_entry (id BIGINT PRIMARY KEY, data {blob})"
        )
    started = time.perf_counter()
    for start in range(0, len(datas), BATCH):
        rows = [
            (start + offset, data)
            for offset, data in enumerate(datas[start : start + BATCH])
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO bench_raw_entry (id, data) VALUES (%s, %s)", rows
            )
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_raw_entry")
    return elapsed


def hash_only(datas: list[bytes]) -> float:
    started = time.perf_counter()
    for data in datas:
        hashlib.sha256(b"\x00" + data).digest()
    return time.perf_counter() - started


def rate(
    function: Callable[..., Any], arguments: Iterator[tuple], seconds: float
) -> tuple[float, float]:
    """Call `function` on successive arguments for `seconds`.

    Returns the calls per second of elapsed time and per second of CPU time of the
    processes that serve them (see `serving_cpu_seconds`).
    """
    cpu_started = serving_cpu_seconds()
    started = time.perf_counter()
    done = 0
    while time.perf_counter() - started < seconds:
        function(*next(arguments))
        done += 1
    elapsed = time.perf_counter() - started
    return done / elapsed, done / (serving_cpu_seconds() - cpu_started)


def serving_pid() -> int:
    """Return the PID of the process that runs this connection's queries.

    That is the PostgreSQL backend, or this process for SQLite.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return os.getpid()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def serving_cpu_seconds() -> float:
    """Return the CPU time of this process plus that of a PostgreSQL backend.

    On a shared machine the CPU time per proof varies less than the elapsed time, since
    time spent waiting for a core is not counted.
    """
    used = time.process_time()
    pid = serving_pid()
    if pid != os.getpid():
        # Fields 14 and 15 of /proc/PID/stat are user and system time in clock ticks.
        # Splitting after the last ") " skips the command name, field 2.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
        used += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return used


def database_read_bytes() -> int:
    """Return the bytes that the process serving this connection read from disk
    (Linux /proc/PID/io).
    """
    for line in Path(f"/proc/{serving_pid()}/io").read_text().splitlines():
        if line.startswith("read_bytes:"):
            return int(line.split()[1])
    return 0


def proof_round(size: int, seconds: float, sample: random.Random) -> dict[str, float]:
    """Measure inclusion, then consistency proofs, for `seconds` each.

    Returns their rates per elapsed second and, under keys ending in `_cpu`, per CPU
    second.

    Also returns the disk bytes read per proof, over both kinds.
    """
    from onestop.core.ledger.queries import get_consistency_proof, get_inclusion_proof

    def leaves() -> Iterator[tuple[int, int]]:
        while True:
            yield sample.randrange(size), size

    def first_sizes() -> Iterator[tuple[int, int]]:
        while True:
            yield sample.randrange(1, size), size

    read_before = database_read_bytes()
    inclusion, inclusion_cpu = rate(get_inclusion_proof, leaves(), seconds)
    consistency, consistency_cpu = rate(get_consistency_proof, first_sizes(), seconds)
    proofs = (inclusion + consistency) * seconds
    return {
        "inclusion": inclusion,
        "consistency": consistency,
        "inclusion_cpu": inclusion_cpu,
        "consistency_cpu": consistency_cpu,
        "disk_bytes_per_proof": (database_read_bytes() - read_before) / proofs,
    }


def prewarm() -> int:
    """Read every tile row once, so that the tile pages are in memory; return bytes."""
    from django.db import connection

    from onestop.core.ledger.models import LedgerTile

    quote = connection.ops.quote_name
    table = quote(LedgerTile._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT SUM(LENGTH({quote('hashes')})) FROM {table}")  # noqa: S608
        return int(cursor.fetchone()[0] or 0)


def check_proofs(size: int, datas_first: int, datas: list[bytes], root: bytes) -> None:
    """Verify one inclusion and one consistency proof against the expected root."""
    from onestop.core.ledger import merkle
    from onestop.core.ledger.queries import (
        get_consistency_proof,
        get_inclusion_proof,
        get_root,
    )

    index = datas_first + len(datas) // 2
    merkle.verify_inclusion(
        index,
        size,
        merkle.leaf_hash(datas[len(datas) // 2]),
        get_inclusion_proof(index, size),
        root,
    )
    first = datas_first
    merkle.verify_consistency(
        first, size, get_consistency_proof(first, size), get_root(first), root
    )


def database_bytes(folder: Path) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            return cursor.fetchone()[0]
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return sum(path.stat().st_size for path in folder.glob("bench.sqlite3*"))


def load(size: int, loader: Loader, append_count: int) -> float:
    """Load the first `size - append_count` entries; return seconds."""
    from onestop.core.ledger.queries import get_tree_size

    started = time.perf_counter()
    loader.load(get_tree_size(), size - append_count)
    return time.perf_counter() - started


def build(size: int, loader: Loader, append_count: int, folder: Path) -> dict:
    """Grow the loaded log to `size` entries, measuring the append; return figures."""
    from django.db import connection

    from onestop.core.canonical import canonical_json
    from onestop.core.ledger.queries import get_root

    first = size - append_count
    append_seconds = append(first, append_count)
    datas = appended_bytes(first)
    document = json.loads(datas[0])
    document["body"]["case_id"] = 0
    document["queued_at"] = loader.moment_text
    if canonical_json(document) != loader.entry_bytes(0):
        raise SystemExit("the loaded entry bytes are not queue_entry's canonical JSON")
    loader.follow(datas)
    root = loader.root()
    if get_root(size) != root:
        raise SystemExit(f"the stored root at size {size} is not the computed root")
    check_proofs(size, first, datas, root)

    raw_seconds = raw_insert(datas)
    hash_seconds = hash_only(datas)
    return {
        "entries": size,
        "database": connection.vendor,
        "appended": append_count,
        "append_per_second": round(append_count / append_seconds),
        "raw_insert_per_second": round(append_count / raw_seconds),
        "sha256_per_second": round(append_count / hash_seconds),
        "append_vs_raw_insert": round(raw_seconds / append_seconds, 4),
        "append_vs_sha256": round(hash_seconds / append_seconds, 5),
        "database_bytes": database_bytes(folder),
        "page_cache": page_cache_setting(),
        "load_average": round(os.getloadavg()[0], 2),
    }


def page_cache_setting() -> str:
    """Return the page cache that serves this connection, as the database reports it.

    That is shared_buffers on PostgreSQL, or PRAGMA cache_size on SQLite (negative
    values are in KiB, positive ones in pages).
    """
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW shared_buffers")
            return f"shared_buffers={cursor.fetchone()[0]}"
        cursor.execute("PRAGMA cache_size")
        return f"cache_size={cursor.fetchone()[0]}"


def worker(size: int, arguments: argparse.Namespace, channel: Connection) -> None:
    """Own the log of one size in its own database and serve the parent's requests."""
    with tempfile.TemporaryDirectory(prefix=f"bench-ledger-{size}-") as name:
        folder = Path(name)
        database = f"{PG_DATABASE}_{size}"
        setup_django(folder, arguments, database)
        try:
            loader = Loader()
            sample = random.Random(size)
            while True:
                request, value = channel.recv()
                if request == "load":
                    channel.send(round(load(size, loader, arguments.append), 1))
                elif request == "build":
                    channel.send(build(size, loader, arguments.append, folder))
                elif request == "prewarm":
                    channel.send(prewarm())
                elif request == "round":
                    channel.send(proof_round(size, value, sample))
                else:
                    break
        finally:
            drop_database(arguments, database)


def database_settings(arguments: argparse.Namespace) -> dict[str, str]:
    """Return the server's version and the settings that decide how proofs read pages."""
    import psycopg

    names = ["server_version", "shared_buffers", "fsync", "synchronous_commit"]
    names += ["autovacuum", "max_wal_size"]
    with psycopg.connect(
        host="127.0.0.1",
        port=arguments.pg_port,
        user=arguments.pg_user,
        dbname="postgres",
    ) as pg:
        settings = {}
        for name in names:
            row = pg.execute(f"SHOW {name}").fetchone()
            settings[name] = str(row[0]) if row else ""
        return settings


def free_port() -> int:
    """Return a TCP port of 127.0.0.1 that is free now (another process may take it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_as_postgres(*command: str) -> int:
    """Run `command` as the OS user postgres, because initdb rejects root; return its
    exit status.
    """
    if os.geteuid() == 0:
        command = ("runuser", "-u", "postgres", "--", *command)
    # The command is initdb or pg_ctl with paths that this script created.
    completed = subprocess.run(  # noqa: S603
        command, check=False, stdout=subprocess.DEVNULL, timeout=300
    )
    return completed.returncode


@contextlib.contextmanager
def private_postgres(shared_buffers: str) -> Iterator[int]:
    """Run a temporary PostgreSQL cluster on 127.0.0.1; yield its port.

    The cluster has the given shared_buffers, and fsync, synchronous_commit, autovacuum
    and max_wal_size as on the machine's server. It is stopped and its folder deleted on
    exit, also when the body raises or is interrupted.
    """
    folder = Path(tempfile.mkdtemp(prefix="bench-ledger-pg-"))
    data = folder / "data"
    log = folder / "server.log"
    started = False
    try:
        if os.geteuid() == 0:
            shutil.chown(folder, user="postgres", group="postgres")
        initdb = ("initdb", "--pgdata", str(data), "--username", "postgres")
        options = ("--auth", "trust", "--encoding", "UTF8", "--locale", "C.UTF-8")
        if run_as_postgres(*initdb, *options):
            raise SystemExit(f"initdb failed for {data}")
        port = free_port()
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(port),
            "unix_socket_directories": f"'{folder}'",
            "shared_buffers": f"'{shared_buffers}'",
            "fsync": "on",
            "synchronous_commit": "on",
            "autovacuum": "off",
            "max_wal_size": "'1GB'",
        }
        with open(data / "postgresql.conf", "a") as config:
            config.write("\n# Added by bench/bench_ledger.py\n")
            for name, value in settings.items():
                config.write(f"{name} = {value}\n")
        started = True
        start = ("pg_ctl", "start", "--pgdata", str(data), "--wait", "--log", str(log))
        if run_as_postgres(*start):
            # The folder, and the log in it, is deleted below, so show the log's end.
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise SystemExit(f"pg_ctl start failed for {data}. Server log:\n{tail}")
        yield port
    finally:
        if started:
            stop = ("pg_ctl", "stop", "--pgdata", str(data), "--mode", "fast", "--wait")
            status = run_as_postgres(*stop)
            if status:
                print(f"pg_ctl stop exited with {status}", file=sys.stderr)
        shutil.rmtree(folder, ignore_errors=True)


def stop_on_sigterm(_signal: int, _frame: Any) -> None:
    raise SystemExit("stopped by SIGTERM")


def main() -> None:
    arguments = parse_arguments()
    # SIGTERM unwinds like Ctrl-C, so the workers and a private cluster are stopped.
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    if arguments.private_postgres:
        with private_postgres(arguments.private_postgres) as port:
            arguments.pg_port = port
            run(arguments)
    else:
        run(arguments)


def run(arguments: argparse.Namespace) -> None:
    """Load every size in its own worker, then measure them under the lock."""
    import sqlite3

    header: dict[str, Any] = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "database": "postgresql" if arguments.postgres else "sqlite",
        "load_average": round(os.getloadavg()[0], 2),
    }
    if arguments.postgres:
        header.update(database_settings(arguments))
        header["private_cluster"] = bool(arguments.private_postgres)
    else:
        header["sqlite_version"] = sqlite3.sqlite_version
        header["sqlite_cache_mib"] = arguments.sqlite_cache_mib
    print(json.dumps(header), flush=True)
    context = multiprocessing.get_context("spawn")
    workers = {}
    try:
        for size in arguments.entries:
            parent, child = context.Pipe()
            process = context.Process(target=worker, args=(size, arguments, child))
            process.start()
            workers[size] = (process, parent)
            parent.send(("load", None))
        for size, (_process, channel) in workers.items():
            print(json.dumps({"entries": size, "load_seconds": channel.recv()}))
        with measuring(arguments.lock):
            measure(workers, arguments)
    finally:
        for process, channel in workers.values():
            if process.is_alive():
                channel.send(("stop", None))
                process.join(timeout=120)
            if process.is_alive():
                process.terminate()


@contextlib.contextmanager
def measuring(lock: str | None) -> Iterator[None]:
    """Hold the exclusive lock on the file `lock`, if given, while measuring."""
    if lock is None:
        yield
        return
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def measure(workers: dict[int, tuple[Any, Connection]], arguments: Any) -> None:
    """Measure the appends, then the proofs of every size round by round."""
    for _process, channel in workers.values():
        channel.send(("build", None))
        print(json.dumps(channel.recv()), flush=True)
    for _process, channel in workers.values():
        if arguments.prewarm:
            channel.send(("prewarm", None))
            channel.recv()
        channel.send(("round", arguments.warmup_seconds))
        channel.recv()
    rounds: dict[int, list[dict[str, float]]] = {size: [] for size in workers}
    for number in range(arguments.rounds):
        # The order alternates, so that neither size always runs first after the other.
        order = list(workers.items())
        for size, (_process, channel) in order if number % 2 == 0 else order[::-1]:
            if arguments.prewarm:
                channel.send(("prewarm", None))
                channel.recv()
            channel.send(("round", arguments.proof_seconds))
            rounds[size].append(channel.recv())
    print(json.dumps(proof_summary(rounds)), flush=True)


def proof_summary(rounds: dict[int, list[dict[str, float]]]) -> dict[str, Any]:
    """Median proof rates per size, and per-round ratios of each size to the smallest.

    The sizes take turns round by round, so load from other jobs falls on every size
    alike and the ratios carry over better than the rates.
    """
    smallest = min(rounds)
    summary: dict[str, Any] = {}
    for size, measured in rounds.items():
        figures: dict[str, Any] = {}
        for kind in ("inclusion", "consistency", "inclusion_cpu", "consistency_cpu"):
            values = [entry[kind] for entry in measured]
            figures[f"{kind}_proofs_per_second"] = round(statistics.median(values))
            figures[f"{kind}_rounds"] = [round(value) for value in values]
            ratios = [
                entry[kind] / base[kind]
                for entry, base in zip(measured, rounds[smallest], strict=True)
            ]
            figures[f"{kind}_vs_{smallest}"] = round(statistics.median(ratios), 3)
            figures[f"{kind}_round_ratios"] = [round(ratio, 3) for ratio in ratios]
        disk = [entry["disk_bytes_per_proof"] for entry in measured]
        figures["disk_bytes_per_proof"] = round(statistics.median(disk))
        summary[str(size)] = figures
    return {"proofs": summary}


if __name__ == "__main__":
    main()
