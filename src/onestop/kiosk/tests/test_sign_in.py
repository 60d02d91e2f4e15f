"""The kiosk's own sign-in page, which keeps the touch layout."""

from __future__ import annotations

from django.test import Client

from onestop.portal.demo import PASSWORD


def test_apply_sends_visitor_to_kiosk_sign_in(demo):
    path = f"/kiosk/{demo.centre.slug}/matters/food-business-licence/apply/"

    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/kiosk/login/?next={path}"


def test_sign_in_page_uses_touch_layout(demo):
    page = Client().get("/kiosk/login/").content.decode()

    assert 'class="kiosk"' in page
    assert 'href="/kiosk/login/"' in page


def test_sign_in_returns_to_kiosk(demo):
    response = Client().post(
        "/kiosk/login/", {"username": "applicant", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/kiosk/"


def test_kiosk_session_keeps_touch_layout_elsewhere(demo):
    kiosk = demo.client("applicant")
    kiosk.get("/kiosk/")

    page = kiosk.get("/accounts/profile/").content.decode()

    assert 'class="kiosk"' in page
    assert '<a class="brand" href="/kiosk/">' in page
    assert '<input type="hidden" name="next" value="/kiosk/">' in page


def test_portal_session_keeps_portal_layout(demo):
    page = demo.client("applicant").get("/accounts/profile/").content.decode()

    assert 'class="kiosk"' not in page
    assert '<a class="brand" href="/">' in page


def test_sign_out_keeps_kiosk_flag(demo):
    kiosk = demo.client("applicant")
    kiosk.get("/kiosk/")

    response = kiosk.post("/accounts/logout/", {"next": "/kiosk/"}, follow=True)

    assert response.redirect_chain[0][0] == "/kiosk/"
    page = kiosk.get("/accounts/register/").content.decode()
    assert 'class="kiosk"' in page


def test_staff_sign_in_at_kiosk_rejected(demo):
    kiosk = Client(headers={"Accept-Language": "en"})

    response = kiosk.post("/kiosk/login/", {"username": "clerk", "password": PASSWORD})

    page = response.content.decode()
    assert response.status_code == 403
    assert 'data-code="auth.staff_at_kiosk"' in page
    assert "the staff account clerk cannot sign in here" in page
    assert 'class="kiosk"' in page
    assert "_auth_user_id" not in kiosk.session


def test_kiosk_session_rejects_staff_in_chinese(demo):
    kiosk = Client(headers={"Accept-Language": "zh-hans"})
    kiosk.get("/kiosk/")

    response = kiosk.post(
        "/accounts/login/", {"username": "centreadmin", "password": PASSWORD}
    )

    assert response.status_code == 403
    assert "工作人员账号 centreadmin 不能在此登录" in response.content.decode()
    assert "_auth_user_id" not in kiosk.session


def test_staff_sign_in_outside_kiosk_allowed(demo):
    response = Client().post(
        "/accounts/login/", {"username": "clerk", "password": PASSWORD}
    )

    assert response.status_code == 302


def test_registering_at_kiosk_without_next_returns_to_kiosk(demo):
    kiosk = Client()
    kiosk.get("/kiosk/")

    response = kiosk.post(
        "/accounts/register/",
        {
            "username": "kiosk-newcomer",
            "password": "a-long-passphrase-1",
            "id_number": "110101199003077758",
            "name": "王五",
            "phone": "13800138000",
            "address": "佛山市禅城区祖庙路1号",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/kiosk/"
