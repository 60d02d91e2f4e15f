"""Benchmark certificates: issue, sign, render and verify, against raw Ed25519.

Usage (from the repository root):

    .venv/bin/python bench/bench_certificates.py --seconds 5 --max-calls 5000

Runs on a fresh SQLite file in a temporary folder, unless DATABASE_URL points at another
database such as PostgreSQL. Each measurement calls one operation until `--seconds` pass
or `--max-calls` calls are made, whichever comes first, and reports calls per second.
The baselines are raw Ed25519 signing and verification (`cryptography`) of the same
canonical document bytes, in the same run. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

FACE = {"operator": "佛山市禅城区欧阳记餐饮有限公司", "scope": "热食类食品制售"}


def _setup_django(folder: Path) -> None:
    sys.path.insert(0, str(REPO / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    os.environ.setdefault("ONESTOP_VAR_DIR", str(folder))
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    import django

    django.setup()

    import logging

    # One log line per issued certificate would dominate the measured time.
    logging.disable(logging.INFO)
    _route_verification_page()


def _route_verification_page() -> None:
    """Use the test URLs when the project's urls.py does not route /verify/ yet."""
    from django.conf import settings
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("certificates:verify", args=["x"])
    except NoReverseMatch:
        settings.ROOT_URLCONF = "onestop.certificates.tests.urls"


def _prepare() -> dict[str, Any]:
    from django.core.management import call_command

    from onestop.certificates.models import CertificateType, HolderKind
    from onestop.core.models import Centre, Department

    call_command("migrate", verbosity=0, skip_checks=True)
    centre, _created = Centre.objects.get_or_create(
        region_code="440604", defaults={"name": "禅城区政务服务中心", "slug": "bench"}
    )
    issuer, _created = Department.objects.get_or_create(
        centre=centre,
        role_key="bench_market",
        defaults={"name": "禅城区市场监督管理局", "uscc": "11330105002500287C"},
    )
    certificate_type, _created = CertificateType.objects.get_or_create(
        centre=centre,
        code="11100000000013338W009",
        defaults={
            "name": "食品经营许可证",
            "holder_kind": HolderKind.ENTERPRISE,
            "validity_years": 5,
            "face_fields": [
                {"key": "operator", "label": "经营者名称", "required": True},
                {"key": "scope", "label": "经营项目", "required": True},
            ],
        },
    )
    return {"centre": centre, "issuer": issuer, "certificate_type": certificate_type}


def _rate(operation: Callable[[], object], seconds: float, max_calls: int) -> float:
    """Call `operation` until `seconds` pass or `max_calls` are made; return calls/s."""
    operation()  # warm caches and first-use paths outside the measurement
    calls = 0
    started = time.perf_counter()
    while calls < max_calls and time.perf_counter() - started < seconds:
        operation()
        calls += 1
    return calls / (time.perf_counter() - started)


def _issue(setup: dict[str, Any]) -> Any:
    from onestop.certificates.actions import issue_certificate

    return issue_certificate(
        actor=None,
        certificate_type=setup["certificate_type"],
        issuer=setup["issuer"],
        holder_code="91440604MA4W1X2YX9",
        holder_name="佛山市禅城区欧阳记餐饮有限公司",
        face=FACE,
        valid_from=datetime.date(2025, 5, 22),
    )


def run(seconds: float, max_calls: int) -> dict[str, Any]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from django.db import connection

    from onestop.certificates.actions import verify_certificate
    from onestop.certificates.documents import render_certificate_pdf
    from onestop.certificates.fonts import cjk_font
    from onestop.certificates.queries import certificate_document, find_verification
    from onestop.core.canonical import canonical_json
    from onestop.core.signing import get_signer, verify_signature

    setup = _prepare()
    sample = _issue(setup)
    data = canonical_json(sample.document)

    raw_key = Ed25519PrivateKey.generate()
    raw_public = raw_key.public_key()
    raw_signature = raw_key.sign(data)
    sm2 = get_signer(setup["centre"], "sm2")
    sm2_signature = sm2.sign(data)

    def issue_and_render() -> None:
        render_certificate_pdf(certificate_document(_issue(setup)))

    rates = {
        "raw_ed25519_sign": _rate(lambda: raw_key.sign(data), seconds, max_calls),
        "raw_ed25519_verify": _rate(
            lambda: raw_public.verify(raw_signature, data), seconds, max_calls
        ),
        "sm2_sign": _rate(lambda: sm2.sign(data), seconds, max_calls),
        "sm2_verify": _rate(
            lambda: verify_signature("sm2", sm2.public_key_bytes, data, sm2_signature),
            seconds,
            max_calls,
        ),
        "issue": _rate(lambda: _issue(setup), seconds, max_calls),
        "render_pdf": _rate(
            lambda: render_certificate_pdf(certificate_document(sample)),
            seconds,
            max_calls,
        ),
        "issue_and_render": _rate(issue_and_render, seconds, max_calls),
        "verify_lookup": _rate(
            lambda: find_verification(sample.identifier), seconds, max_calls
        ),
        "verify_audited": _rate(
            lambda: verify_certificate(sample.identifier, actor=None, channel="bench"),
            seconds,
            max_calls,
        ),
    }
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "database": connection.vendor,
        "font": cjk_font().name,
        "document_bytes": len(data),
        "seconds_per_measurement": seconds,
        "max_calls": max_calls,
        "per_second": {name: round(rate, 1) for name, rate in rates.items()},
        "ratio_to_raw_sign": {
            name: round(rates[name] / rates["raw_ed25519_sign"], 5)
            for name in ("issue", "issue_and_render", "sm2_sign")
        },
        "ratio_to_raw_verify": {
            name: round(rates[name] / rates["raw_ed25519_verify"], 5)
            for name in ("verify_lookup", "verify_audited", "sm2_verify")
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--seconds",
        type=float,
        default=3.0,
        help="Time limit of each measurement, in seconds.",
    )
    parser.add_argument(
        "--max-calls",
        type=int,
        default=5000,
        help="Largest number of calls of each measurement.",
    )
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-certificates-") as folder:
        _setup_django(Path(folder))
        result = run(arguments.seconds, arguments.max_calls)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
