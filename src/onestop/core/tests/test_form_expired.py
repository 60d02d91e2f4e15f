"""The page of a form whose CSRF token is out of date: status, text, link back, and
nothing of what the form carried."""

from __future__ import annotations

import json

import pytest
from django.test import Client, RequestFactory
from django.utils.crypto import get_random_string

from onestop.catalog.models import Matter
from onestop.core.views import csrf_failure
from onestop.testing import DEMO_APPLICANT_NAME, valid_form

pytestmark = pytest.mark.django_db

UNEMPLOYMENT = "unemployment-insurance-benefit"
EMPLOYER = "佛山市禅城区某某纺织有限公司"
CSRF_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def apply_path(demo):
    return f"/portal/{demo.centre.slug}/matters/{UNEMPLOYMENT}/apply/"


def post_with_stale_token(demo, language="en", referer=None):
    """Open the application form as the demo applicant, replace the browser's CSRF
    cookie, as signing in again in another tab does, and send the form."""
    client = Client(enforce_csrf_checks=True, headers={"accept-language": language})
    client.force_login(demo.user("applicant"))
    path = apply_path(demo)
    assert client.get(path).status_code == 200
    stale_token = client.cookies["csrftoken"].value
    client.cookies["csrftoken"] = get_random_string(32, CSRF_ALPHABET)
    matter = Matter.objects.get(centre=demo.centre, pack_id=UNEMPLOYMENT)
    form = {
        **valid_form(matter),
        "field.former_employer": EMPLOYER,
        "csrfmiddlewaretoken": stale_token,
    }
    headers = {"referer": referer} if referer is not None else {}
    return client.post(path, form, headers=headers)


def test_stale_token_gets_form_expired_page(demo):
    response = post_with_stale_token(
        demo, referer=f"http://testserver{apply_path(demo)}"
    )

    assert response.status_code == 403
    text = response.content.decode()
    assert "This page was out of date" in text
    assert "Nothing was saved. Go back to the form, sign in if asked" in text
    assert 'id="form-expired" data-code="csrf_failed"' in text
    assert f'id="back-to-form" href="{apply_path(demo)}"' in text


def test_form_expired_page_shows_no_personal_data(demo):
    response = post_with_stale_token(
        demo, referer=f"http://testserver{apply_path(demo)}?q=440604199001011234"
    )

    text = response.content.decode()
    assert EMPLOYER not in text
    assert DEMO_APPLICANT_NAME not in text
    assert "440604199001011234" not in text


def test_form_expired_page_in_chinese(demo):
    response = post_with_stale_token(demo, language="zh-hans")

    assert response.status_code == 403
    text = response.content.decode()
    assert "此页面已过期" in text
    assert "未保存任何内容。请返回表单" in text
    assert "返回表单</a>" in text


@pytest.mark.parametrize(
    "referer",
    [None, "https://example.com/portal/", "http://testserver//example.com/x"],
    ids=["missing", "other-site", "other-host-path"],
)
def test_back_link_without_own_referer(demo, referer):
    response = post_with_stale_token(demo, referer=referer)

    assert response.status_code == 403
    assert (
        'id="back-to-form" href="javascript:history.back()"'
        in response.content.decode()
    )


def test_api_path_gets_json_error():
    request = RequestFactory().post(
        "/api/v1/cases/window", headers={"accept-language": "en"}
    )

    response = csrf_failure(request, reason="CSRF token missing.")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = json.loads(response.content)
    assert body["code"] == "csrf_failed"
    assert "Nothing was saved." in body["message"]
