"""Sizes over a limit print in MB and never equal to the limit, in the request size
error and the upload size error alike."""

from __future__ import annotations

import pytest
from django.test import Client

from onestop.cases.uploads import UploadTooLarge, check_upload_size
from onestop.core.sizes import MEBIBYTE, megabyte_texts

LIMIT = 200 * MEBIBYTE


@pytest.mark.parametrize(
    ("size", "limit", "texts"),
    [
        (10 * MEBIBYTE + 1, 10 * MEBIBYTE, ("10.1", "10")),
        (LIMIT + 400, LIMIT, ("200.1", "200")),
        (15 * MEBIBYTE, 10 * MEBIBYTE, ("15", "10")),
        (10 * MEBIBYTE + MEBIBYTE // 2, 10 * MEBIBYTE, ("10.5", "10")),
        # A limit that is not a whole tenth of a MB rounds up to the size's tenth.
        (10_490_000, 10_485_761, ("10.005", "10.001")),
        (10_485_762, 10_485_761, ("10.000002", "10.000001")),
    ],
)
def test_megabyte_texts_differ(size, limit, texts):
    assert megabyte_texts(size, limit) == texts


def test_megabyte_texts_differ_by_one_byte():
    limit = 7 * MEBIBYTE + 123_457
    for size in range(limit + 1, limit + 2000):
        size_text, limit_text = megabyte_texts(size, limit)
        assert size_text != limit_text, size


@pytest.mark.django_db
def test_request_too_large_size_over_limit(settings):
    settings.ONESTOP_MAX_REQUEST_BYTES = LIMIT

    response = Client().generic(
        "POST",
        "/api/v1/cases",
        b"{}",
        content_type="application/json",
        headers={"Accept-Language": "en"},
        CONTENT_LENGTH=str(LIMIT + 400),
    )

    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "request.too_large"
    assert body["message"].startswith(
        "The request is 200.1 MB; the limit is 200 MB for one application."
    )
    assert body["details"] == {
        "size": LIMIT + 400,
        "limit": LIMIT,
        "size_mb": "200.1",
        "limit_mb": "200",
    }


def test_upload_too_large_with_odd_limit(settings):
    settings.ONESTOP_MAX_UPLOAD_BYTES = 10_485_761

    with pytest.raises(UploadTooLarge) as raised:
        check_upload_size("scan.pdf", 10_485_762, material="申请书")

    assert raised.value.details["size_mb"] == "10.000002"
    assert raised.value.details["limit_mb"] == "10.000001"
