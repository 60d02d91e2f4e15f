"""Benchmark provisioning one centre from the 1,135-matter 广安区 pack.

Usage (from the repository root):

    .venv/bin/python bench/bench_provision.py
    .venv/bin/python bench/bench_provision.py --postgres
    .venv/bin/python bench/bench_provision.py --postgres --centres 4500

The pack comes from the listing (by default the 广安区 listing shipped in
src/onestop/catalog/packs/listings/) with the default mapping (`onestop pack
import-listing`).
Each repeat provisions one new county centre with `provision_centre`, then inserts every
row that the call wrote again, with new ids. The first repeat is the first call with the
loaded pack, which serialises each matter to JSON (the cold figures). Later repeats reuse
that text, as a platform does that provisions many centres from one loaded pack. The
rows are the centre, its departments, certificate types, matters, matter versions, pack
installation and audit events. The copy uses one executemany INSERT per table in one
transaction. That is the raw bulk insert baseline, and only its inserts are timed. Both
run against the same database in the same process. SQLite uses a file in a temporary
folder. With --postgres the script creates the database onestop_bench_prov on
127.0.0.1:5432 (user postgres, trust authentication) and drops it at the end.

With --centres N, it then fills the database to N centres with copies of the first
centre made inside the database (one INSERT ... SELECT per table and centre), times
matter searches in random centres, reports the database size per centre, and times
--late-provisions more `provision_centre` calls on the full database. Prints one JSON
object with the medians over the repeats and the search figures.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MAPPING = REPO / "src/onestop/catalog/packs/mappings/guang-an-511602.yaml"
LISTING = REPO / "src/onestop/catalog/packs/listings/guang-an-district-511602.json"
PG_DATABASE = "onestop_bench_prov"


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--listing",
        type=Path,
        default=LISTING,
        help="path of the JSON matter listing (default: the shipped 广安区 listing)",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="number of repeats (default 3)"
    )
    parser.add_argument(
        "--postgres", action="store_true", help="use PostgreSQL on 127.0.0.1:5432"
    )
    parser.add_argument(
        "--centres",
        type=int,
        default=0,
        help="number of centres for the search phase (default 0: skip it)",
    )
    parser.add_argument(
        "--searches", type=int, default=300, help="number of timed searches"
    )
    parser.add_argument(
        "--late-provisions",
        type=int,
        default=3,
        help="provision_centre calls timed after the fill (default 3)",
    )
    parser.add_argument(
        "--fill-minutes",
        type=float,
        default=50,
        help="stop filling after this many minutes (default 50)",
    )
    parser.add_argument("--pg-user", default="postgres")
    return parser.parse_args()


def create_pg_database(user: str) -> str:
    """Create the bench database from template0 and return its URL."""
    import psycopg

    with psycopg.connect(
        host="127.0.0.1", user=user, dbname="postgres", autocommit=True
    ) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        connection.execute(
            f"CREATE DATABASE {PG_DATABASE} TEMPLATE template0 ENCODING 'UTF8' "
            "LC_CTYPE 'C.UTF-8'"
        )
    return f"postgres://{user}@127.0.0.1:5432/{PG_DATABASE}"


def drop_pg_database(user: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(
        host="127.0.0.1", user=user, dbname="postgres", autocommit=True
    ) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")


def setup_django(folder: Path, database_url: str | None) -> None:
    sys.path.insert(0, str(REPO / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    os.environ["ONESTOP_VAR_DIR"] = str(folder)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)


def build_pack(listing: Path, folder: Path) -> tuple[Any, dict[str, Any]]:
    """Import the listing into a pack and bind every role with a made-up valid USCC."""
    from onestop.catalog.actions import DepartmentBinding
    from onestop.catalog.packs import load_pack
    from onestop.catalog.packs.listing import import_listing
    from onestop.catalog.packs.listing_bindings import bindings_from_listing
    from onestop.identity.codes import uscc_check_character

    import_listing(listing, MAPPING, folder / "pack")
    bindings = bindings_from_listing(listing, MAPPING, folder / "bindings.yaml")
    departments = {}
    for role, entry in bindings["departments"].items():
        first_17 = f"11511602MA{zlib.crc32(entry['name'].encode()) % 10**7:07d}"
        uscc = first_17 + uscc_check_character(first_17)
        departments[role] = DepartmentBinding(name=entry["name"], uscc=uscc)
    return load_pack(folder / "pack"), departments


def county_codes(count: int) -> list[str]:
    """Return `count` current county-level region codes that provisioning accepts."""
    from onestop.core.errors import OneStopError
    from onestop.regions.gb2260 import all_regions, check_county_region

    codes = []
    for region in all_regions():
        try:
            codes.append(check_county_region(region.code).code)
        except OneStopError:
            continue
        if len(codes) == count:
            return codes
    raise SystemExit(f"only {len(codes)} county regions are known")


def provision(pack: Any, bindings: dict[str, Any], region_code: str) -> float:
    from onestop.catalog.actions import provision_centre

    started = time.perf_counter()
    provision_centre(actor=None, region_code=region_code, pack=pack, bindings=bindings)
    return time.perf_counter() - started


def count_statements(pack: Any, bindings: dict[str, Any], region_code: str) -> int:
    """Provision one more centre, untimed, and count the SQL statements it sent."""
    from django.db import connection

    statements = []

    def counter(execute: Any, sql: str, *rest: Any) -> Any:
        statements.append(sql)
        return execute(sql, *rest)

    with connection.execute_wrapper(counter):
        provision(pack, bindings, region_code)
    return len(statements)


def centre_tables(centre: Any) -> list[tuple[Any, Any]]:
    """Return (model, queryset) for every table that provisioning writes rows to."""
    from onestop.catalog.models import Matter, MatterVersion, PackInstallation
    from onestop.certificates.models import CertificateType
    from onestop.core.models import AuditEvent, Centre, Department

    return [
        (Centre, Centre.objects.filter(pk=centre.pk)),
        (Department, Department.objects.filter(centre=centre)),
        (CertificateType, CertificateType.objects.filter(centre=centre)),
        (Matter, Matter.objects.filter(centre=centre)),
        (MatterVersion, MatterVersion.objects.filter(centre=centre)),
        (PackInstallation, PackInstallation.objects.filter(centre=centre)),
        (AuditEvent, AuditEvent.objects.filter(centre=centre)),
    ]


def raw_insert_copy(region_code: str, copy_code: str) -> tuple[float, dict[str, int]]:
    """Insert a copy of the centre's rows with one executemany per table.

    Returns the seconds the inserts took and the number of rows inserted per table.
    """
    from django.db import connection, transaction

    from onestop.core.models import Centre

    centre = Centre.objects.get(region_code=region_code)
    tables = [(model, list(rows)) for model, rows in centre_tables(centre)]
    id_maps = {model: _new_ids(model, rows) for model, rows in tables}
    overrides = {"region_code": copy_code, "slug": copy_code}
    statements = [
        _insert_statement(model, rows, id_maps, overrides) for model, rows in tables
    ]

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, parameters in statements:
            if parameters:
                cursor.executemany(sql, parameters)
    seconds = time.perf_counter() - started
    return seconds, {model._meta.db_table: len(rows) for model, rows in tables}


def _new_ids(model: Any, rows: list[Any]) -> dict[int, int]:
    from django.db.models import Max

    start = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1_000_000
    return {row.pk: start + index for index, row in enumerate(rows)}


def _insert_statement(
    model: Any,
    rows: list[Any],
    id_maps: dict[Any, dict[int, int]],
    overrides: dict[str, str],
) -> tuple[str, list[list[Any]]]:
    """Build the INSERT of copies of `rows`, mapping primary and foreign keys."""
    from django.db import connection

    fields = model._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(model._meta.db_table)
    # Table and column names come from the models, values go in as parameters.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
    maps_by_model = {related._meta.label: ids for related, ids in id_maps.items()}

    parameters = []
    for row in rows:
        values = []
        for field in fields:
            value = getattr(row, field.attname)
            if field.primary_key:
                value = id_maps[model][value]
            elif field.is_relation and value is not None:
                ids = maps_by_model.get(field.related_model._meta.label)
                value = ids.get(value, value) if ids else value
            elif model._meta.label == "core.Centre" and field.name in overrides:
                value = overrides[field.name]
            values.append(field.get_db_prep_save(value, connection))
        parameters.append(values)
    return sql, parameters


def machine() -> dict[str, Any]:
    from django.db import connection

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "database": connection.vendor,
        "database_version": connection.cursor().connection.info.server_version
        if connection.vendor == "postgresql"
        else __import__("sqlite3").sqlite_version,
    }


def main() -> None:
    arguments = parse_arguments()
    database_url = create_pg_database(arguments.pg_user) if arguments.postgres else None
    try:
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            setup_django(folder, database_url)
            result = run(arguments, folder)
    finally:
        if arguments.postgres:
            drop_pg_database(arguments.pg_user)
    print(json.dumps(result, ensure_ascii=False, indent=2))


def run(arguments: argparse.Namespace, folder: Path) -> dict[str, Any]:
    pack, bindings = build_pack(arguments.listing, folder)
    codes = county_codes(2 * arguments.repeat + 1 + arguments.late_provisions)
    provision_seconds, raw_seconds, ratios = [], [], []
    rows: dict[str, int] = {}

    for index in range(arguments.repeat):
        region, copy_region = codes[2 * index], codes[2 * index + 1]
        provision_seconds.append(provision(pack, bindings, region))
        seconds, rows = raw_insert_copy(region, copy_region)
        raw_seconds.append(seconds)
        ratios.append(provision_seconds[-1] / seconds)
    statements = count_statements(pack, bindings, codes[2 * arguments.repeat])

    result = {
        "matters": len(pack.matters),
        "rows_per_centre": sum(rows.values()),
        "rows_per_table": rows,
        "provision_statements": statements,
        "repeats": arguments.repeat,
        "provision_seconds_median": round(statistics.median(provision_seconds), 3),
        "raw_insert_seconds_median": round(statistics.median(raw_seconds), 4),
        "ratio_median": round(statistics.median(ratios), 2),
        "first_provision_seconds": round(provision_seconds[0], 3),
        "first_ratio": round(ratios[0], 2),
        "provision_seconds": [round(value, 3) for value in provision_seconds],
        "raw_insert_seconds": [round(value, 4) for value in raw_seconds],
        "machine": machine(),
    }
    if arguments.centres:
        late_codes = codes[2 * arguments.repeat + 1 :]
        result["search"] = search_phase(arguments, codes[0], pack, bindings, late_codes)
    return result


def search_phase(
    arguments: argparse.Namespace,
    source_region: str,
    pack: Any,
    bindings: dict[str, Any],
    late_codes: list[str],
) -> dict[str, Any]:
    """Fill the database to `arguments.centres` centres, then time searches and calls.

    The extra centres are copies of the first provisioned one under made-up region codes
    starting with 9, which no GB/T 2260 region uses.
    """
    from onestop.core.models import Centre

    size_before = database_bytes()
    centres_before = Centre.objects.count()
    source = Centre.objects.get(region_code=source_region)
    started = time.perf_counter()
    deadline = started + 60 * arguments.fill_minutes
    added = copy_centres(source, arguments.centres - centres_before, deadline)
    fill_seconds = time.perf_counter() - started
    analyse()
    check_copies()
    size_after = database_bytes()

    centres = list(Centre.objects.all())
    searched = time_searches(centres, pack, arguments.searches)
    late = [provision(pack, bindings, code) for code in late_codes]
    return {
        "centres": len(centres),
        "copied_centres": added,
        "fill_seconds": round(fill_seconds, 1),
        **searched,
        "bytes_per_added_centre": round((size_after - size_before) / max(1, added)),
        "table_bytes_per_centre": table_bytes(len(centres)),
        "late_provision_seconds": [round(value, 3) for value in late],
    }


def copy_centres(source: Any, count: int, deadline: float) -> int:
    """Add up to `count` copies of `source` with INSERT ... SELECT, and return how many.

    A copied row's id is the source row's id plus an offset per table and copy, so the
    foreign keys between copied rows move by the offsets of the tables they point to.
    Stops early, between batches of copies, when `deadline` (perf_counter) has passed.
    """
    from django.db import connection, transaction
    from django.db.models import Max, Min

    from onestop.core.models import Centre

    tables = [
        (model, rows.aggregate(low=Min("pk"), high=Max("pk")))
        for model, rows in centre_tables(source)[1:]
    ]
    tables = [(model, ids) for model, ids in tables if ids["low"] is not None]
    tops = {model: model.objects.aggregate(top=Max("pk"))["top"] for model, _ in tables}
    statements = [_copy_statement(model, tables) for model, _ in tables]

    copies_made = 0
    while copies_made < count and time.perf_counter() < deadline:
        with transaction.atomic(), connection.cursor() as cursor:
            for _index in range(min(COPY_BATCH, count - copies_made)):
                code = f"9{copies_made:05d}"
                copy = Centre.objects.create(
                    region_code=code,
                    slug=code,
                    name=source.name,
                    warning_ratio=source.warning_ratio,
                )
                offsets = {
                    model: tops[model] - ids["low"] + 1 + copies_made * span(ids)
                    for model, ids in tables
                }
                for sql, parameters in statements:
                    values = [
                        copy.pk if item == "centre" else offsets[item]
                        for item in parameters
                    ]
                    cursor.execute(sql, [*values, source.pk])
                copies_made += 1
    reset_sequences([model for model, _ids in tables])
    return copies_made


# Centre copies made per transaction while filling.
COPY_BATCH = 20


def span(ids: dict[str, int]) -> int:
    return ids["high"] - ids["low"] + 1


def _copy_statement(
    model: Any, tables: list[tuple[Any, dict[str, int]]]
) -> tuple[str, list[Any]]:
    """Build the INSERT ... SELECT that copies a centre's rows of `model`.

    Each parameter is a placeholder, "centre" for the copy's id or a model for the id
    offset of that model's table. The source centre's id is the last parameter.
    """
    from django.db import connection

    copied = {table._meta.label: table for table, _ids in tables}
    quote = connection.ops.quote_name
    columns, expressions, parameters = [], [], []
    for field in model._meta.concrete_fields:
        column = quote(field.column)
        columns.append(column)
        if field.primary_key:
            expressions.append(f"{column} + %s")
            parameters.append(model)
        elif field.is_relation and field.name == "centre":
            expressions.append("%s")
            parameters.append("centre")
        elif field.is_relation and field.related_model._meta.label in copied:
            expressions.append(f"{column} + %s")
            parameters.append(copied[field.related_model._meta.label])
        else:
            expressions.append(column)
    table = quote(model._meta.db_table)
    # Table and column names come from the models, values go in as parameters.
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(expressions)} FROM {table} WHERE {quote('centre_id')} = %s"
    )
    return sql, parameters


def reset_sequences(models: list[Any]) -> None:
    """Move PostgreSQL's id sequences past the ids that the copies set explicitly."""
    from django.core.management.color import no_style
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def analyse() -> None:
    """Update the planner statistics after the fill, as autovacuum would."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def check_copies() -> None:
    """Exit unless every matter's version and department belong to its own centre."""
    from django.db.models import F, Q

    from onestop.catalog.models import Matter

    foreign = Matter.objects.filter(
        ~Q(current_version__centre=F("centre")) | ~Q(department__centre=F("centre"))
    )
    if foreign.exists():
        raise SystemExit("a copied matter points into another centre")


