"""Look-ups of service centres by the names people and clients give them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from onestop.core.errors import NotFound, echoed
from onestop.core.models import Centre


class CentreNotFound(NotFound):
    code = "centre.not_found"
    message = _(
        "No service centre %(centre)s exists here. List the centres at /api/v1/centres."
    )
    command_message = _(
        "No service centre %(centre)s exists here. List the centres with `onestop "
        "centres`."
    )


def get_centre(slug: str) -> Centre:
    """Return the centre whose slug is `slug`, or raise CentreNotFound."""
    centre = Centre.objects.filter(slug=slug[:60]).first()
    if centre is None:
        raise CentreNotFound(centre=echoed(slug))
    return centre


def get_centre_by_code_or_slug(value: str) -> Centre:
    """Return the centre whose region code or slug is `value`, or raise CentreNotFound.

    Operators name a centre by its six-digit region code, as `onestop provision` does,
    or by its slug, as in the centre's URLs.
    """
    centre = (
        Centre.objects.filter(region_code=value[:6]).first()
        if value.isdigit()
        else None
    )
    if centre is None:
        return get_centre(value)
    return centre
