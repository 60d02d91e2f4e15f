"""Benchmark provisioning one centre from the 1,135-matter 广安区 pack.

Usage (from the repository root):

    .venv/bin/python bench/bench_provision.py --listing LISTING.json
    .venv/bin/python bench/bench_provision.py --listing LISTING.json --postgres
    .venv/bin/python bench/bench_provision.py --listing LISTING.json --centres 500

The pack comes from the listing with the default mapping (`onestop pack import-listing`).
Each repeat provisions one new county centre with `provision_centre`, then inserts the
same rows again (a centre, its departments, matters and matter versions, with new ids)
with one executemany INSERT per table in one transaction: the raw bulk insert baseline.
Both run against the same database in the same process. SQLite uses a file in a
temporary folder. With --postgres the script creates the database onestop_bench_prov on
127.0.0.1:5432 (user postgres, trust authentication) and drops it at the end.
With --centres N, it then fills the database to N centres with raw copies and times
matter searches in random centres. Prints one JSON object with the medians over the
repeats and the search figures.
"""

from __future__ import annotations

import argparse
import json
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
PG_DATABASE = "onestop_bench_prov"


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--listing", type=Path, required=True, help="path of the JSON matter listing"
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
    from onestop.catalog.packs.xlsx import bindings_from_listing
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


def raw_insert_copy(region_code: str, copy_code: str) -> tuple[float, int]:
    """Insert a copy of the centre's rows with one executemany per table.

    Returns the seconds the inserts took and the number of rows inserted.
    """
    from django.db import connection, transaction

    from onestop.catalog.models import Matter, MatterVersion
    from onestop.core.models import Centre, Department

    centre = Centre.objects.get(region_code=region_code)
    tables = [
        (Centre, list(Centre.objects.filter(pk=centre.pk))),
        (Department, list(Department.objects.filter(centre=centre))),
        (Matter, list(Matter.objects.filter(centre=centre))),
        (MatterVersion, list(MatterVersion.objects.filter(centre=centre))),
    ]
    id_maps = {model: _new_ids(model, rows) for model, rows in tables}
    overrides = {"region_code": copy_code, "slug": copy_code}
    statements = [
        _insert_statement(model, rows, id_maps, overrides) for model, rows in tables
    ]

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, parameters in statements:
            cursor.executemany(sql, parameters)
    seconds = time.perf_counter() - started
    return seconds, sum(len(rows) for _model, rows in tables)


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
    codes = county_codes(2 * arguments.repeat)
    provision_seconds, raw_seconds, ratios = [], [], []
    rows = 0

    for index in range(arguments.repeat):
        region, copy_region = codes[2 * index], codes[2 * index + 1]
        provision_seconds.append(provision(pack, bindings, region))
        seconds, rows = raw_insert_copy(region, copy_region)
        raw_seconds.append(seconds)
        ratios.append(provision_seconds[-1] / seconds)

    result = {
        "matters": len(pack.matters),
        "rows_per_centre": rows,
        "repeats": arguments.repeat,
        "provision_seconds_median": round(statistics.median(provision_seconds), 3),
        "raw_insert_seconds_median": round(statistics.median(raw_seconds), 4),
        "ratio_median": round(statistics.median(ratios), 1),
        "provision_seconds": [round(value, 3) for value in provision_seconds],
        "raw_insert_seconds": [round(value, 4) for value in raw_seconds],
        "machine": machine(),
    }
    if arguments.centres:
        result["search"] = search_phase(arguments, codes[0], pack)
    return result


def search_phase(
    arguments: argparse.Namespace, source_region: str, pack: Any
) -> dict[str, Any]:
    """Fill the database to `arguments.centres` centres and time matter searches.

    The extra centres are raw copies of the first provisioned one under made-up region
    codes starting with 9, which no GB/T 2260 region uses.
    """
    from onestop.cases.queries import open_matters
    from onestop.core.models import Centre

    size_before = database_bytes()
    centres_before = Centre.objects.count()
    started = time.perf_counter()
    for index in range(arguments.centres - centres_before):
        raw_insert_copy(source_region, f"9{index:05d}")
    fill_seconds = time.perf_counter() - started
    centres = list(Centre.objects.all())
    size_after = database_bytes()

    generator = random.Random(20261204)
    names = [matter["name"] for matter in pack.matters]
    latencies = []
    for _index in range(arguments.searches):
        centre = generator.choice(centres)
        name = generator.choice(names)
        start = generator.randrange(max(1, len(name) - 1))
        word = name[start : start + 2]
        started = time.perf_counter()
        list(open_matters(centre, word)[:20])
        latencies.append(time.perf_counter() - started)

    latencies.sort()
    return {
        "centres": len(centres),
        "fill_seconds": round(fill_seconds, 1),
        "searches": len(latencies),
        "search_ms_p50": round(1000 * statistics.median(latencies), 2),
        "search_ms_p95": round(1000 * latencies[int(0.95 * len(latencies)) - 1], 2),
        "bytes_per_added_centre": round(
            (size_after - size_before) / max(1, len(centres) - centres_before)
        ),
    }


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
