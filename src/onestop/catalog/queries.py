"""Reads of the catalogue: centres and their open matters."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from onestop.core.errors import NotFound
from onestop.core.models import Centre


class CentreNotFound(NotFound):
    code = "centre.not_found"
    message = _(
        "No service centre %(centre)s exists here. List the centres at /api/v1/centres."
    )


def get_centre(slug: str) -> Centre:
    centre = Centre.objects.filter(slug=slug[:60]).first()
    if centre is None:
        raise CentreNotFound(centre=slug[:60])
    return centre


def list_centres() -> list[Centre]:
    return list(Centre.objects.order_by("region_code"))