def time_searches(centres: list[Any], pack: Any, count: int) -> dict[str, Any]:
    """Time `count` searches, each for a two-character word in one random centre."""
    from onestop.cases.queries import open_matters

    generator = random.Random(20261204)
    names = [matter["name"] for matter in pack.matters]
    latencies = []
    for _index in range(count):
        centre = generator.choice(centres)
        name = generator.choice(names)
        start = generator.randrange(max(1, len(name) - 1))
        word = name[start : start + 2]
        started = time.perf_counter()
        list(open_matters(centre, word)[:20])
        latencies.append(time.perf_counter() - started)

    latencies.sort()
    return {
        "searches": len(latencies),
        "search_ms_p50": round(1000 * statistics.median(latencies), 2),
        "search_ms_p95": round(1000 * latencies[math.ceil(0.95 * count) - 1], 2),
        "search_ms_max": round(1000 * latencies[-1], 2),
    }


def table_bytes(centres: int) -> dict[str, int]:
    """Return PostgreSQL's size of the catalogue tables, with indexes, per centre."""
    from django.db import connection

    from onestop.catalog.models import Matter, MatterVersion

    if connection.vendor != "postgresql":
        return {}
    sizes = {}
    with connection.cursor() as cursor:
        for model in (Matter, MatterVersion):
            table = model._meta.db_table
            cursor.execute("SELECT pg_total_relation_size(%s)", [table])
            sizes[table] = round(int(cursor.fetchone()[0]) / centres)
    return sizes


def database_bytes() -> int:
    """Return the database size: the SQLite file after a WAL checkpoint, or PostgreSQL's."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return int(cursor.fetchone()[0])
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(connection.settings_dict["NAME"])
    return path.stat().st_size


if __name__ == "__main__":
    main()
