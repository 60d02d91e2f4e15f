"""Model names in the Django admin: each has its own plural, in every language."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.utils import translation

ONESTOP_MODELS = [
    model for model in admin.site._registry if model.__module__.startswith("onestop.")
]
# An ideograph followed by an ASCII "s": Django's default plural of a Chinese name.
DEFAULT_PLURAL = re.compile(r"[\u4e00-\u9fff]s$")


@pytest.mark.parametrize("model", ONESTOP_MODELS, ids=lambda model: model.__name__)
def test_admin_model_has_plural_name(model):
    assert "verbose_name_plural" in model._meta.original_attrs
    with translation.override("zh-hans"):
        plural = str(model._meta.verbose_name_plural)
    assert not DEFAULT_PLURAL.search(plural)


@pytest.mark.django_db
def test_admin_index_in_chinese_has_no_default_plural(admin_client):
    response = admin_client.get("/admin/", headers={"Accept-Language": "zh-hans"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "电子证照" in content
    assert not re.search(r"[\u4e00-\u9fff]s<", content)
