"""Canonical JSON (RFC 8785, JSON Canonicalization Scheme) and SHA-256 digests.

Everything OneStop signs or hashes is first serialised with `canonical_json`, so two
parties that hold the same JSON value produce the same bytes. Object keys are sorted by
their UTF-16 code units, there is no insignificant whitespace, numbers take the
ECMAScript shortest form (`1e+21`, `-0` as `0`), and strings are UTF-8 with only the
mandatory escapes.
"""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import InvalidInput


class NotCanonicalizable(InvalidInput):
    code = "canonical_json.unsupported_value"
    message = _(
        "The document cannot be written as canonical JSON: %(reason)s. Use only "
        "strings, finite numbers, integers of at most 2^53 - 1 in magnitude, booleans, "
        "null, lists and objects with string keys."
    )


def canonical_json(obj: Any) -> bytes:
    """Serialise a JSON value to its RFC 8785 canonical UTF-8 bytes.

    Raises NotCanonicalizable for NaN, infinities, integers larger than 2^53 - 1 in
    magnitude, lone surrogates, non-string object keys and values that are not JSON
    types.
    """
    try:
        return rfc8785.dumps(obj)
    except rfc8785.CanonicalizationError as error:
        raise NotCanonicalizable(reason=str(error)) from error


def sha256_hex(data: bytes) -> str:
    """Return the lower-case hexadecimal SHA-256 digest of `data`."""
    return hashlib.sha256(data).hexdigest()
