"""Page labels that lead a value use the colon and brackets of the page's language:
"申请办理：食品经营许可" in Chinese, "Apply: …" in English."""

from __future__ import annotations

import pytest

from onestop.cases.models import Case
from onestop.catalog.models import Matter
from onestop.identity.codes import id_check_digit
from onestop.portal.tests.test_pages import FOOD, submit

pytestmark = pytest.mark.django_db

UNKNOWN = "44060426120699999"
APPLICANT_ID = "440604198503150024"
WALK_IN_FIRST_17 = "44060419920704123"


def page(client, path, language, data=None):
    client.cookies["django_language"] = language
    if data is None:
        return client.get(path).content.decode()
    return client.post(path, data).content.decode()


def food_name(demo) -> str:
    return Matter.objects.get(centre=demo.centre, pack_id=FOOD).name


@pytest.mark.parametrize(
    ("language", "label"), [("zh-hans", "申请办理："), ("en", "Apply: ")]
)
def test_apply_heading(demo, language, label):
    path = f"/portal/{demo.centre.slug}/matters/{FOOD}/apply/"

    text = page(demo.client("applicant"), path, language)

    assert f"<h1>{label}{food_name(demo)}</h1>" in text
    assert f"<title>{label}{food_name(demo)}" in text


@pytest.mark.parametrize(
    ("language", "heading", "applicant"),
    [
        ("zh-hans", "窗口受理：", "申请人：<strong>"),
        ("en", "Accept at the window: ", "Applicant: <strong>"),
    ],
)
def test_window_new_case_labels(demo, language, heading, applicant):
    path = f"/window/new/{FOOD}/"
    data = {"step": "identify", "id_number": APPLICANT_ID}

    text = page(demo.client("clerk"), path, language, data)

    assert f"<h1>{heading}{food_name(demo)}</h1>" in text
    assert applicant in text


@pytest.mark.parametrize(
    ("language", "registered", "continue_label"),
    [
        ("zh-hans", "已登记：<strong>王芳</strong>", "继续办理："),
        ("en", "Registered: <strong>王芳</strong>", "Continue with the application: "),
    ],
)
def test_window_registration_labels(demo, language, registered, continue_label):
    walk_in_id = WALK_IN_FIRST_17 + id_check_digit(WALK_IN_FIRST_17)
    path = f"/window/register/?matter={FOOD}"
    data = {"step": "register", "id_number": walk_in_id, "name": "王芳"}

    text = page(demo.client("clerk"), path, language, data)

    assert registered in text
    assert f">{continue_label}{food_name(demo)}</button>" in text


@pytest.mark.parametrize(
    ("language", "label"),
    [("zh-hans", "错误代码：<code>"), ("en", "Error code: <code>")],
)
def test_error_page_code_label(demo, language, label):
    text = page(demo.client("applicant"), f"/portal/cases/{UNKNOWN}/", language)

    assert f"{label}case.not_found</code>" in text


@pytest.mark.parametrize(
    ("language", "version"), [("zh-hans", "（版本 1）"), ("en", " (version 1)")]
)
def test_case_page_version(demo, language, version):
    submit(demo)
    number = Case.objects.get().number

    text = page(demo.client("applicant"), f"/portal/cases/{number}/", language)

    assert f"<dd>{food_name(demo)}{version}</dd>" in text
