"""Every GET operation of the API rejects a query parameter that it does not read, and
still reads the ones it declares."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from onestop.api import api
from onestop.cases.api import list_cases
from onestop.core.ledger.tests.factories import fill_ledger
from onestop.core.query_names import (
    accepted_query_names,
    reads_query_names,
)

# A value of each parameter type that Django Ninja's validation accepts, so that a
# request reaches the check of its query names.
SAMPLE_VALUES = {"integer": "1", "string": "x", "boolean": "false"}


def sample(parameter: dict) -> str:
    return SAMPLE_VALUES[parameter["schema"]["type"]]


def get_operations() -> list[tuple[str, dict[str, str]]]:
    """Return the path of each GET operation in the OpenAPI document, its parameters
    filled in, with the query parameters that it requires."""
    found = []
    for path, methods in api.get_openapi_schema()["paths"].items():
        if "get" not in methods:
            continue
        parameters = methods["get"].get("parameters", [])
        for parameter in parameters:
            if parameter["in"] == "path":
                placeholder = "{" + parameter["name"] + "}"
                path = path.replace(placeholder, sample(parameter))
        required = {
            parameter["name"]: sample(parameter)
            for parameter in parameters
            if parameter["in"] == "query" and parameter.get("required")
        }
        found.append((path, required))
    return found


GET_OPERATIONS = get_operations()


@pytest.fixture
def signed_in(django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_user("reader"))
    return client


def test_table_covers_every_get_operation():
    paths = [path for path, _required in GET_OPERATIONS]

    assert len(paths) >= 37
    assert "/api/v1/notifications" in paths
    assert "/api/v1/ratings/stats" in paths


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "head"])
@pytest.mark.parametrize(("path", "required"), GET_OPERATIONS)
def test_unknown_query_parameter_rejected(signed_in, method, path, required):
    response = getattr(signed_in, method)(path, {**required, "colour": "red"})

    assert response.status_code == 422, response.content
    if method == "get":
        body = response.json()
        assert body["code"] == "request.invalid"
        assert body["details"]["errors"] == [
            {"location": ["query", "colour"], "type": "extra_forbidden"}
        ]
        assert "colour is not a member of this request. Remove it." in body["message"]


@pytest.mark.django_db
def test_each_unknown_name_listed(signed_in):
    response = signed_in.get(
        "/api/v1/ratings/stats", {"from": "2026-12-31", "to": "2026-01-01"}
    )

    assert response.status_code == 422
    assert response.json()["details"]["errors"] == [
        {"location": ["query", "from"], "type": "extra_forbidden"},
        {"location": ["query", "to"], "type": "extra_forbidden"},
    ]


@pytest.mark.django_db
def test_unknown_name_message_in_chinese(signed_in):
    response = signed_in.get(
        "/api/v1/notifications", {"page": "2"}, headers={"Accept-Language": "zh-hans"}
    )

    assert response.status_code == 422
    assert response.json()["message"] == (
        "请求不符合接口规范：page 不是此请求的成员。请删除它。details.errors 中列出了"
        "每一处问题及其位置和 pydantic 类型。"
    )
    assert response.json()["details"]["errors"] == [
        {"location": ["query", "page"], "type": "extra_forbidden"}
    ]


@pytest.mark.django_db
def test_unknown_name_after_authentication():
    response = Client().get("/api/v1/notifications", {"page": "2"})

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_operation_without_query_succeeds(signed_in):
    response = signed_in.get("/api/v1/notifications")

    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.django_db
def test_public_operation_reads_declared_names(client):
    response = client.get("/api/v1/ratings/public", {"dimension": "matter"})
    wrong = client.get("/api/v1/ratings/public", {"dimension": "nonsense"})

    assert response.status_code == 200
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "rating.invalid_dimension"


@pytest.mark.django_db
def test_ledger_proofs_read_their_numbers(client):
    fill_ledger(9)

    inclusion = client.get("/api/v1/ledger/inclusion", {"index": "6", "tree_size": "9"})
    consistency = client.get(
        "/api/v1/ledger/consistency", {"first": "5", "second": "9"}
    )
    misspelt = client.get("/api/v1/ledger/inclusion", {"index": "6", "size": "9"})

    assert inclusion.status_code == 200
    assert inclusion.json()["index"] == 6
    assert inclusion.json()["tree_size"] == 9
    assert consistency.status_code == 200
    assert consistency.json()["first"] == 5
    assert consistency.json()["second"] == 9
    assert misspelt.status_code == 422
    assert misspelt.json()["details"]["errors"] == [
        {"location": ["query", "size"], "type": "extra_forbidden"}
    ]


def test_declared_names_from_signature():
    assert accepted_query_names(list_cases) == {"state", "limit", "page"}


def test_schema_fields_count_one_by_one():
    from onestop.ratings.api import statistics

    assert accepted_query_names(statistics) == {
        "dimension",
        "start",
        "end",
        "centre",
        "channel",
    }


def test_names_read_by_hand_accepted():
    @reads_query_names("download")
    def view(request):
        return None

    view._ninja_operation = list_cases._ninja_operation  # type: ignore[attr-defined]

    assert accepted_query_names(view) == {"state", "limit", "page", "download"}


def test_function_without_operation_rejected():
    def view(request):
        return None

    with pytest.raises(ImproperlyConfigured, match="has no Django Ninja operation"):
        accepted_query_names(view)
