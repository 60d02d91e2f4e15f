"""Case numbers from the centre's daily counter, on PostgreSQL's prepared statements."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.utils import timezone

from onestop.cases import actions
from onestop.cases.models import CaseCounter

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def prepared_statements(table: str) -> list[str]:
    """Return the text of this session's prepared statements that name `table`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
            [f"%{table}%"],
        )
        return [row[0] for row in cursor.fetchall()]


def expected_numbers(centre, first: int, count: int) -> list[str]:
    prefix = f"{centre.region_code}{timezone.localdate():%y%m%d}"
    return [f"{prefix}{sequence:05d}" for sequence in range(first, first + count)]


def test_database_binds_parameters_on_server():
    options = connection.settings_dict["OPTIONS"]

    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] is not None


def test_counter_upsert_runs_prepared(demo):
    """Past psycopg's threshold, the upsert outside a transaction runs prepared."""
    runs = connection.settings_dict["OPTIONS"]["prepare_threshold"] + 2

    numbers = [actions._allocate_case_number(demo.centre) for _ in range(runs)]

    assert numbers == expected_numbers(demo.centre, 1, runs)
    assert CaseCounter.objects.get(centre=demo.centre).last == runs
    statements = prepared_statements(CaseCounter._meta.db_table)
    assert any("set_config" in statement for statement in statements)


def test_counter_upsert_in_transaction_runs_prepared(demo):
    """Inside a caller's transaction the upsert takes the VALUES form, prepared too."""
    runs = connection.settings_dict["OPTIONS"]["prepare_threshold"] + 2

    with transaction.atomic():
        numbers = [actions._allocate_case_number(demo.centre) for _ in range(runs)]
        statements = prepared_statements(CaseCounter._meta.db_table)

    assert numbers == expected_numbers(demo.centre, 1, runs)
    assert any("VALUES" in statement for statement in statements)
