"""Whole-row reads with one raw SELECT behave as the ORM's own reads."""

from __future__ import annotations

import pytest

from onestop.cases.models import Case
from onestop.catalog.models import Matter, MatterVersion
from onestop.catalog.queries import with_frozen_definition
from onestop.core import rows
from onestop.core.models import Membership
from onestop.identity.models import Person
from onestop.testing import current_version

pytestmark = pytest.mark.django_db


def test_fetch_one_matches_the_orm(demo):
    expected = Person.objects.get(id_number="440604198503150024")
    found = rows.fetch_one(Person, {"id_number": expected.id_number})

    assert found == expected
    assert found.birth_date == expected.birth_date
    assert found.created_at == expected.created_at
    assert rows.fetch_one(Person, {"id_number": "000000000000000000"}) is None


def test_joined_rows_cached_null_keys_none(demo, django_assert_num_queries):
    reviewer = demo.user("reviewer")
    with django_assert_num_queries(1):
        [membership] = rows.fetch(
            Membership,
            {"user_id": reviewer.pk},
            related={"centre": (), "department": ()},
        )
        assert membership.centre == demo.centre
        assert membership.department == demo.market

    [platform] = rows.fetch(
        Membership, {"user_id": demo.user("platform").pk}, related={"centre": ()}
    )
    assert platform.centre is None


def test_deferred_columns_load_on_first_use(demo):
    matter = rows.fetch_one(
        Matter,
        {"centre_id": demo.centre.pk, "pack_id": "food-business-licence"},
        related={"current_version": ("definition",)},
        defer=("pack_definition",),
    )
    expected = Matter.objects.get(centre=demo.centre, pack_id="food-business-licence")

    assert matter is not None
    assert "pack_definition" in matter.get_deferred_fields()
    assert matter.pack_definition == expected.pack_definition
    assert current_version(matter).definition == current_version(expected).definition


def test_none_matches_null(demo):
    walk_in = rows.fetch(Case, {"centre_id": demo.centre.pk, "idempotency_key": None})
    assert walk_in == list(
        Case.objects.filter(centre=demo.centre, idempotency_key__isnull=True)
    )


def test_frozen_definition_keyed_by_time(demo):
    version = current_version(
        Matter.objects.get(centre=demo.centre, pack_id="food-business-licence")
    )
    bare = MatterVersion.objects.defer("definition").get(pk=version.pk)
    assert with_frozen_definition(bare).definition == version.definition

    # A row that took the same id later (after a rollback) has another creation time.
    bare.created_at = bare.created_at.replace(year=2001)
    with pytest.raises(MatterVersion.DoesNotExist):
        with_frozen_definition(bare)
