"""The Django admin's screens of centres, departments and staff roles."""

from __future__ import annotations

import pytest

from onestop.core.models import AuditEvent, Membership

pytestmark = pytest.mark.django_db


def test_screens_list_for_platform_admin(demo):
    client = demo.client("platform")
    for path in (
        "/admin/core/centre/",
        f"/admin/core/department/?centre__id__exact={demo.centre.pk}",
        "/admin/core/membership/?role__exact=clerk",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
    assert "clerk" in client.get("/admin/core/membership/").content.decode()


def test_screens_hidden_from_centre_admin(demo):
    client = demo.client("centreadmin")
    assert client.get("/admin/core/membership/").status_code in (302, 403)


def test_add_staff_role_is_audited(demo):
    clerk = demo.user("clerk")

    response = demo.client("platform").post(
        "/admin/core/membership/add/",
        {"user": clerk.pk, "role": "supervisor", "centre": demo.centre.pk},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Membership.objects.filter(user=clerk, role="supervisor").exists()
    assert AuditEvent.objects.filter(verb="staff_role.granted").count() == 1


def test_add_reviewer_without_department_rejected(demo):
    clerk = demo.user("clerk")

    response = demo.client("platform").post(
        "/admin/core/membership/add/",
        {"user": clerk.pk, "role": "reviewer", "centre": demo.centre.pk},
    )

    assert response.status_code == 200
    assert "needs a department" in response.content.decode()
    assert not Membership.objects.filter(user=clerk, role="reviewer").exists()


def test_delete_staff_role_is_audited(demo):
    membership = Membership.objects.get(user__username="supervisor")

    response = demo.client("platform").post(
        f"/admin/core/membership/{membership.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(verb="staff_role.revoked").count() == 1
