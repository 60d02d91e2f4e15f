"""Shared personas and the demo centre for every test.

The personas are the roles of OneStop: an applicant (a person), an agent of an enterprise, a
window clerk, a reviewer of the market regulation department, a reviewer of another
department, a supervisor, and a clerk of a second centre.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from onestop.catalog.actions import DepartmentBinding, provision_centre
from onestop.catalog.packs import STANDARD_PACK_DIR
from onestop.catalog.packs.loader import load_pack
from onestop.core.models import Centre, Department, Membership, Role
from onestop.identity.codes import uscc_check_character
from onestop.portal.demo import PASSWORD, provision_demo

# The suite runs on shared machines whose speed changes from minute to minute, so the
# timing checks of Hypothesis (a deadline per example, slow input generation) would fail
# tests for reasons that lie outside the code. Every property is still checked.
hypothesis_settings.register_profile(
    "onestop", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("onestop")


def pytest_configure(config: Any) -> None:
    """Give the run a secret key when none is set, as on a fresh clone with DATABASE_URL,
    for which OneStop generates no key. The test database is thrown away after the run,
    so a fixed key protects nothing that lasts."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.SECRET_KEY  # noqa: B018  (Django checks the key on each read)
    except ImproperlyConfigured:
        settings.SECRET_KEY = "test-only-secret-key-of-a-test-database-" + "0" * 20


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Skip PostgreSQL-only tests, with the reason, when the suite runs on another database."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if engine == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL: run `make test-postgres` or set DATABASE_URL=postgres://..."
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def standard_pack() -> Any:
    return load_pack(STANDARD_PACK_DIR)


@dataclass
class Demo:
    centre: Centre
    market: Department

    def user(self, username: str) -> Any:
        return get_user_model().objects.get(username=username)

    def client(self, username: str) -> Client:
        client = Client()
        assert client.login(username=username, password=PASSWORD)
        return client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Hash test passwords with MD5: PBKDF2's deliberate slowness would dominate the suite."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_django_cache() -> Any:
    """Empty Django's cache around each test, so that counters kept there, such as the
    certificate check rate limit, do not carry over from earlier tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def empty_ledger_cache() -> Any:
    """Forget cached ledger subtrees: each test's rollback empties the ledger tables."""
    from onestop.core.ledger.tree import clear_cache

    clear_cache()
    yield
    clear_cache()


@pytest.fixture(autouse=True)
def english_by_default(settings: Any) -> Any:
    """Run tests in English so they can assert message text; zh-Hans tests ask for it."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def demo(db: Any, standard_pack: Any) -> Demo:
    # A copy of the pack read once per run: reading and checking its files would cost
    # each test more than everything else it does.
    result, _accounts = provision_demo(
        calendar_years=[2025, 2026], pack=copy.deepcopy(standard_pack)
    )
    market = Department.objects.get(centre=result.centre, role_key="market_regulation")
    return Demo(centre=result.centre, market=market)


@pytest.fixture
def other_centre(db: Any, demo: Demo, standard_pack: Any) -> Centre:
    """A second centre (佛山市南海区, 440605) with its own clerk and market reviewer."""
    bindings = {}
    for index, role in enumerate(sorted(standard_pack.departments), start=1):
        first_17 = f"114406050080{index:05d}"
        uscc = first_17 + uscc_check_character(first_17)
        bindings[role] = DepartmentBinding(name=f"南海区{role}", uscc=uscc)
    centre = provision_centre(
        actor=None, region_code="440605", pack=standard_pack, bindings=bindings
    ).centre
    user_model = get_user_model()
    clerk = user_model.objects.create_user("nanhai-clerk", password=PASSWORD)
    Membership.objects.create(user=clerk, centre=centre, role=Role.CLERK)
    reviewer = user_model.objects.create_user("nanhai-reviewer", password=PASSWORD)
    Membership.objects.create(
        user=reviewer,
        centre=centre,
        department=Department.objects.get(centre=centre, role_key="market_regulation"),
        role=Role.REVIEWER,
    )
    return centre


@pytest.fixture
def browser() -> Any:
    """A headless Debian Chromium driven by Playwright."""
    import os

    from playwright.sync_api import sync_playwright

    from onestop.testing import CHROMIUM, CHROMIUM_ARGS

    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test
    # are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()
