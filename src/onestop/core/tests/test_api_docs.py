"""The API docs: the page works offline (Swagger UI comes from the package, not a CDN),
and the OpenAPI document types every parameter and lists every operation's errors."""

import pytest
from django.test import Client

from onestop.api import api
from onestop.openapi import API_PREFIX, ERRORS_BY_OPERATION


@pytest.mark.django_db
def test_docs_page_uses_local_swagger():
    html = Client().get("/api/v1/docs").content.decode()
    assert "cdn.jsdelivr" not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html


# --- the OpenAPI document ------------------------------------------------------------------

UNSAFE_METHODS = {"post", "put", "patch", "delete"}


@pytest.fixture
def openapi(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", method, operation


def error_statuses(operation) -> set[int]:
    return {int(status) for status in operation["responses"] if int(status) >= 400}


def test_openapi_parameters_typed(openapi):
    untyped = [
        f"{name} {parameter['in']} {parameter['name']}"
        for name, _method, operation in operations(openapi)
        for parameter in operation.get("parameters", [])
        if "type" not in parameter.get("schema", {})
    ]
    assert untyped == []


def test_openapi_parameters_listed_once(openapi):
    repeated = [
        name
        for name, _method, operation in operations(openapi)
        if len({(p["in"], p["name"]) for p in operation.get("parameters", [])})
        != len(operation.get("parameters", []))
    ]
    assert repeated == []


def test_openapi_ledger_numbers_are_integers(openapi):
    inclusion = openapi["paths"]["/api/v1/ledger/inclusion"]["get"]
    consistency = openapi["paths"]["/api/v1/ledger/consistency"]["get"]
    entry = openapi["paths"]["/api/v1/ledger/entries/{index}"]["get"]
    types = {
        parameter["name"]: parameter["schema"]["type"]
        for operation in (inclusion, consistency, entry)
        for parameter in operation["parameters"]
    }
    assert types == {
        "index": "integer",
        "tree_size": "integer",
        "first": "integer",
        "second": "integer",
    }


def test_openapi_errors_use_error_schema(openapi):
    error = openapi["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "message", "details"]
    wrong = [
        f"{name} {status}"
        for name, _method, operation in operations(openapi)
        for status, response in operation["responses"].items()
        if int(status) >= 400
        and response["content"]["application/json"]["schema"]
        != {"$ref": "#/components/schemas/Error"}
    ]
    assert wrong == []


def test_openapi_operations_list_errors(openapi):
    missing = []
    for name, method, operation in operations(openapi):
        expected = {500}
        if operation.get("security"):
            expected.update((401, 403))
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            expected.add(404)
        if operation.get("requestBody") or method == "get":
            expected.add(422)
        if method in UNSAFE_METHODS:
            expected.add(400)
        absent = expected - error_statuses(operation)
        if absent:
            missing.append(f"{name}: {sorted(absent)}")
    assert missing == []


@pytest.mark.parametrize(
    ("name", "statuses"),
    [
        ("POST /api/v1/cases/{number}/accept", {400, 401, 403, 404, 409, 422}),
        ("POST /api/v1/auth/token", {400, 401, 403, 422, 429}),
        ("GET /api/v1/ratings/stats", {400, 401, 403, 422}),
        ("GET /api/v1/notifications", {401, 403, 422}),
        ("GET /api/v1/cases", {400, 401, 403, 404, 422}),
        ("GET /api/v1/centres/{slug}/window/cases", {400, 401, 403, 404, 422}),
        (
            "GET /api/v1/cases/{number}/documents/{document_id}/pdf",
            {401, 403, 404, 422},
        ),
        ("POST /api/v1/centres/{slug}/accounts/{username}/deactivate", {403, 409}),
    ],
)
def test_openapi_operation_error_statuses(openapi, name, statuses):
    method, path = name.split(" ")
    operation = openapi["paths"][path][method.lower()]
    assert statuses <= error_statuses(operation)


def test_openapi_error_table_names_operations(openapi):
    names = {
        f"{method.upper()} {path.removeprefix(API_PREFIX)}"
        for path, methods in openapi["paths"].items()
        for method in methods
    }
    assert set(ERRORS_BY_OPERATION) - names == set()


def test_unknown_api_path_answers_json(client):
    response = client.get("/api/v1/no-such-operation")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "api.path_not_found"
    assert response.json()["message"] == (
        "The API has no path /api/v1/no-such-operation. Its operations are listed at "
        "/api/v1/docs and in /api/v1/openapi.json."
    )


def test_unknown_api_path_answers_json_to_post(client):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.cookies["sessionid"] = "not-a-session"  # as a signed-in browser sends

    response = csrf_client.post("/api/v1/no-such-operation", {"a": "b"})

    assert response.status_code == 404
    assert response.json()["code"] == "api.path_not_found"


def test_wrong_method_answers_json(client):
    response = client.post("/api/v1/ledger/checkpoint")

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Allow"] == "GET, HEAD"
    assert response.json()["code"] == "api.method_not_allowed"
    assert response.json()["message"] == (
        "The API path /api/v1/ledger/checkpoint does not accept the POST method. "
        "Use GET, HEAD."
    )
    assert response.json()["details"]["allowed"] == ["GET", "HEAD"]


def test_wrong_method_message_is_chinese(client):
    response = client.delete(
        "/api/v1/ledger/checkpoint", headers={"Accept-Language": "zh-hans"}
    )

    assert response.status_code == 405
    assert "DELETE" in response.json()["message"]
    assert "不接受" in response.json()["message"]


def test_wrong_method_outside_api_is_unchanged(client):
    response = client.post("/verify/abc")

    assert response.status_code == 405
    assert not response["Content-Type"].startswith("application/json")


def test_openapi_schema_names_unique(openapi):
    """Two schemas with one class name would share one component, and one would be lost."""
    from ninja import Schema

    def all_subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from all_subclasses(sub)

    names = [
        cls.__name__
        for cls in set(all_subclasses(Schema))
        if cls.__module__.startswith("onestop.")
    ]
    shared = {name for name in names if names.count(name) > 1}

    assert shared & set(openapi["components"]["schemas"]) == set()


@pytest.mark.django_db
def test_head_answers_as_get_without_body(client):
    get = client.get("/api/v1/centres")
    head = client.head("/api/v1/centres")

    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == get["Content-Type"]
    assert head["Content-Length"] == str(len(get.content))


def test_head_of_post_only_path_is_405(client):
    response = client.head("/api/v1/cases/window")

    assert response.status_code == 405
    assert response["Allow"] == "POST"


def get_paths() -> list[tuple[str, list[str]]]:
    """Return each API path with a GET operation, its path parameters filled in, with
    the methods of its operations."""
    found = []
    for path, entries in api.get_openapi_schema()["paths"].items():
        if "get" not in entries:
            continue
        for entry in entries.values():
            for parameter in entry.get("parameters", []):
                if parameter["in"] == "path":
                    path = path.replace("{" + parameter["name"] + "}", "1")
        found.append((path, sorted(method.upper() for method in entries)))
    return found


GET_PATHS = get_paths()


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "methods"), GET_PATHS)
def test_allow_lists_head_beside_get(client, path, methods):
    expected = sorted({*methods, "HEAD"})

    # No operation of the API takes PATCH, so it gets 405 on every path.
    response = client.patch(path)
    head = client.head(path)

    assert "PATCH" not in methods
    assert response.status_code == 405
    assert response["Allow"] == ", ".join(expected)
    assert response.json()["details"]["allowed"] == expected
    assert head.status_code != 405


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/api/v1/docs"])
@pytest.mark.parametrize("method", ["post", "put", "delete", "options"])
def test_api_document_only_read(client, path, method):
    response = getattr(client, method)(path)

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json()["code"] == "api.method_not_allowed"


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/api/v1/docs"])
def test_api_document_answers_head(client, path):
    response = client.head(path)

    assert response.status_code == 200
    assert response.content == b""


