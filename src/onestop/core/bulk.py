"""Multi-row INSERT of plain values, for bulk writes that need no model instances."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import Field, Model
from psycopg.types.json import Jsonb

# Internal types whose values the writer sends as given. Their get_db_prep_save only
# checks the type of a str, int or bool, so skipping it for thousands of values is the
# point of this module. Every other field (JSON, dates, decimals) goes through it.
PLAIN_INTERNAL_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "ForeignKey",
        "IntegerField",
        "PositiveIntegerField",
        "SlugField",
        "TextField",
    }
)


@dataclass(frozen=True)
class Prepared:
    """A value already converted to a database parameter, which `insert_rows` sends as is.

    Made by `prepare`, so that a value used in many rows or tables is converted once.
    """

    parameter: Any


def prepare(model: type[Model], name: str, value: Any) -> Prepared:
    """Convert `value` for the field `name` of `model` as `Model.save` would."""
    return Prepared(_column_field(model, name).get_db_prep_save(value, connection))


def prepare_json_text(text: str) -> Prepared:
    """Return the parameter of a JSONField value already serialised as `text`.

    The field must have no custom encoder, and `text` must be what `json.dumps` returns
    for the value, which is what the field's `get_db_prep_save` would send.
    """
    if connection.vendor == "postgresql":
        # psycopg calls `dumps` on the wrapped value when it binds the parameter.
        return Prepared(Jsonb(text, dumps=str))
    return Prepared(text)


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """Return `count` new primary keys of `model`, for rows that name their own ids.

    On PostgreSQL the ids come from the table's sequence, so other inserts never take
    them. On SQLite they follow the largest id the table has had (its AUTOINCREMENT
    counter included), so call it inside the transaction that inserts the rows. No
    other connection can take them there: the project's IMMEDIATE transactions hold the
    write lock from BEGIN, and in WAL mode SQLite fails the first write of a deferred
    transaction that read before another connection's commit.
    """
    table = model._meta.db_table
    column = _column(model._meta.pk)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                "FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]

        if not connection.in_atomic_block:
            raise RuntimeError("call reserve_ids inside a transaction on SQLite")
        # Table and column names come from the model, values go in as parameters.
        cursor.execute(
            f"SELECT MAX(COALESCE(MAX({quote(column)}), 0), "  # noqa: S608
            "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0)) "
            f"FROM {quote(table)}",
            [table],
        )
        top = cursor.fetchone()[0]
    return list(range(top + 1, top + 1 + count))


def insert_rows(
    model: type[Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Insert `rows` into the table of `model` and return their `returning` columns.

    `columns` are attribute names ("centre_id", "name"). Values of text, integer, boolean,
    primary key and foreign key columns go to the database as given, so they must be
    str, int, bool or None. Values of other fields, such as JSON and dates, are
    converted by the field's `get_db_prep_save`, as `Model.save` does, unless they are
    `Prepared`. Every column of the table that `columns` leaves out, except the
    automatic primary key, gets the field's default, called once per row. Sends one
    `INSERT ... VALUES (...), (...)` per batch that fits the backend's parameter limit.
    PostgreSQL and SQLite return the RETURNING rows in the order of the VALUES rows, as
    Django's `bulk_create` relies on.
    """
    plan = _plan(model, tuple(columns))
    returned_columns = _returning(model, tuple(returning))
    parameters = _parameters(plan, rows)

    batch = max(1, connection.ops.bulk_batch_size(list(plan.fields), parameters))
    returned: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(parameters), batch):
            part = parameters[start : start + batch]
            cursor.execute(
                _insert_sql(model, plan.fields, len(part), returned_columns),
                [value for row in part for value in row],
            )
            if returning:
                returned.extend(tuple(row) for row in cursor.fetchall())
    return returned


@dataclass(frozen=True)
class _Plan:
    """The fields that an INSERT of some columns of one model writes, in column order.

    `fields` are the named columns followed by `defaulted`, the columns that get their
    field's default. `converted` are the positions in `fields` of the values that go
    through `get_db_prep_save`.
    """

    fields: tuple[Field, ...]
    defaulted: tuple[Field, ...]
    converted: tuple[int, ...]


