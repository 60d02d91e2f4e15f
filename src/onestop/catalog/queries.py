"""Reads of the catalogue: centres and their open matters."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from onestop.catalog.models import MatterVersion
from onestop.core.centres import CentreNotFound, get_centre
from onestop.core.models import Centre

__all__ = ["CentreNotFound", "get_centre", "list_centres", "with_frozen_definition"]

# Matter versions kept parsed in each process. A version is a frozen snapshot that no code
# changes after it is written, so an entry never goes stale. The least recently used go.
FROZEN_VERSIONS_CACHED = 512


def list_centres() -> list[Centre]:
    return list(Centre.objects.order_by("region_code"))


def with_frozen_definition(version: MatterVersion) -> MatterVersion:
    """Give `version`, read without its definition, the definition from the process cache.

    The cache key is the version's id and creation time, so that an id that a rolled-back
    transaction used and a later row took again does not find the earlier definition.
    Callers treat the definition as read-only, as they treat every frozen version.
    """
    version.definition = _frozen_definition(version.pk, version.created_at)
    return version


@functools.lru_cache(maxsize=FROZEN_VERSIONS_CACHED)
def _frozen_definition(version_id: int, created_at: datetime) -> dict[str, Any]:
    definition: dict[str, Any] = MatterVersion.objects.values_list(
        "definition", flat=True
    ).get(pk=version_id, created_at=created_at)
    return definition
