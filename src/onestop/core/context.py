"""Template context shared by every page: the user's roles and the navigation links."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from onestop.core.dates import EARLIEST_FORM_DATE, LATEST_FORM_DATE
from onestop.core.permissions import staff_roles
from onestop.core.windows import chosen_window


def navigation(request: HttpRequest) -> dict[str, Any]:
    # "kiosk" or "portal": the URL namespace that applicant pages link within.
    surface = "kiosk" if getattr(request, "kiosk", False) else "portal"
    base = {
        "surface": surface,
        "max_upload_mb": settings.ONESTOP_MAX_UPLOAD_BYTES // 1048576,
        "max_upload_bytes": settings.ONESTOP_MAX_UPLOAD_BYTES,
        "max_request_bytes": settings.ONESTOP_MAX_REQUEST_BYTES,
        "kiosk_idle_seconds": settings.ONESTOP_KIOSK_IDLE_SECONDS,
        # The dates that a form's date field takes, for the date picker's range.
        "earliest_form_date": EARLIEST_FORM_DATE.isoformat(),
        "latest_form_date": LATEST_FORM_DATE.isoformat(),
    }
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {**base, "nav_roles": set()}
    return {
        **base,
        "account_label": account_label(user),
        "nav_roles": {membership.role for membership in staff_roles(user)},
        # The window the clerk chose in this session, for the header.
        "clerk_window": chosen_window(request),
        "kept_form_owner": kept_form_owner(user),
    }


def kept_form_owner(user: Any) -> str:
    """Return the account's mark on the form values that a page keeps for it.

    keep-form-sign-in.js fills kept values into a page only when the page has the same
    mark, so the next person to sign in on a browser never gets them. The mark is an
    HMAC of the account id, so that the page shows no id that other records use.
    """
    return salted_hmac(
        "onestop.kept_form_owner", str(user.pk), algorithm="sha256"
    ).hexdigest()[:32]


def account_label(user: Any) -> str:
    """Return the header's label of the signed-in account, usually its user name.

    An account that a window clerk registered has a user name of "id-" and random hex,
    so the header shows the person's masked name instead, such as 王*五, because
    passers-by may read a kiosk's screen."""
    username = user.get_username()
    if not username.startswith("id-"):
        return username
    # A missing person raises RelatedObjectDoesNotExist, an AttributeError.
    person = getattr(user, "person", None)
    return person.masked_name if person is not None else username
