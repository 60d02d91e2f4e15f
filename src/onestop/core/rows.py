"""Whole-row reads by equality with one raw SELECT, for the paths every request takes.

The ORM compiles a queryset anew on each call, which for a one-row look-up by key costs
several times the database's own work. `fetch` builds the text of its SELECT once per
model, condition and join, and it builds instances with `Model.from_db`, as the ORM does.
So deferred columns load on first access, and joined rows are cached on their foreign
keys the way `select_related` caches them.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, ForeignKey, Model

# A join: the foreign key's name on the base model, and the columns of the joined model
# that are not read (they are deferred and load on first access).
Related = Mapping[str, Sequence[str]]


def fetch[M: Model](
    model: type[M],
    where: Mapping[str, Any],
    *,
    related: Related | None = None,
    defer: Sequence[str] = (),
    limit: int | None = None,
) -> list[M]:
    """Return the rows of `model` whose columns equal `where`, with `related` joined.

    `where` maps attribute names ("centre_id", "pack_id") to values; a None value matches
    NULL. Each key of `related` names a foreign key of `model`, and its value lists the
    joined model's columns to leave out. `defer` lists the base model's columns to leave
    out. Rows come in primary key order.
    """
    joins = tuple((name, tuple(skip)) for name, skip in (related or {}).items())
    nulls = tuple(name for name, value in where.items() if value is None)
    plan = _plan(model, tuple(where), nulls, joins, tuple(defer), limit)
    parameters = [value for value in where.values() if value is not None]
    with connection.cursor() as cursor:
        cursor.execute(plan.sql, parameters)
        rows = cursor.fetchall()
    return [plan.build(row) for row in rows]


def fetch_one[M: Model](
    model: type[M],
    where: Mapping[str, Any],
    *,
    related: Related | None = None,
    defer: Sequence[str] = (),
) -> M | None:
    """Return the first row that `fetch` would return, or None."""
    found = fetch(model, where, related=related, defer=defer, limit=1)
    return found[0] if found else None


class _Part:
    """The columns of one model in the SELECT, and how to build its instance."""

    def __init__(self, model: type[Model], skip: Sequence[str]) -> None:
        self.model = model
        self.fields: list[Field] = [
            field
            for field in model._meta.concrete_fields
            if field.attname not in skip and field.name not in skip
        ]
        self.names = [field.attname for field in self.fields]
        self.pk_position = self.fields.index(model._meta.pk)
        every = [
            (position, _converters(field)) for position, field in enumerate(self.fields)
        ]
        self.converters = [(position, found) for position, found in every if found]

    def build(self, values: Sequence[Any]) -> Model:
        converted = list(values)
        for position, converters in self.converters:
            value = converted[position]
            if value is not None:
                for converter, expression in converters:
                    value = converter(value, expression, connection)
                converted[position] = value
        return self.model.from_db(connection.alias, self.names, converted)


class _Plan:
    def __init__(
        self, sql: str, base: _Part, joined: list[tuple[ForeignKey, _Part]]
    ) -> None:
        self.sql = sql
        self.base = base
        self.joined = joined

    def build(self, row: Sequence[Any]) -> Any:
        width = len(self.base.fields)
        instance = self.base.build(row[:width])
        for foreign_key, part in self.joined:
            values = row[width : width + len(part.fields)]
            width += len(part.fields)
            related = None if values[part.pk_position] is None else part.build(values)
            foreign_key.set_cached_value(instance, related)
        return instance


@functools.cache
def _plan(
    model: type[Model],
    columns: tuple[str, ...],
    nulls: tuple[str, ...],
    joins: tuple[tuple[str, tuple[str, ...]], ...],
    defer: tuple[str, ...],
    limit: int | None,
) -> _Plan:
    quote = connection.ops.quote_name
    base = _Part(model, defer)
    selected = [f"T0.{quote(_column(field))}" for field in base.fields]
    tables = [f"{quote(model._meta.db_table)} T0"]
    joined: list[tuple[ForeignKey, _Part]] = []
    for number, (name, skip) in enumerate(joins, start=1):
        foreign_key = model._meta.get_field(name)
        assert isinstance(foreign_key, ForeignKey)  # noqa: S101 - a programming error
        part = _Part(foreign_key.related_model, skip)  # type: ignore[arg-type]
        selected += [f"T{number}.{quote(_column(field))}" for field in part.fields]
        target = quote(_column(foreign_key.target_field))
        tables.append(
            f"LEFT JOIN {quote(part.model._meta.db_table)} T{number} "
            f"ON T{number}.{target} = T0.{quote(_column(foreign_key))}"
        )
        joined.append((foreign_key, part))
    conditions = [
        f"T0.{quote(_column(model._meta.get_field(name)))} "
        + ("IS NULL" if name in nulls else "= %s")
        for name in columns
    ]
    # Table and column names come from the models; values are parameters.
    sql = f"SELECT {', '.join(selected)} FROM {' '.join(tables)}"  # noqa: S608
    if conditions:
        sql += " WHERE " + " AND ".join(conditions)
    sql += f" ORDER BY T0.{quote(_column(model._meta.pk))}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return _Plan(sql, base, joined)


def _column(field: Any) -> str:
    """Return the database column of a concrete field (every concrete field has one)."""
    return str(field.column)


def _converters(field: Field) -> list[tuple[Any, _Expression]]:
    """Return the converters that the ORM applies to this column's values, in order."""
    expression = _Expression(field)
    found = [
        # The backend reads only `output_field` of the expression it is given.
        *connection.ops.get_db_converters(expression),  # type: ignore[arg-type]
        *field.get_db_converters(connection),
    ]
    return [(converter, expression) for converter in found]


class _Expression:
    """The stand-in for a column expression that database converters expect."""

    def __init__(self, field: Field) -> None:
        self.output_field = field
        self.target = field
