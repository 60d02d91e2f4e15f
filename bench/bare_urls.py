"""URLs for bench/bench_api.py: the product's URLs plus a bare one-row-insert endpoint.

POST /bench/rows inserts one row into the table `bench_row`, which the benchmark creates
itself. The endpoint goes through the same server, middleware and Django Ninja as the
product's API, without authentication and without any of OneStop's domain code, so it
is the baseline that the window acceptance path is compared with.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.http import HttpRequest
from django.urls import path
from ninja import NinjaAPI, Schema
from ninja.responses import Status

from onestop.urls import urlpatterns as product_urlpatterns

bare_api = NinjaAPI(
    title="OneStop bench", version="bench", urls_namespace="bench-bare", auth=None
)


class RowIn(Schema):
    payload: str


class RowOut(Schema):
    id: int


@bare_api.post("/rows", response={201: RowOut})
def insert_row(request: HttpRequest, row: RowIn) -> Status:
    """Insert one row in its own transaction and return its id."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_row (payload) VALUES (%s) RETURNING id", [row.payload]
        )
        (row_id,) = cursor.fetchone()
    return Status(201, {"id": row_id})


urlpatterns = [path("bench/", bare_api.urls), *product_urlpatterns]