def test_options_answers_405_with_allow(client):
    response = client.options("/api/v1/identity/me")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, PUT"
    assert response.json()["code"] == "api.method_not_allowed"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/ratings/stats?dimension=matter&dimension=window",
        "/api/v1/ledger/inclusion?index=1&tree_size=5&tree_size=5",
    ],
)
def test_repeated_query_parameter_rejected_by_api(client, path):
    response = client.get(path)

    assert response.status_code == 400
    assert response.json()["code"] == "request.parameter_repeated"
    assert "is given 2 times" in response.json()["message"]


def test_repeated_query_parameter_rejected_by_page(client):
    response = client.get(
        "/verify/x?start=2026-12-01&start=2026-01-01",
        headers={"Accept-Language": "zh-hans"},
    )

    assert response.status_code == 400
    assert "查询参数 start 出现了 2 次" in response.content.decode()


# --- dates and times -------------------------------------------------------------------

# Response members that handlers fill with a date's isoformat() (2026-12-05). Every
# member whose name ends in _at contains a time from api_datetime (2026-12-05T20:31:07+08:00).
DATE_MEMBERS = {
    "birth_date",
    "promised_due",
    "statutory_due",
    "decided_on",
    "listed_on",
    "delisted_on",
    "valid_from",
    "valid_until",
}


def string_formats(member) -> set[str | None]:
    """Return the format of each string branch of a member's schema."""
    branches = member.get("anyOf", [member])
    return {branch.get("format") for branch in branches if branch["type"] == "string"}


def response_members(document):
    for schema_name, schema in document["components"]["schemas"].items():
        if schema_name.endswith("In"):
            continue
        for name, member in schema.get("properties", {}).items():
            yield f"{schema_name}.{name}", name, member


def test_openapi_response_times_are_date_time(openapi):
    members = [
        (label, string_formats(member))
        for label, name, member in response_members(openapi)
        if name.endswith("_at")
    ]

    assert ("CaseOut.created_at", {"date-time"}) in members
    assert ("ExtensionOut.decided_at", {"date-time"}) in members
    assert [label for label, formats in members if formats != {"date-time"}] == []


def test_openapi_response_dates_are_date(openapi):
    members = [
        (label, string_formats(member))
        for label, name, member in response_members(openapi)
        if name in DATE_MEMBERS
    ]

    assert ("CaseOut.promised_due", {"date"}) in members
    assert ("RecordOut.decided_on", {"date"}) in members
    assert [label for label, formats in members if formats != {"date"}] == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Use GET, HEAD, PUT."), ("zh-hans", "请改用 GET、HEAD、PUT。")],
)
def test_wrong_method_lists_methods_in_language(client, language, expected):
    response = client.delete(
        "/api/v1/identity/me", headers={"Accept-Language": language}
    )

    assert response.status_code == 405
    assert response.json()["message"].endswith(expected)
    assert response.json()["details"]["allowed"] == ["GET", "HEAD", "PUT"]
    assert response["Allow"] == "GET, HEAD, PUT"
