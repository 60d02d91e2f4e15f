"""The migration that rewrites window codes a URL path cannot carry. Run this file on
SQLite and, with DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from onestop.cases.models import Case
from onestop.core.models import AuditEvent, Window, WindowChoice
from onestop.ratings.models import Visit

BEFORE = [("core", "0007_window_choice")]
# Old codes made from labels, and the code each one gets. "5" and "a-b" are demo or
# test windows already, so the rewritten codes that would repeat them get a suffix.
REWRITES = {
    "综合窗口 9": "综合窗口-9",
    "3/4": "3-4",
    "A?": "A",
    "#5": "5-2",
    "a b": "a-b-2",
    "b.1%": "b-1",
    "窗口 " + "x" * 37: "窗口-" + "x" * 37,
}


def migrate_to(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def leaf_nodes():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def old_windows(demo, issued_case):
    """Windows with the codes that labels gave them before the migration ran."""
    case = issued_case(window="")
    migrate_to(BEFORE)
    Window.objects.create(centre=demo.centre, code="a-b", name="a-b")
    windows = {
        code: Window.objects.create(centre=demo.centre, code=code, name=code[:40])
        for code in REWRITES
    }
    windows["///"] = Window.objects.create(centre=demo.centre, code="///", name="///")
    Case.objects.filter(pk=case.pk).update(window_record=windows["3/4"])
    visit = Visit.objects.create(
        centre=demo.centre,
        person_id=case.person_id,
        clerk=demo.user("clerk"),
        window="综合窗口 9",
        window_record=windows["综合窗口 9"],
    )
    WindowChoice.objects.create(
        centre=demo.centre,
        user=demo.user("clerk"),
        window=windows["A?"],
        code="A?",
        name="A?",
    )
    yield {"windows": windows, "case": case, "visit": visit}
    migrate_to(leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_unsafe_codes_rewritten_in_place(demo, old_windows):
    migrate_to(leaf_nodes())

    for old, new in REWRITES.items():
        window = Window.objects.get(pk=old_windows["windows"][old].pk)
        assert window.code == new, old
        assert window.name == old[:40], old
    empty = Window.objects.get(pk=old_windows["windows"]["///"].pk)
    assert empty.code == f"window-{empty.pk}"
    # Safe codes stay as they were.
    codes = set(Window.objects.for_centre(demo.centre).values_list("code", flat=True))
    assert {"1", "2", "3", "4", "5", "6", "a-b"} <= codes
    # Every reference stays on its window.
    windows = old_windows["windows"]
    case = Case.objects.get(pk=old_windows["case"].pk)
    visit = Visit.objects.get(pk=old_windows["visit"].pk)
    choice = WindowChoice.objects.get(user=demo.user("clerk"))
    assert case.window_record_id == windows["3/4"].pk
    assert case.window_record.code == "3-4"
    assert visit.window_record_id == windows["综合窗口 9"].pk
    assert visit.window == "综合窗口 9"
    assert choice.window_id == windows["A?"].pk
    assert choice.code == "A"
    # Each rewrite is audited with the code before and after.
    window = old_windows["windows"]["3/4"]
    event = AuditEvent.objects.get(
        verb="window.changed", object_type="window", object_id=str(window.pk)
    )
    assert event.centre_id == demo.centre.pk
    assert event.actor is None
    assert event.actor_role == "system"
    assert event.data == {"code": "3-4", "changed": {"code": ["3/4", "3-4"]}}
    assert AuditEvent.objects.filter(verb="window.changed").count() == len(REWRITES) + 1


@pytest.mark.django_db(transaction=True)
def test_rewritten_code_works_in_api_path(demo, old_windows):
    migrate_to(leaf_nodes())
    admin = demo.client("centreadmin")
    base = f"/api/v1/centres/{demo.centre.slug}/windows"

    found = admin.get(f"{base}/3-4")
    chinese = admin.get(f"{base}/%E7%BB%BC%E5%90%88%E7%AA%97%E5%8F%A3-9")
    renamed = admin.put(
        f"{base}/3-4", {"name": "窗口 3 至 4"}, content_type="application/json"
    )

    assert found.status_code == 200, found.content
    assert found.json()["name"] == "3/4"
    assert chinese.status_code == 200, chinese.content
    assert chinese.json()["name"] == "综合窗口 9"
    assert renamed.status_code == 200, renamed.content
    assert Window.objects.get(pk=old_windows["windows"]["3/4"].pk).name == "窗口 3 至 4"
