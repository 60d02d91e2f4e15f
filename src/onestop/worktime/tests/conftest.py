"""Fixtures of the work calendar tests: a fresh cache and the staff personas."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from onestop.core.models import Centre, Membership, Role
from onestop.worktime.queries import clear_calendar_cache


@pytest.fixture(autouse=True)
def english():
    """Render messages in English, the source language; zh-Hans tests switch back."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    clear_calendar_cache()
    yield
    clear_calendar_cache()


@pytest.fixture
def centre(db):
    return Centre.objects.create(
        region_code="440604", name="禅城区政务服务中心", slug="chancheng"
    )


@pytest.fixture
def centre_admin(centre):
    user = get_user_model().objects.create_user("centre-admin", password="x" * 12)
    Membership.objects.create(user=user, centre=centre, role=Role.CENTRE_ADMIN)
    return user


@pytest.fixture
def platform_admin(db):
    user = get_user_model().objects.create_user("platform-admin", password="x" * 12)
    Membership.objects.create(user=user, role=Role.PLATFORM_ADMIN)
    return user


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", password="x" * 12)
