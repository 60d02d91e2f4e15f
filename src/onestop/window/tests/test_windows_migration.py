"""The migrations that turn the free-text window labels already stored into windows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from onestop.cases.models import Case
from onestop.core.models import Window
from onestop.ratings.models import Rating, RatingPad, Visit

BEFORE = [
    ("cases", "0006_held_upload"),
    ("ratings", "0007_rating_policy_pads_required"),
]


@pytest.mark.django_db(transaction=True)
def test_migration_makes_windows_from_labels(demo, issued_case, other_centre):
    labelled = issued_case(window="3")
    unlabelled = issued_case(window="")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        case_model = old.get_model("cases", "Case")
        visit_model = old.get_model("ratings", "Visit")
        rating_model = old.get_model("ratings", "Rating")
        pad_model = old.get_model("ratings", "RatingPad")
        now = timezone.now()
        # Labels as clerks typed them before windows were records: "3" is the code
        # of a demo window, the others are not codes of any window yet.
        case_model.objects.filter(pk=labelled.pk).update(window="3")
        case_model.objects.filter(pk=unlabelled.pk).update(window="综合窗口 9")
        visit = visit_model.objects.create(
            centre_id=demo.centre.pk,
            person_id=labelled.person_id,
            clerk_id=demo.user("clerk").pk,
            window="7",
        )
        rating_model.objects.create(
            centre_id=demo.centre.pk,
            person_id=labelled.person_id,
            visit=visit,
            channel="window_screen",
            level=2,
            window="7",
            created_at=now,
            updated_at=now,
        )
        for label, revoked, digest in [("8", now, "a" * 64), ("7", None, "b" * 64)]:
            pad_model.objects.create(
                centre_id=demo.centre.pk,
                window=label,
                secret_digest=digest,
                paired_by_id=demo.user("clerk").pk,
                revoked_at=revoked,
            )
        other_visit = visit_model.objects.create(
            centre_id=other_centre.pk,
            person_id=labelled.person_id,
            clerk_id=demo.user("nanhai-clerk").pk,
            window="3",
        )
        blank_visit = visit_model.objects.create(
            centre_id=demo.centre.pk,
            person_id=labelled.person_id,
            clerk_id=demo.user("clerk").pk,
            window="",
        )

        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

        windows = Window.objects.for_centre(demo.centre)
        assert sorted(windows.values_list("code", flat=True)) == [
            "1",
            "2",
            "3",
            "4",
            "5",
            "6",
            "7",
            "8",
            # The label's space cannot be part of a URL path, so the code has "-".
            "综合窗口-9",
        ]
        seven = windows.get(code="7")
        assert seven.name == "7"
        assert seven.kind == "comprehensive"
        assert seven.is_active
        nine = windows.get(code="综合窗口-9")
        assert nine.name == "综合窗口 9"
        assert Case.objects.get(pk=labelled.pk).window_record == windows.get(code="3")
        assert Case.objects.get(pk=labelled.pk).window == "3"
        assert Case.objects.get(pk=unlabelled.pk).window_record == nine
        assert Visit.objects.get(pk=visit.pk).window_record == seven
        assert Rating.objects.get(visit_id=visit.pk).window_record == seven
        pads = {pad.window: pad.window_record for pad in RatingPad.objects.all()}
        assert pads == {"7": seven, "8": windows.get(code="8")}
        assert Visit.objects.get(pk=blank_visit.pk).window_record is None
        # A label names a window of its own centre only.
        other_three = Window.objects.get(centre=other_centre, code="3")
        assert Visit.objects.get(pk=other_visit.pk).window_record == other_three
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
