"""Set up and inspect a file-based exchange scenario for tests and benchmarks.

Run as `python -m onestop.exchange.scenario setup --endpoint URL --seed KEY` against
the database in DATABASE_URL: it migrates, provisions a centre with one applicant and
a window clerk, and points market regulation's webhook at URL (signed with the
base64url Ed25519 seed KEY). `cases --count N --batch NAME` accepts N food business
licence cases, so N department dispatches wait in the outbox. `report --batch NAME`
prints the counts of one batch as JSON.

Each process (`onestop serve`, `onestop worker`, `onestop dept-sim`) then runs against
the same database, so a test can kill one of them with SIGKILL and check the result.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    import django

    django.setup()


def setup(endpoint: str, seed: str) -> None:
    """Migrate and provision the scenario centre with a webhook department."""
    from django.conf import settings
    from django.core.management import call_command

    # Scenario accounts need no slow password hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)

    from onestop.core.signing import b64url_decode
    from onestop.exchange.models import ConnectorKind
    from onestop.exchange.testing import DepartmentKey, configure

    key = DepartmentKey(seed=b64url_decode(seed))
    market = _provision()
    configure(
        market, ConnectorKind.WEBHOOK, key, endpoint=endpoint, timeout_seconds=5.0
    )


def accept_cases(count: int, batch: str) -> None:
    """Accept `count` cases whose idempotency keys start with `batch`."""
    from django.contrib.auth import get_user_model

    from onestop.catalog.models import Matter
    from onestop.identity.models import Person

    matter = Matter.objects.get(pack_id="food-business-licence")
    clerk = get_user_model().objects.get(username="clerk")
    person = Person.objects.get(user__username="applicant")
    for index in range(count):
        _accept_case(matter, clerk, person, f"{batch}-{index}")


def _provision() -> Any:
    from onestop.catalog.actions import provision_centre
    from onestop.catalog.packs import STANDARD_PACK_DIR
    from onestop.catalog.packs.loader import load_pack
    from onestop.core.models import Department, Membership, Role
    from onestop.portal.demo import REGION_CODE, _person, _user, demo_bindings
    from onestop.worktime.actions import seed_calendar

    pack = load_pack(STANDARD_PACK_DIR)
    seed_calendar(years=[2025, 2026, 2027])
    centre = provision_centre(
        actor=None, region_code=REGION_CODE, pack=pack, bindings=demo_bindings(pack)
    ).centre
    market = Department.objects.get(centre=centre, role_key="market_regulation")
    clerk = _user("clerk")
    Membership.objects.get_or_create(user=clerk, centre=centre, role=Role.CLERK)
    _person(
        "applicant",
        "440604198503150024",
        "李秀英",
        "13800138000",
        "佛山市禅城区祖庙路1号",
    )
    return market


def _accept_case(matter: Any, clerk: Any, person: Any, key: str) -> None:
    from onestop.cases.actions import Application, create_window_case
    from onestop.cases.uploads import CheckedUpload
    from onestop.core.canonical import sha256_hex
    from onestop.testing import PDF_BYTES, sample_value

    guide = matter.current_version.guide
    form = {field["key"]: sample_value(field) for field in guide.form_fields}
    upload = CheckedUpload(
        name="material.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256=sha256_hex(PDF_BYTES),
        content=PDF_BYTES,
    )
    uploads = {
        m["key"]: [upload]
        for m in guide.materials
        if m.get("necessity", "required") == "required"
    }
    create_window_case(
        actor=clerk,
        matter=matter,
        person=person,
        application=Application(form_data=form, uploads=uploads),
        idempotency_key=key,
    )


def report(batch: str) -> dict[str, Any]:
    """Return the counts a reliability check needs, for the cases of one batch."""
    from django.db.models import Count

    from onestop.cases.models import Case, CaseEvent
    from onestop.core.models import OutboxMessage
    from onestop.exchange.models import DepartmentCallback, Envelope

    cases = Case.objects.filter(idempotency_key__startswith=f"{batch}-")
    case_ids = list(cases.values_list("pk", flat=True))
    decisions = CaseEvent.objects.filter(action="approve", case_id__in=case_ids)
    applied_twice = (
        decisions.values("case_id").annotate(n=Count("pk")).filter(n__gt=1).count()
    )
    dispatches = OutboxMessage.objects.filter(
        topic="exchange.dispatch", payload__case_id__in=case_ids
    )
    envelopes = Envelope.objects.filter(case_id__in=case_ids)
    return {
        "cases": len(case_ids),
        "states": dict(cases.values_list("state").annotate(n=Count("pk"))),
        "approvals": decisions.count(),
        "cases_approved_twice": applied_twice,
        "dispatch_states": dict(
            dispatches.values_list("status").annotate(n=Count("pk"))
        ),
        "envelopes": envelopes.count(),
        "envelope_attempts": sum(envelopes.values_list("attempts", flat=True)),
        "callbacks": DepartmentCallback.objects.filter(case_id__in=case_ids).count(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m onestop.exchange.scenario")
    commands = parser.add_subparsers(dest="command", required=True)
    set_up = commands.add_parser("setup", help="migrate and provision the centre")
    set_up.add_argument(
        "--endpoint", required=True, help="webhook endpoint (127.0.0.1)"
    )
    set_up.add_argument("--seed", required=True, help="base64url Ed25519 private key")
    more = commands.add_parser("cases", help="accept more cases")
    more.add_argument("--count", type=int, required=True, help="number of cases")
    more.add_argument("--batch", required=True, help="prefix of their idempotency keys")
    counts = commands.add_parser("report", help="print the counts of a batch as JSON")
    counts.add_argument("--batch", required=True, help="prefix of the idempotency keys")
    args = parser.parse_args(argv)

    _setup_django()
    if args.command == "setup":
        setup(args.endpoint, args.seed)
    elif args.command == "cases":
        accept_cases(args.count, args.batch)
    else:
        json.dump(report(args.batch), sys.stdout)


if __name__ == "__main__":
    main()
