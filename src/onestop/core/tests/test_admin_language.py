"""The Django admin in Chinese: app headings, column headers, filters and form labels."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.utils import translation

from onestop.exchange.demo import configure_demo_connectors

ONESTOP_ADMINS = [
    (model, model_admin)
    for model, model_admin in admin.site._registry.items()
    if model.__module__.startswith("onestop.")
]
IDEOGRAPH = re.compile(r"[\u4e00-\u9fff]")


def shown_field_names(model, model_admin) -> list[str]:
    """Return the names of the model fields that the admin's list, filters or forms show."""
    listed = [name for name in model_admin.list_display if isinstance(name, str)]
    filtered = [name for name in model_admin.list_filter if isinstance(name, str)]
    concrete = [
        field.name
        for field in model._meta.concrete_fields
        if not field.auto_created and field.name not in (model_admin.exclude or ())
    ]
    return sorted(set(listed + filtered + concrete))


@pytest.mark.parametrize(
    "app_config",
    [config for config in apps.get_app_configs() if config.name.startswith("onestop.")],
    ids=lambda config: config.label,
)
def test_app_heading_in_chinese(app_config):
    with translation.override("zh-hans"):
        heading = str(app_config.verbose_name)

    assert IDEOGRAPH.search(heading), heading


@pytest.mark.parametrize(
    ("model", "model_admin"),
    ONESTOP_ADMINS,
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_admin_field_labels_in_chinese(model, model_admin):
    with translation.override("zh-hans"):
        labels = {
            name: str(label_for_field(name, model, model_admin))
            for name in shown_field_names(model, model_admin)
        }

    english = {
        name: label for name, label in labels.items() if not IDEOGRAPH.search(label)
    }
    assert english == {}


def page_headings(html: str) -> list[str]:
    """Return the texts of app captions, column headers and filter titles of a page."""
    patterns = [
        r'<caption>\s*<a [^>]*class="section"[^>]*>(.*?)</a>',
        r'<th scope="col" class="[^"]*column-(?!action-checkbox)[^"]*">(.*?)</th>',
        r"<summary>\s*(以 .*?)\s*</summary>",
    ]
    texts = []
    for pattern in patterns:
        for match in re.findall(pattern, html, flags=re.DOTALL):
            texts.append(re.sub(r"<[^>]+>", "", match).strip())
    return [text for text in texts if text]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/core/department/",
        "/admin/exchange/connectorconfig/",
        "/admin/catalog/packinstallation/",
        "/admin/worktime/workcalendaryear/",
    ],
)
def test_admin_page_has_no_english_heading(demo, path):
    configure_demo_connectors(demo.centre)
    platform = demo.client("platform")

    response = platform.get(path, headers={"Accept-Language": "zh-hans"})

    assert response.status_code == 200
    headings = page_headings(response.content.decode())
    assert headings, "the page shows no headings to check"
    english = [text for text in headings if not IDEOGRAPH.search(text)]
    assert english == []


@pytest.mark.django_db
def test_admin_filter_title_names_field_in_chinese(demo):
    configure_demo_connectors(demo.centre)
    platform = demo.client("platform")

    response = platform.get(
        "/admin/core/department/", headers={"Accept-Language": "zh-hans"}
    )

    content = response.content.decode()
    assert "以 对接方式" in content
    assert "以 connector kind" not in content


@pytest.mark.django_db
def test_staff_without_admin_screens_goes_home(demo):
    centre_admin = demo.client("centreadmin")

    response = centre_admin.get("/admin/", headers={"Accept-Language": "zh-hans"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    home = centre_admin.get("/", headers={"Accept-Language": "zh-hans"})
    assert "Django 管理后台没有你的角色可用的页面。" in home.content.decode()


@pytest.mark.django_db
def test_department_admin_still_sees_admin_index(demo):
    configure_demo_connectors(demo.centre)
    department_admin = demo.client("deptadmin")

    response = department_admin.get("/admin/", headers={"Accept-Language": "zh-hans"})

    assert response.status_code == 200
    assert "部门对接" in response.content.decode()
