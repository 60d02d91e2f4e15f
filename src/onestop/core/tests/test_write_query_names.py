"""POST, PUT and DELETE operations of the API reject a query parameter that they do not
read, before they write anything, and still write without one."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from ninja.operation import Operation
from ninja.utils import normalize_path

from onestop.api import api
from onestop.cases.models import Case, CaseEvent, CaseState
from onestop.cases.tests.test_receipts import apply_online, window_data
from onestop.core.models import ApiToken, Membership, Window
from onestop.core.query_names import accepted_query_names
from onestop.core.schema_errors import SchemaMismatch
from onestop.portal.demo import PASSWORD

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def write_operations() -> list[tuple[str, str, Operation]]:
    """Return the method, path and operation of each write of the API, as mounted with
    the API's decorators."""
    found = []
    # Django Ninja 1.7 applies the API's decorators to copies of the operations,
    # which each mounted router (a BoundRouter, private API) keeps. The operation
    # that a router decorator registered stays undecorated.
    for router in api._get_bound_routers():
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in WRITE_METHODS.intersection(operation.methods):
                    found.append(
                        (method, normalize_path(router.prefix + path), operation)
                    )
    return found


WRITE_OPERATIONS = write_operations()


def assert_unknown_names(response, *names: str) -> None:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "request.invalid"
    assert body["details"]["errors"] == [
        {"location": ["query", name], "type": "extra_forbidden"} for name in names
    ]


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    WRITE_OPERATIONS,
    ids=[f"{method} {path}" for method, path, _operation in WRITE_OPERATIONS],
)
def test_write_operation_checks_query(method, path, operation):
    request = RequestFactory().generic(method, "/api/v1" + path + "?colour=red")

    # The check raises before the view function reads its parameters or the
    # database, so the view function gets none of its arguments here.
    with pytest.raises(SchemaMismatch) as raised:
        operation.view_func(request)

    assert raised.value.details["errors"] == [
        {"location": ["query", "colour"], "type": "extra_forbidden"}
    ]
    # docs/api.md states that no POST, PUT or DELETE takes a query parameter.
    assert accepted_query_names(operation.view_func) == frozenset()


@pytest.mark.django_db
def test_token_with_unknown_name_not_issued(demo):
    body = {"username": "clerk", "password": PASSWORD}
    before = ApiToken.objects.count()

    rejected = Client().post(
        "/api/v1/auth/token?dry_run=1", body, content_type="application/json"
    )

    assert_unknown_names(rejected, "dry_run")
    message = rejected.json()["message"]
    assert "dry_run is not a member of this request. Remove it." in message
    assert ApiToken.objects.count() == before

    issued = Client().post("/api/v1/auth/token", body, content_type="application/json")

    assert issued.status_code == 200, issued.content
    assert ApiToken.objects.count() == before + 1


@pytest.mark.django_db
def test_withdraw_with_unknown_name_keeps_case(demo):
    number = apply_online(demo)
    client = demo.client("applicant")
    path = f"/api/v1/cases/{number}/withdraw"
    events = CaseEvent.objects.count()

    rejected = client.post(
        f"{path}?dry_run=1", {"reason": "不再申请"}, content_type="application/json"
    )

    assert_unknown_names(rejected, "dry_run")
    assert Case.objects.get(number=number).state != CaseState.WITHDRAWN
    assert CaseEvent.objects.count() == events

    withdrawn = client.post(
        path, {"reason": "不再申请"}, content_type="application/json"
    )

    assert withdrawn.status_code == 200, withdrawn.content
    assert Case.objects.get(number=number).state == CaseState.WITHDRAWN
    assert CaseEvent.objects.count() > events


@pytest.mark.django_db
def test_window_acceptance_unknown_names_not_filed(demo):
    client = demo.client("clerk")
    before = Case.objects.count()

    rejected = client.post(
        "/api/v1/cases/window?dry_run=1&force=true", window_data(demo)
    )

    assert_unknown_names(rejected, "dry_run", "force")
    assert Case.objects.count() == before

    accepted = client.post("/api/v1/cases/window", window_data(demo))

    assert accepted.status_code == 201, accepted.content
    assert Case.objects.count() == before + 1


@pytest.mark.django_db
def test_window_add_with_unknown_name_not_created(demo):
    client = demo.client("centreadmin")
    path = f"/api/v1/centres/{demo.centre.slug}/windows"
    body = {"code": "M1", "name": "市场监管窗口"}
    before = Window.objects.count()

    rejected = client.post(f"{path}?dry_run=1", body, content_type="application/json")

    assert_unknown_names(rejected, "dry_run")
    assert Window.objects.count() == before

    added = client.post(path, body, content_type="application/json")

    assert added.status_code == 201, added.content
    assert Window.objects.count() == before + 1


@pytest.mark.django_db
def test_window_change_with_unknown_name_not_saved(demo):
    client = demo.client("centreadmin")
    path = f"/api/v1/centres/{demo.centre.slug}/windows/3"
    old_name = Window.objects.get(centre=demo.centre, code="3").name
    body = {"name": "综合窗口 甲"}

    rejected = client.put(f"{path}?force=true", body, content_type="application/json")

    assert_unknown_names(rejected, "force")
    assert Window.objects.get(centre=demo.centre, code="3").name == old_name

    changed = client.put(path, body, content_type="application/json")

    assert changed.status_code == 200, changed.content
    assert Window.objects.get(centre=demo.centre, code="3").name == "综合窗口 甲"


@pytest.mark.django_db
def test_role_revoke_with_unknown_name_kept(demo):
    client = demo.client("centreadmin")
    role = Membership.objects.get(user=demo.user("clerk"), centre=demo.centre)
    path = f"/api/v1/centres/{demo.centre.slug}/staff/{role.pk}"
    before = Membership.objects.count()

    rejected = client.delete(f"{path}?force=true")

    assert_unknown_names(rejected, "force")
    assert Membership.objects.count() == before

    revoked = client.delete(path)

    assert revoked.status_code == 204, revoked.content
    assert Membership.objects.count() == before - 1


@pytest.mark.django_db
def test_write_unknown_name_message_in_chinese(demo):
    response = Client().post(
        "/api/v1/auth/token?dry_run=1",
        {"username": "clerk", "password": PASSWORD},
        content_type="application/json",
        headers={"Accept-Language": "zh-hans"},
    )

    assert_unknown_names(response, "dry_run")
    assert "dry_run 不是此请求的成员。请删除它。" in response.json()["message"]
