"""The sign-in page's notice for a form that was sent after its session had ended.

A form page stays on screen while its session ends: the session times out, the account
signs out in another tab, or its session generation is raised. Sending the form then
gets the sign-in redirect of `login_required`, and the sign-in page explains why.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

# The query parameter of the sign-in page that shows the notice. The sign-in form posts
# to its own address, so the notice stays after a wrong password.
SESSION_ENDED_PARAMETER = "session_ended"
# The URL name of every sign-in page: the site's and the kiosk's.
SIGN_IN_URL_NAME = "login"


class SessionEndedMiddleware:
    """Mark the sign-in redirect that responds to a POST, so that the sign-in page
    shows that the session had ended and the form was not sent."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "POST" and is_sign_in_redirect(request, response):
            response["Location"] = marked_location(response["Location"])
        return response


def is_sign_in_redirect(request: HttpRequest, response: HttpResponse) -> bool:
    """Return whether the response sends the request's page to a sign-in page, as
    `login_required` does, with the page's own address as `next`."""
    location = response.get("Location")
    if response.status_code not in (301, 302, 303) or not location:
        return False
    parts = urlsplit(location)
    if parts.netloc:
        return False
    try:
        match = resolve(parts.path)
    except Resolver404:
        return False
    query = dict(parse_qsl(parts.query))
    return (
        match.url_name == SIGN_IN_URL_NAME
        and query.get("next") == request.get_full_path()
    )


def marked_location(location: str) -> str:
    """Return the sign-in address with the notice's parameter added to its query,
    whose `next` stays encoded as `redirect_to_login` wrote it."""
    parts = urlsplit(location)
    query = "&".join(filter(None, [parts.query, f"{SESSION_ENDED_PARAMETER}=1"]))
    return urlunsplit(parts._replace(query=query))


def session_ended(request: HttpRequest) -> bool:
    """Return whether the sign-in page shows the notice."""
    return request.GET.get(SESSION_ENDED_PARAMETER) == "1"
