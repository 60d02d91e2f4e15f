"""Public catalogue endpoints: centres, matter search and each matter's guide (办事指南)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from onestop.cases.queries import get_matter, open_matters
from onestop.catalog.models import Matter
from onestop.catalog.queries import get_centre, list_centres

router = Router(tags=["catalogue"])


class CentreOut(Schema):
    slug: str
    region_code: str
    name: str


class MatterOut(Schema):
    id: str
    name: str
    basic_code: str
    implementation_code: str
    type: str
    department: str
    guide_only: bool
    version: int | None


class GuideOut(MatterOut):
    guide: dict[str, Any]


def matter_out(matter: Matter) -> dict[str, Any]:
    version = matter.current_version
    return {
        "id": matter.pack_id,
        "name": matter.name,
        "basic_code": matter.basic_code,
        "implementation_code": matter.implementation_code,
        "type": matter.matter_type,
        "department": matter.department.name,
        "guide_only": matter.guide_only,
        "version": version.number if version else None,
    }


@router.get("", auth=None, response=list[CentreOut])
def centres(request: HttpRequest) -> list[CentreOut]:
    return [
        CentreOut(slug=c.slug, region_code=c.region_code, name=c.name)
        for c in list_centres()
    ]


@router.get("/{slug}/matters", auth=None, response=list[MatterOut])
def matters(request: HttpRequest, slug: str, q: str = "") -> list[dict[str, Any]]:
    centre = get_centre(slug)
    return [
        matter_out(m)
        for m in open_matters(centre, q).select_related("current_version")[:200]
    ]


@router.get("/{slug}/matters/{matter_id}", auth=None, response=GuideOut)
def matter_guide(request: HttpRequest, slug: str, matter_id: str) -> dict[str, Any]:
    matter = get_matter(get_centre(slug), matter_id)
    version = matter.current_version
    if version is None:
        return {**matter_out(matter), "guide": {}}
    # A pack leaves the implementation code and the version number to installation,
    # so the stored definition contains them as null.
    guide = {
        **version.definition,
        "implementation_code": matter.implementation_code,
        "version": version.number,
    }
    return {**matter_out(matter), "guide": guide}
