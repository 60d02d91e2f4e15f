"""Bulk INSERTs reject names that are not columns of the model's table."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import FieldDoesNotExist

from onestop.catalog.models import Matter
from onestop.core.bulk import insert_rows, prepare


def not_a_column(name: str) -> str:
    """Return the pattern of the error for a name of Matter that has no column."""
    return re.escape(
        f"Matter.{name} is not a column of catalog_matter. "
        "Pass the name of a concrete field."
    )


@pytest.mark.parametrize("name", ["versions", "overlays"])
def test_insert_rows_rejects_reverse_relation(name):
    with pytest.raises(FieldDoesNotExist, match=not_a_column(name)):
        insert_rows(Matter, [name], [[1]])


@pytest.mark.django_db
def test_returning_rejects_reverse_relation():
    with pytest.raises(FieldDoesNotExist, match=not_a_column("versions")):
        insert_rows(Matter, ["name"], [["x"]], returning=["versions"])


def test_prepare_rejects_reverse_relation():
    with pytest.raises(FieldDoesNotExist, match=not_a_column("versions")):
        prepare(Matter, "versions", 1)
