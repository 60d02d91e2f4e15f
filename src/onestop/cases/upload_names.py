"""The names of materials in errors about multipart bodies that Django cannot parse.

Such an error is raised before any view runs, from the request's path and its text parts
read so far (`onestop.core.multipart`). The matter comes from the case number or the
matter id in the path, or else from the centre and matter parts of an application.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import Resolver404, resolve

from onestop.cases.queries import (
    can_be_case_number,
    normalise_case_number,
    visible_cases,
)
from onestop.catalog.models import Matter, MatterVersion
from onestop.core.models import ApiToken


def material_name_for_request(
    request: HttpRequest, fields: dict[str, str], key: str
) -> str | None:
    """Return the name of the material `key` of the matter the request is for, or None."""
    version = _matter_version(request, fields)
    if version is None:
        return None
    names = {m["key"]: m["name"] for m in version.guide.materials}
    return names.get(key)


def _matter_version(
    request: HttpRequest, fields: dict[str, str]
) -> MatterVersion | None:
    try:
        arguments = resolve(request.path_info).kwargs
    except Resolver404:
        return None
    user = _requesting_user(request)
    if "number" in arguments:
        number = normalise_case_number(arguments["number"])
        if user is None or not can_be_case_number(number):
            return None
        case = visible_cases(user).filter(number=number).first()
        return case.matter_version if case is not None else None

    matter_id = arguments.get("matter_id") or fields.get("matter")
    centre_slug = arguments.get("slug") or fields.get("centre")
    if not matter_id:
        return None
    matters = Matter.objects.filter(pack_id=matter_id)
    if centre_slug:
        # A centre's matters and their materials are public, as on the guide pages.
        matters = matters.filter(centre__slug=centre_slug)
    elif user is not None:
        # The window's new-case page names only the matter, of the clerk's centre.
        matters = matters.filter(centre__membership__user=user)
    else:
        return None
    matter = matters.select_related("current_version").first()
    return matter.current_version if matter is not None else None


def _requesting_user(request: HttpRequest) -> Any:
    """Return the user of the session or of the request's bearer token, or None.

    The API checks a token only when its view runs, which is after this error, so the
    token is looked up here without marking it used.
    """
    if request.user.is_authenticated:
        return request.user
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return ApiToken.active_user(token.strip())
