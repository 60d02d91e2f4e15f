"""Every route rejects a path or query parameter that contains a control character with
an error of its own, never a 500.

PostgreSQL cannot compare or store text that contains U+0000, so such a value must not reach a
query. The routes are read from the URL resolver, so a route added later is covered too.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

pytestmark = pytest.mark.django_db

# What each path parameter is filled with: U+0000, which PostgreSQL rejects in text,
# and U+0007, another control character, each between visible characters. Then a value
# longer than any column it is looked up in, and one outside the Basic Multilingual
# Plane.
PROBE_VALUES = {
    "nul": "a%00b",
    "bell": "a%07b",
    "long": "a" * 3000,
    "astral": "%F0%A0%80%80",
}
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
# Converters whose values can hold any character but "/".
TEXT_CONVERTERS = {None, "str", "path"}
ACCOUNTS = ["anonymous", "applicant", "clerk", "centreadmin", "platform"]


def _routes(patterns: list[Any], prefix: str = "") -> list[str]:
    routes = []
    for pattern in patterns:
        if not isinstance(pattern.pattern, RoutePattern):
            continue
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes.extend(_routes(pattern.url_patterns, route))
        elif isinstance(pattern, URLPattern):
            routes.append(route)
    return routes


def _text_parameter_routes() -> list[str]:
    """Return the routes with at least one parameter that takes text."""
    routes = []
    for route in _routes(get_resolver().url_patterns):
        converters = [match["converter"] for match in PARAMETER.finditer(route)]
        if any(converter in TEXT_CONVERTERS for converter in converters):
            routes.append(route)
    return sorted(set(routes))


def _fill(route: str, value: str) -> str:
    def replace(match: re.Match[str]) -> str:
        if match["converter"] in TEXT_CONVERTERS:
            return value
        return "1"

    return "/" + PARAMETER.sub(replace, route)


def _client(demo: Any, account: str) -> Any:
    from django.test import Client

    if account == "anonymous":
        return Client()
    return demo.client(account)


def test_routes_are_found():
    routes = _text_parameter_routes()

    assert any(route.startswith("api/v1/cases/") for route in routes)
    assert any(route.startswith("portal/") for route in routes)
    assert len(routes) > 40


@pytest.mark.parametrize("account", ACCOUNTS)
@pytest.mark.parametrize("kind", sorted(PROBE_VALUES))
def test_no_server_error_on_any_route(demo, account, kind):
    client = _client(demo, account)
    failures = []
    for route in _text_parameter_routes():
        url = _fill(route, PROBE_VALUES[kind])
        for method in ("get", "post"):
            response = getattr(client, method)(url, headers={"Accept-Language": "en"})
            if response.status_code >= 500:
                failures.append(f"{method.upper()} {url}: {response.status_code}")

    assert failures == []


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/cases/a%00b", "url_path"),
        ("/portal/cases/a%07b/", "url_path"),
        ("/api/v1/cases?state=a%00b", "state"),
        ("/portal/?q=a%00b", "q"),
    ],
)
def test_control_character_named(demo, url, parameter):
    response = demo.client("applicant").get(url, headers={"Accept-Language": "en"})

    assert response.status_code == 400
    if url.startswith("/api/"):
        body = response.json()
        assert body["code"] == "request.control_character"
        assert body["details"]["path"] == parameter


def test_control_character_in_chinese(demo):
    response = demo.client("applicant").get(
        "/api/v1/centres/a%00b/matters", headers={"Accept-Language": "zh-hans"}
    )

    assert response.status_code == 400
    assert response.json()["message"].startswith("网址（URL）的路径含有控制字符 U+0000")


def test_control_character_in_parameter_name(demo):
    response = demo.client("applicant").get(
        "/api/v1/cases?a%01=1", headers={"Accept-Language": "en"}
    )

    assert response.status_code == 400
    assert response.json()["details"]["path"] == "query_parameter_name"


def test_form_body_to_json_operation(demo):
    response = demo.client("applicant").post(
        "/api/v1/ratings/links/unknown",
        data={"level": "5"},
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 415
    body = response.json()
    assert body["code"] == "request.json_required"
    assert body["details"]["content_type"] == "multipart/form-data"


def test_repeated_api_part_rejected(demo):
    from onestop.cases.models import Case

    response = demo.client("applicant").post(
        "/api/v1/cases",
        {"centre": ["440604", "511602"], "matter": "food-business-licence"},
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "request.part_repeated"
    assert body["details"] == {"field": "centre", "count": 2}
    assert not Case.objects.exists()


def test_repeated_page_field_kept(demo):
    response = demo.client("centreadmin").post(
        "/portal/", {"tags": ["a", "b"]}, headers={"Accept-Language": "en"}
    )

    assert response.status_code != 400