# A plan depends only on the model's fields, which do not change while a process runs.
@functools.cache
def _plan(model: type[Model], columns: tuple[str, ...]) -> _Plan:
    named = [_column_field(model, name) for name in columns]
    defaulted = tuple(
        field
        for field in model._meta.concrete_fields
        if field not in named and field is not model._meta.auto_field
    )
    fields = (*named, *defaulted)
    converted = tuple(
        index
        for index, field in enumerate(fields)
        if field.get_internal_type() not in PLAIN_INTERNAL_TYPES
    )
    return _Plan(fields, defaulted, converted)


@functools.cache
def _returning(model: type[Model], names: tuple[str, ...]) -> tuple[str, ...]:
    """Return the table columns of the attributes `names`, for a RETURNING clause."""
    return tuple(_column(_column_field(model, name)) for name in names)


def _column_field(model: type[Model], name: str) -> Field:
    """Return the field `name` of `model`, or raise if it has no column in the table."""
    field = model._meta.get_field(name)
    # A reverse relation or a many-to-many field is not a column of this table.
    if not isinstance(field, Field) or not field.concrete:
        raise FieldDoesNotExist(
            f"{model.__name__}.{name} is not a column of {model._meta.db_table}. "
            "Pass the name of a concrete field."
        )
    return field


def _column(field: Field) -> str:
    # A concrete field's column is set, although the stubs type it as optional.
    return cast(str, field.column)


def _parameters(plan: _Plan, rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """Return the database parameters of `rows`, with the defaults of the plan added."""
    converters = [
        (index, plan.fields[index].get_db_prep_save) for index in plan.converted
    ]
    parameters = []
    for row in rows:
        values = [*row, *(field.get_default() for field in plan.defaulted)]
        for index, convert in converters:
            value = values[index]
            if isinstance(value, Prepared):
                values[index] = value.parameter
            else:
                values[index] = convert(value, connection)
        parameters.append(values)
    return parameters


# The cache is bounded because statements differ by row count. Provisioning a centre
# sends batches of many sizes, and each statement is several kilobytes long.
@functools.lru_cache(maxsize=256)
def _insert_sql(
    model: type[Model],
    fields: tuple[Field, ...],
    count: int,
    returning: tuple[str, ...],
) -> str:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(_column(field)) for field in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # Table and column names come from the model, values go in as parameters.
    sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * count)}"  # noqa: S608
    if returning:
        sql += " RETURNING " + ", ".join(quote(name) for name in returning)
    return sql


def insert_instances[M: Model](instances: Sequence[M]) -> Sequence[M]:
    """Insert unsaved instances of one model with one INSERT and give them their ids.

    It writes what `bulk_create` writes, which is every concrete column with the
    instance's value (the constructor has applied the field defaults), without its
    per-object steps. It is meant for the few rows of a request's hot path. Like
    `bulk_create` on PostgreSQL and SQLite, it takes the returned ids in the order of
    the VALUES rows. Model `save` methods and signals do not run.
    """
    if not instances:
        return instances
    model = type(instances[0])
    columns = _instance_columns(model)
    rows = [[getattr(instance, name) for name in columns] for instance in instances]
    if model._meta.auto_field is None:
        insert_rows(model, columns, rows)  # the ids are set already, such as UUIDs
    else:
        returned = insert_rows(model, columns, rows, returning=[model._meta.pk.attname])
        for instance, (pk,) in zip(instances, returned, strict=True):
            instance.pk = pk
    for instance in instances:
        instance._state.adding = False
        instance._state.db = connection.alias
    return instances


@functools.cache
def _instance_columns(model: type[Model]) -> tuple[str, ...]:
    """Return the attribute names of the columns that `insert_instances` writes."""
    return tuple(
        field.attname
        for field in model._meta.concrete_fields
        if field is not model._meta.auto_field
    )
