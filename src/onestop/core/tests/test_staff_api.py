"""/api/v1/centres/{slug}/staff: list, grant, revoke, and each denial."""

from __future__ import annotations

import pytest
from django.test import Client

from onestop.core.models import AuditEvent, Membership
from onestop.portal.demo import PASSWORD

pytestmark = pytest.mark.django_db


def token_client(username):
    response = Client().post(
        "/api/v1/auth/token",
        {"username": username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return Client(HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}")


def url(centre, role_id=None):
    base = f"/api/v1/centres/{centre.slug}/staff"
    return base if role_id is None else f"{base}/{role_id}"


def test_list_staff_roles(demo, other_centre):
    response = token_client("centreadmin").get(url(demo.centre))

    assert response.status_code == 200
    rows = {(row["username"], row["role"]): row for row in response.json()}
    assert ("clerk", "clerk") in rows
    assert rows[("reviewer", "reviewer")]["department"] == "market_regulation"
    assert ("nanhai-clerk", "clerk") not in rows


def test_grant_and_revoke(demo):
    client = token_client("centreadmin")

    granted = client.post(
        url(demo.centre),
        {"username": "zhao", "role": "clerk", "create_account": True},
        content_type="application/json",
    )

    assert granted.status_code == 201, granted.content
    body = granted.json()
    assert body["role"] == "clerk"
    assert body["centre"] == demo.centre.slug
    assert body["initial_password"]
    revoked = client.delete(url(demo.centre, body["id"]))
    assert revoked.status_code == 204
    assert not Membership.objects.filter(pk=body["id"]).exists()
    verbs = list(AuditEvent.objects.values_list("verb", flat=True).order_by("pk"))
    assert verbs[-2:] == ["staff_role.granted", "staff_role.revoked"]


def test_grant_existing_has_no_password(demo):
    response = token_client("centreadmin").post(
        url(demo.centre),
        {"username": "clerk", "role": "reviewer", "department": "market_regulation"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["initial_password"] is None
    assert response.json()["department"] == "market_regulation"


def test_duplicate_grant_conflict(demo):
    response = token_client("centreadmin").post(
        url(demo.centre),
        {"username": "clerk", "role": "clerk"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "staff.role_already_held"
    assert "clerk" in response.json()["message"]


def test_platform_admin_grant_denied(demo):
    response = token_client("centreadmin").post(
        url(demo.centre),
        {"username": "clerk", "role": "platform_admin"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "staff.platform_admin_only"


def test_other_centre_list_denied(demo, other_centre):
    response = token_client("centreadmin").get(url(other_centre))
    assert response.status_code == 403
    assert response.json()["code"] == "permission.role_required"


def test_other_centre_grant_denied(demo, other_centre):
    response = token_client("centreadmin").post(
        url(other_centre),
        {"username": "clerk", "role": "clerk"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(centre=other_centre, user__username="clerk")


def test_other_centre_revoke_denied(demo, other_centre):
    foreign = Membership.objects.get(user__username="nanhai-clerk")
    client = token_client("centreadmin")

    assert client.delete(url(other_centre, foreign.pk)).status_code == 403
    assert client.delete(url(demo.centre, foreign.pk)).status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


def test_guest_denied(demo):
    response = Client().get(url(demo.centre))
    assert response.status_code == 401
