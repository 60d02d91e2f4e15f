"""The ledger's checkpoint signing key is stored encrypted under the secret key."""

from __future__ import annotations

import pytest

from onestop.core.ledger.checkpoint import get_signing_key, get_vkey
from onestop.core.ledger.models import LedgerKey
from onestop.core.signing import SigningKeyUnavailable

pytestmark = pytest.mark.django_db


def test_ledger_key_is_not_stored_in_clear():
    _name, key = get_signing_key()

    stored = bytes(LedgerKey.objects.get().private_key_encrypted)
    assert key.private_bytes_raw() not in stored
    assert stored[:1] == b"\x01"


def test_ledger_key_opens_with_fallback_secret(settings):
    vkey = get_vkey()
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "another secret key of at least fifty characters, for tests"

    assert get_vkey() == vkey


def test_ledger_key_under_unknown_secret_is_unavailable(settings):
    vkey = get_vkey()
    settings.SECRET_KEY = "another secret key of at least fifty characters, for tests"

    with pytest.raises(SigningKeyUnavailable):
        get_signing_key()
    # The verifier key comes from the stored public key, which needs no secret.
    assert get_vkey() == vkey


def test_ledger_key_under_other_name_fails(settings):
    get_vkey()
    LedgerKey.objects.update(name="copied.example/ledger")
    settings.ONESTOP_LEDGER_ORIGIN = "copied.example/ledger"

    with pytest.raises(SigningKeyUnavailable):
        get_signing_key()
