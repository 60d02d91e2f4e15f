"""The client address of a request, for the rate limits that count per address."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """Return the address of the client that sent the request.

    This is REMOTE_ADDR, or the first address in the request header named by the
    `ONESTOP_CLIENT_IP_HEADER` setting (for example "HTTP_X_REAL_IP") when a reverse
    proxy sets that header. Name only a header that the proxy overwrites, because a
    client can send any header the proxy passes on.
    """
    header = getattr(settings, "ONESTOP_CLIENT_IP_HEADER", "")
    address = request.META.get(header, "") if header else ""
    return address.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")
