"""The client address behind the per-address rate limits."""

from __future__ import annotations

from django.test import RequestFactory

from onestop.core.client import client_address


def test_client_address_is_remote_addr_by_default(settings):
    settings.ONESTOP_CLIENT_IP_HEADER = ""
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="198.51.100.7"
    )

    assert client_address(request) == "10.0.0.1"


def test_client_address_reads_configured_header(settings):
    settings.ONESTOP_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7, 10.0.0.2"
    )

    assert client_address(request) == "198.51.100.7"


def test_client_address_without_header_falls_back(settings):
    settings.ONESTOP_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1")

    assert client_address(request) == "10.0.0.1"
