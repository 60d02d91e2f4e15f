"""Time the daily re-evaluation of provisional deadlines on N open cases.

The script creates a throw-away database next to the one DATABASE_URL names (Django's
test database "test_<name>") and provisions the demo centre with the 2025 and 2026
calendars. It inserts N open drug retail licence cases accepted in December 2026, so
every deadline reaches the unloaded year 2027 and is provisional. A fifth of them
have an ended correction pause and a twentieth an approved extension. It then times:

1. a run before 2027 is loaded: every case is checked and none is recomputed;
2. a run after 2027 is loaded: every case is recomputed and written;
3. a run with nothing provisional left.

Run from the repository root, against PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/onestop \\
        .venv/bin/python bench/bench_reevaluate.py --cases 100000

The test database is dropped at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
os.environ.setdefault("ONESTOP_VAR_DIR", tempfile.mkdtemp(prefix="onestop-bench-"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from onestop.cases.deadlines import compute_case_deadlines  # noqa: E402
from onestop.cases.models import (  # noqa: E402
    Case,
    CaseExtension,
    CasePause,
    CaseState,
)
from onestop.cases.tasks import reevaluate_provisional_deadlines  # noqa: E402
from onestop.catalog.models import Matter  # noqa: E402
from onestop.identity.models import Person  # noqa: E402
from onestop.portal.demo import provision_demo  # noqa: E402
from onestop.worktime.actions import load_schedule  # noqa: E402
from onestop.worktime.engine import SHANGHAI, CalendarDay  # noqa: E402
from onestop.worktime.queries import clear_calendar_cache  # noqa: E402
from onestop.worktime.schedule import Schedule  # noqa: E402

BATCH = 5000
MAX_CASES = 1_000_000


def acceptance_moments(count: int) -> list[dt.datetime]:
    """Spread `count` acceptances over 9:00 to 17:00 of 7 to 18 December 2026.

    Every statutory due date of a 20 working day limit then falls in January 2027.
    """
    first = dt.datetime(2026, 12, 7, 9, tzinfo=SHANGHAI)
    slots = 12 * 8 * 60
    return [
        first + dt.timedelta(days=(i % slots) // 480, minutes=(i % slots) % 480)
        for i in range(count)
    ]


def insert_cases(count: int) -> None:
    """Insert open cases with bulk_create, then store their computed deadlines.

    No action runs for these rows. Cases of the same acceptance day, pause and extension
    share their deadlines, so one case of each group is computed and the group updated.
    """
    matter = Matter.objects.select_related("centre", "current_version").get(
        centre__region_code="440604", pack_id="drug-retail-licence"
    )
    person = Person.objects.first()
    clerk = get_user_model().objects.get(username="clerk")
    moments = acceptance_moments(count)
    groups: dict[tuple, list[int]] = {}

    for start in range(0, count, BATCH):
        cases = [
            Case(
                centre=matter.centre,
                number=f"B{index:011d}",
                matter=matter,
                matter_version=matter.current_version,
                department_id=matter.department_id,
                person=person,
                channel="window",
                state=CaseState.IN_REVIEW,
                created_by=clerk,
                accepted_at=moments[index],
            )
            for index in range(start, min(start + BATCH, count))
        ]
        created = Case.objects.bulk_create(cases)
        add_pauses_and_extensions(created, clerk)
        for index, case in enumerate(created, start=start):
            key = (case.accepted_at.date(), index % 5 == 0, index % 20 == 0)
            groups.setdefault(key, []).append(case.pk)

    for pks in groups.values():
        representative = Case.objects.select_related("centre", "matter_version").get(
            pk=pks[0]
        )
        promised, statutory = compute_case_deadlines(representative)
        Case.objects.filter(pk__in=pks).update(
            promised_due=promised.date,
            statutory_due=statutory.date,
            deadline_provisional=promised.provisional or statutory.provisional,
        )


def add_pauses_and_extensions(cases: list[Case], clerk) -> None:
    """Give every fifth case an ended correction and every twentieth an extension."""
    pauses = [
        CasePause(
            centre_id=case.centre_id,
            case=case,
            kind=CasePause.Kind.CORRECTION,
            started_at=case.accepted_at + dt.timedelta(days=1),
            ended_at=case.accepted_at + dt.timedelta(days=3),
        )
        for case in cases[::5]
    ]
    extensions = [
        CaseExtension(
            centre_id=case.centre_id,
            case=case,
            working_days=10,
            reason="bench",
            status=CaseExtension.Status.APPROVED,
            requested_by=clerk,
        )
        for case in cases[::20]
    ]
    CasePause.objects.bulk_create(pauses)
    CaseExtension.objects.bulk_create(extensions)


def database_version() -> str:
    if connection.vendor != "postgresql":
        return connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        return cursor.fetchone()[0].split(" on ")[0]


def timed_run(label: str) -> None:
    began = time.perf_counter()
    result = reevaluate_provisional_deadlines()
    seconds = time.perf_counter() - began
    rate = result.checked / seconds if seconds else 0.0
    print(
        f"{label:<28} {seconds:8.2f} s  checked {result.checked:>8}  "
        f"recomputed {result.recomputed:>8}  still provisional "
        f"{result.still_provisional:>6}  ({rate:,.0f} cases/s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cases", type=int, default=100_000, help="Open provisional cases to insert."
    )
    args = parser.parse_args()
    if not 1 <= args.cases <= MAX_CASES:
        parser.error(f"--cases must be 1 to {MAX_CASES}")
    if connection.vendor != "postgresql":
        print("warning: DATABASE_URL is not PostgreSQL; the numbers are not comparable")

    setup_test_environment()
    # The demo accounts' passwords are hashed with MD5 here: PBKDF2 would take most of
    # the setup time, and this database is dropped at the end.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        began = time.perf_counter()
        provision_demo(calendar_years=[2025, 2026])
        insert_cases(args.cases)
        print(f"setup: {args.cases} cases in {time.perf_counter() - began:.1f} s")
        print(f"python {platform.python_version()}, {database_version()}")

        timed_run("before 2027 is loaded")
        new_year = CalendarDay(dt.date(2027, 1, 1), False, "元旦")
        platform_admin = get_user_model().objects.get(username="platform")
        load_schedule(Schedule(year=2027, days=(new_year,)), actor=platform_admin)
        clear_calendar_cache()
        timed_run("after 2027 is loaded")
        timed_run("nothing provisional left")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
