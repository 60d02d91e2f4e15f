"""Configuration checks shared by the connector kinds whose departments sign callbacks."""

from __future__ import annotations

from django.utils.translation import gettext as _

from onestop.core.signing import b64url_decode
from onestop.exchange.models import ConnectorConfig, KeyAlgorithm


def check_department_key(config: ConnectorConfig) -> list[str]:
    """Return the problems with the department's key: missing or malformed."""
    if config.key_algorithm == KeyAlgorithm.HMAC_SHA256:
        if len(config.hmac_secret) < 32:
            return [_("Enter an HMAC secret of at least 32 characters.")]
        return []
    try:
        raw = b64url_decode(config.public_key)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        return [_("Enter the department's Ed25519 public key: 32 bytes in base64url.")]
    return []
