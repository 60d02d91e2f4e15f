"""Sizes in messages: a size over a limit and the limit, in MB that never print equal."""

from __future__ import annotations

MEBIBYTE = 1024 * 1024
# One byte is about 0.00000095 MB, so at seven decimals two sizes that differ by a byte
# or more always print differently.
MAX_DECIMALS = 7


def megabyte_texts(size: int, limit: int) -> tuple[str, str]:
    """Return `size` and `limit` (bytes) in MB (MiB), for a message that reports a
    size over a limit.

    Both are rounded up to one decimal, with a whole number printed without ".0", so
    that 10 MB + 1 byte prints as 10.1 against a limit of 10. A limit that is not a
    whole tenth of a MB can round up to the size's number, and then both get more
    decimals until they differ, so a size over its limit never prints equal to it.
    """
    for decimals in range(1, MAX_DECIMALS + 1):
        size_text = _megabytes_rounded_up(size, decimals)
        limit_text = _megabytes_rounded_up(limit, decimals)
        if size_text != limit_text:
            return size_text, limit_text
    return size_text, limit_text


def _megabytes_rounded_up(size: int, decimals: int) -> str:
    """Return `size` (bytes) in MB rounded up to `decimals`, without trailing zeros."""
    # Integer arithmetic, so that a size of any length rounds exactly.
    scale = 10**decimals
    units = -(-size * scale // MEBIBYTE)
    whole, fraction = divmod(units, scale)
    if fraction == 0:
        return str(whole)
    return f"{whole}.{fraction:0{decimals}d}".rstrip("0")
