"""A signed-in staff account that opens a kiosk page gets a page that offers sign-out."""

from __future__ import annotations

import pytest
import structlog
from django.test import Client

from onestop.core.models import Membership, Role
from onestop.kiosk.middleware import KIOSK_SESSION_KEY
from onestop.portal.demo import PASSWORD

pytestmark = pytest.mark.django_db

STAFF_MESSAGE = (
    "This self-service kiosk is for applicants, so the staff account {username} "
    "cannot use it. Sign out here to let applicants use the kiosk, and use the staff "
    "pages at a staff computer."
)


def kiosk_paths(demo):
    matters = f"/kiosk/{demo.centre.slug}/matters/"
    return [
        "/kiosk/",
        "/kiosk/login/",
        matters,
        f"{matters}food-business-licence/",
        f"{matters}food-business-licence/apply/",
        "/kiosk/cases/NOCASE/",
    ]


def staff_client(username, language="en"):
    client = Client(headers={"Accept-Language": language})
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.mark.parametrize("username", ["clerk", "supervisor", "platform"])
def test_staff_session_gets_sign_out_page(demo, username):
    client = staff_client(username)

    for path in kiosk_paths(demo):
        response = client.get(path)

        assert response.status_code == 403, path
        page = response.content.decode()
        assert 'data-code="auth.staff_session_at_kiosk"' in page, path
        assert STAFF_MESSAGE.format(username=username) in page, path
        assert 'id="kiosk-sign-out"' in page, path
        assert '<input type="hidden" name="next" value="/kiosk/">' in page, path
        assert 'class="kiosk"' not in page, path
        assert KIOSK_SESSION_KEY not in client.session, path
        assert client.session["_auth_user_id"] == str(demo.user(username).pk)


def test_staff_session_rejected_on_kiosk_sign_in_post(demo):
    client = staff_client("clerk")

    response = client.post(
        "/kiosk/login/", {"username": "applicant", "password": PASSWORD}
    )

    assert response.status_code == 403
    assert client.session["_auth_user_id"] == str(demo.user("clerk").pk)
    assert KIOSK_SESSION_KEY not in client.session


def test_staff_session_page_in_chinese(demo):
    client = staff_client("clerk", language="zh-hans")

    page = client.get("/kiosk/").content.decode()

    assert "工作人员账号 clerk 不能在此使用" in page
    assert "退出登录并打开自助终端" in page


def test_staff_session_rejection_logged(demo):
    client = staff_client("clerk")

    with structlog.testing.capture_logs() as logs:
        client.get("/kiosk/")

    rejected = [e for e in logs if e["event"] == "auth.staff_session_at_kiosk_rejected"]
    assert len(rejected) == 1
    assert rejected[0]["user_id"] == demo.user("clerk").pk
    assert rejected[0]["path"] == "/kiosk/"


def test_staff_session_keeps_desktop_layout(demo):
    client = staff_client("clerk")
    client.get("/kiosk/")

    page = client.get("/window/").content.decode()

    assert 'class="kiosk"' not in page
    assert KIOSK_SESSION_KEY not in client.session


def test_sign_out_opens_kiosk_for_applicants(demo):
    client = staff_client("clerk")
    client.get("/kiosk/")

    response = client.post("/accounts/logout/", {"next": "/kiosk/"}, follow=True)

    assert response.redirect_chain[0][0] == "/kiosk/"
    assert "_auth_user_id" not in client.session
    assert client.session[KIOSK_SESSION_KEY] is True


def test_kiosk_flag_ignored_for_new_staff_role(demo):
    # An applicant's kiosk session whose account is granted a staff role meanwhile.
    client = staff_client("applicant")
    client.get("/kiosk/")
    assert client.session[KIOSK_SESSION_KEY] is True
    Membership.objects.create(
        user=demo.user("applicant"), centre=demo.centre, role=Role.CLERK
    )

    profile = client.get("/accounts/profile/").content.decode()
    response = client.get("/kiosk/")

    assert 'class="kiosk"' not in profile

    assert response.status_code == 403
    assert KIOSK_SESSION_KEY not in client.session


def test_applicant_session_still_flagged(demo):
    client = staff_client("applicant")

    response = client.get(f"/kiosk/{demo.centre.slug}/matters/")

    assert response.status_code == 200
    assert client.session[KIOSK_SESSION_KEY] is True
