"""The sign-in page shows a notice when a form was sent after its session had ended."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client

from onestop.core.session_generation import end_sessions

UNEMPLOYMENT = "unemployment-insurance-benefit"
ENDED_NOTICE = "Your session ended before the form was sent"
ENDED_NOTICE_ZH = "表单发送前您的登录已失效"


def apply_path(demo, surface="portal"):
    return f"/{surface}/{demo.centre.slug}/matters/{UNEMPLOYMENT}/apply/"


def test_post_without_session_marks_sign_in(demo):
    path = apply_path(demo)

    response = Client().post(path, {"field.former_employer": "佛山某公司"})

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}&session_ended=1"


def test_kiosk_post_marks_kiosk_sign_in(demo):
    client = Client()
    client.get("/kiosk/")
    path = apply_path(demo, "kiosk")

    response = client.post(path, {"field.former_employer": "佛山某公司"})

    assert response.status_code == 302
    assert response["Location"] == f"/kiosk/login/?next={path}&session_ended=1"


def test_correction_post_marks_sign_in(demo):
    response = Client().post("/portal/cases/20261206000001/", {"action": "resubmit"})

    assert response.status_code == 302
    assert response["Location"].endswith("&session_ended=1")


def test_get_without_session_not_marked(demo):
    path = apply_path(demo)

    response = Client().get(path)

    assert response["Location"] == f"/accounts/login/?next={path}"


def test_sign_out_not_marked(demo):
    response = demo.client("applicant").post("/accounts/logout/")

    assert response.status_code == 302
    assert "session_ended" not in response["Location"]


def test_raised_generation_marks_sign_in(demo):
    client = demo.client("applicant")
    end_sessions(get_user_model().objects.get(username="applicant"))
    path = apply_path(demo)

    response = client.post(path, {"field.former_employer": "佛山某公司"})

    assert response["Location"] == f"/accounts/login/?next={path}&session_ended=1"


def test_sign_in_page_shows_notice(demo):
    url = f"/accounts/login/?next={apply_path(demo)}&session_ended=1"

    english = Client().get(url, headers={"accept-language": "en"})
    chinese = Client().get(url, headers={"accept-language": "zh-hans"})

    assert ENDED_NOTICE in english.content.decode()
    assert ENDED_NOTICE_ZH in chinese.content.decode()


def test_plain_sign_in_has_no_notice(demo):
    response = Client().get(f"/accounts/login/?next={apply_path(demo)}")

    assert response.status_code == 200
    assert ENDED_NOTICE not in response.content.decode()


def test_notice_stays_after_wrong_password(demo):
    url = f"/accounts/login/?next={apply_path(demo)}&session_ended=1"

    response = Client().post(url, {"username": "applicant", "password": "wrong-1"})

    assert response.status_code in (200, 400)
    assert ENDED_NOTICE in response.content.decode()
