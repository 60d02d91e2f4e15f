"""Signing keys at rest, Ed25519 and SM2 signatures, signed documents, the key set."""

from __future__ import annotations

import base64
import hashlib
import json
import random
import shutil
import subprocess
from datetime import UTC, datetime
from typing import cast

import pytest
from Cryptodome.Util.asn1 import DerSequence
from django.db import transaction
from django.test import RequestFactory
from django.utils import translation

from onestop.core import signing
from onestop.core.models import AuditEvent, Centre, SigningKey
from onestop.core.signing import (
    PublicKey,
    SigningKeyUnavailable,
    UnknownAlgorithm,
    b64url_decode,
    b64url_encode,
    get_signer,
    key_id_for,
    public_keys_for,
    published_keys,
    retire_signing_key,
    sign_document,
    verify_document,
    verify_signature,
)
from onestop.core.views_keys import well_known_keys

pytestmark = pytest.mark.django_db

# RFC 8032 section 7.1, tests 1 and 2.
RFC8032_VECTORS = [
    (
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac"
        "c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e"
        "458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
]

# The SubjectPublicKeyInfo prefix of an SM2 key: id-ecPublicKey with the SM2 curve
# (1.2.156.10197.1.301), then a 66-byte BIT STRING holding 04 || x || y.
SM2_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d034200")
SM2_DEFAULT_USER_ID = "1234567812345678"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def centre():
    return Centre.objects.create(
        region_code="440604", name="禅城区政务服务中心", slug="cc"
    )


@pytest.fixture
def other_centre():
    return Centre.objects.create(
        region_code="440605", name="南海区政务服务中心", slug="nh"
    )


def test_first_signer_creates_key(centre):
    signer = get_signer(centre)

    record = SigningKey.objects.get()
    assert record.key_id == signer.key_id
    assert record.algorithm == "ed25519"
    assert record.centre == centre
    assert bytes(record.public_key) == signer.public_key_bytes


def test_second_signer_reuses_key(centre):
    first = get_signer(centre)
    second = get_signer(centre)

    assert first.key_id == second.key_id
    assert SigningKey.objects.count() == 1


def test_key_creation_is_audited(centre):
    signer = get_signer(centre)

    event = AuditEvent.objects.get(verb="signing_key.created")
    assert event.object_id == signer.key_id
    assert event.centre == centre
    assert event.data == {"algorithm": "ed25519"}


def test_centres_get_separate_keys(centre, other_centre):
    assert get_signer(centre).key_id != get_signer(other_centre).key_id


def test_deployment_key_has_no_centre():
    signer = get_signer(None)

    assert SigningKey.objects.get(key_id=signer.key_id).centre is None


def test_key_created_in_rolled_back_transaction_is_gone(centre):
    def create_key_then_fail():
        with transaction.atomic():
            get_signer(centre)
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        create_key_then_fail()

    assert not SigningKey.objects.exists()


def test_retired_key_is_not_used_for_signing(centre):
    old = get_signer(centre)
    SigningKey.objects.filter(key_id=old.key_id).update(retired_at=datetime.now(UTC))

    new = get_signer(centre)

    assert new.key_id != old.key_id
    assert SigningKey.objects.count() == 2


def test_unknown_algorithm_is_rejected(centre):
    with pytest.raises(UnknownAlgorithm) as caught:
        get_signer(centre, "rsa")

    assert caught.value.code == "signing.unknown_algorithm"
    assert "rsa is not supported" in caught.value.render()


@pytest.mark.parametrize("algorithm", ["ed25519", "sm2"])
def test_key_id_is_sha256_prefix_of_public_key(centre, algorithm):
    signer = get_signer(centre, algorithm)

    expected = hashlib.sha256(signer.public_key_bytes).hexdigest()[:16]
    assert signer.key_id == expected
    assert key_id_for(signer.public_key_bytes) == expected


@pytest.mark.parametrize("algorithm", ["ed25519", "sm2"])
def test_private_key_is_not_stored_in_clear(centre, algorithm):
    signer = get_signer(centre, algorithm)

    stored = bytes(SigningKey.objects.get(key_id=signer.key_id).private_key_encrypted)
    assert signer._private_key not in stored
    assert len(stored) == 1 + 12 + len(signer._private_key) + 16


def test_key_opens_after_reload(centre):
    signature = get_signer(centre).sign(b"message")

    reloaded = get_signer(centre)

    assert verify_signature("ed25519", reloaded.public_key_bytes, b"message", signature)


def test_changed_secret_key_makes_key_unavailable(centre, settings):
    key_id = get_signer(centre).key_id
    settings.SECRET_KEY = (
        "another secret key of at least fifty characters, for the test"
    )

    with pytest.raises(SigningKeyUnavailable) as caught:
        get_signer(centre)

    assert caught.value.code == "signing.key_unavailable"
    assert key_id in caught.value.render()


def test_fallback_secret_key_still_opens_key(centre, settings):
    old_secret = settings.SECRET_KEY
    signer = get_signer(centre)
    settings.SECRET_KEY = (
        "another secret key of at least fifty characters, for the test"
    )
    settings.SECRET_KEY_FALLBACKS = [old_secret]

    reopened = get_signer(centre)

    assert reopened.key_id == signer.key_id
    assert reopened._private_key == signer._private_key


def test_private_key_moved_to_other_row_fails(centre, other_centre):
    first = get_signer(centre)
    second = get_signer(other_centre)
    stolen = SigningKey.objects.get(key_id=first.key_id).private_key_encrypted
    SigningKey.objects.filter(key_id=second.key_id).update(private_key_encrypted=stolen)

    with pytest.raises(SigningKeyUnavailable):
        get_signer(other_centre)


@pytest.mark.parametrize(("public_key", "message", "signature"), RFC8032_VECTORS)
def test_ed25519_rfc8032_vector_verifies(public_key, message, signature):
    public = bytes.fromhex(public_key)
    data = bytes.fromhex(message)
    raw = bytes.fromhex(signature)

    assert verify_signature("ed25519", public, data, raw)
    assert not verify_signature("ed25519", public, data + b"x", raw)


def test_ed25519_signature_verifies(centre):
    signer = get_signer(centre)

    signature = signer.sign(b"payload")

    assert len(signature) == 64
    assert verify_signature("ed25519", signer.public_key_bytes, b"payload", signature)
    assert not verify_signature(
        "ed25519", signer.public_key_bytes, b"payloaD", signature
    )


@pytest.mark.parametrize(
    ("public_key", "data", "signature"),
    [
        (b"short", b"data", b"\x00" * 64),
        (b"\x00" * 32, b"data", b"short"),
        (b"\x00" * 32, "not bytes", b"\x00" * 64),
        (None, b"data", b"\x00" * 64),
        (b"\x00" * 32, b"data", None),
    ],
)
def test_ed25519_malformed_input_is_false(public_key, data, signature):
    assert verify_signature("ed25519", public_key, data, signature) is False


def test_unknown_algorithm_does_not_verify(centre):
    signer = get_signer(centre)
    signature = signer.sign(b"payload")

    assert (
        verify_signature("rsa", signer.public_key_bytes, b"payload", signature) is False
    )


def test_sm2_signatures_of_same_message_differ_and_verify(centre):
    signer = get_signer(centre, "sm2")

    first = signer.sign(b"same message")
    second = signer.sign(b"same message")

    assert first != second
    assert verify_signature("sm2", signer.public_key_bytes, b"same message", first)
    assert verify_signature("sm2", signer.public_key_bytes, b"same message", second)


def test_sm2_nonce_does_not_follow_random_module(centre):
    signer = get_signer(centre, "sm2")

    random.seed(20250522)
    first = signer.sign(b"message")
    random.seed(20250522)
    second = signer.sign(b"message")

    assert first != second


def test_sm2_tampered_message_fails(centre):
    signer = get_signer(centre, "sm2")
    signature = signer.sign(b"message")

    assert not verify_signature("sm2", signer.public_key_bytes, b"messagE", signature)


def _decode_r_and_s(signature: bytes) -> tuple[int, int]:
    """Decode a DER SEQUENCE of the two INTEGERs r and s, the form of an SM2 signature."""
    sequence = DerSequence()
    sequence.decode(signature, nr_elements=2, only_ints_expected=True)
    # only_ints_expected makes decode raise unless both items are int, but the stub
    # of pycryptodomex types DerSequence.__getitem__ as returning None.
    return cast(int, sequence[0]), cast(int, sequence[1])


def test_sm2_signature_is_der_of_r_and_s(centre):
    signer = get_signer(centre, "sm2")
    signature = signer.sign(b"message")

    r, s = _decode_r_and_s(signature)
    assert 0 < r < signing._SM2_N
    assert 0 < s < signing._SM2_N


def test_sm2_changed_r_fails(centre):
    signer = get_signer(centre, "sm2")
    r, s = _decode_r_and_s(signer.sign(b"message"))

    forged = DerSequence([r + 1, s]).encode()

    assert not verify_signature("sm2", signer.public_key_bytes, b"message", forged)


def test_sm2_non_canonical_der_fails(centre):
    signer = get_signer(centre, "sm2")
    r, s = _decode_r_and_s(signer.sign(b"message"))
    # The same integers with a redundant leading zero byte in r: valid BER, not DER.
    r_bytes = b"\x00" + r.to_bytes(33, "big").lstrip(b"\x00").rjust(33, b"\x00")
    s_bytes = DerSequence([s]).encode()[2:]
    body = b"\x02" + bytes([len(r_bytes)]) + r_bytes + s_bytes
    padded = b"\x30" + bytes([len(body)]) + body

    assert not verify_signature("sm2", signer.public_key_bytes, b"message", padded)


@pytest.mark.parametrize(
    "signature",
    [b"", b"\x30\x00", b"garbage", DerSequence([0, 1]).encode(), b"\x30" * 80],
)
def test_sm2_malformed_signature_is_false(centre, signature):
    signer = get_signer(centre, "sm2")

    assert verify_signature("sm2", signer.public_key_bytes, b"m", signature) is False


def test_sm2_point_off_curve_is_false(centre):
    signer = get_signer(centre, "sm2")
    signature = signer.sign(b"message")
    off_curve = signer.public_key_bytes[:-1] + bytes([signer.public_key_bytes[-1] ^ 1])

    assert verify_signature("sm2", off_curve, b"message", signature) is False


def test_sm2_key_with_x_starting_04_signs():
    # d = 11 gives a public x coordinate whose hex form starts with "04", which gmssl's
    # constructor would strip; the signer must keep the key intact.
    private = (11).to_bytes(32, "big")
    public = b"\x04" + bytes.fromhex(
        "04b3cb10c9c6d8e27c1aab770f67f543125dcdd589c2ff82668c74d78ce20ace"
        "63516355287e39fe4918e5c02e2b0b930c94816e63c4bc72739a8fd805174a4b"
    )

    signature = signing._sm2_sign(private, public, b"message")

    assert verify_signature("sm2", public, b"message", signature)


OPENSSL = shutil.which("openssl")


def _run_openssl(*arguments, cwd=None, check=True):
    assert OPENSSL is not None, "the openssl command is not on PATH"
    return subprocess.run(  # noqa: S603 (fixed arguments to the local openssl)
        [OPENSSL, *arguments],
        cwd=cwd,
        capture_output=True,
        timeout=30,
        check=check,
    )


def _openssl_has_sm2() -> bool:
    if OPENSSL is None:
        return False
    listing = _run_openssl("list", "-public-key-algorithms", check=False)
    return b"SM2" in listing.stdout


needs_openssl_sm2 = pytest.mark.skipif(
    not _openssl_has_sm2(), reason="the openssl command has no SM2 support"
)


def _sm2_public_pem(public_key: bytes) -> bytes:
    body = base64.encodebytes(SM2_SPKI_PREFIX + public_key)
    return b"-----BEGIN PUBLIC KEY-----\n" + body + b"-----END PUBLIC KEY-----\n"


@needs_openssl_sm2
def test_openssl_verifies_sm2_signature(centre, tmp_path):
    signer = get_signer(centre, "sm2")
    message = "电子证照 certificate".encode()
    (tmp_path / "key.pem").write_bytes(_sm2_public_pem(signer.public_key_bytes))
    (tmp_path / "message").write_bytes(message)
    (tmp_path / "signature").write_bytes(signer.sign(message))

    result = _run_openssl(
        *("pkeyutl", "-verify", "-pubin", "-inkey", "key.pem", "-rawin"),
        *("-digest", "sm3", "-pkeyopt", f"distid:{SM2_DEFAULT_USER_ID}"),
        *("-in", "message", "-sigfile", "signature"),
        cwd=tmp_path,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert b"Signature Verified Successfully" in result.stdout


@needs_openssl_sm2
def test_sm2_verifies_openssl_signature(tmp_path):
    message = "营业执照".encode()
    (tmp_path / "message").write_bytes(message)

    _run_openssl("genpkey", "-algorithm", "SM2", "-out", "private.pem", cwd=tmp_path)
    public_der = _run_openssl(
        "pkey", "-in", "private.pem", "-pubout", "-outform", "DER", cwd=tmp_path
    ).stdout
    _run_openssl(
        *("pkeyutl", "-sign", "-inkey", "private.pem", "-rawin", "-digest", "sm3"),
        *("-pkeyopt", f"distid:{SM2_DEFAULT_USER_ID}"),
        *("-in", "message", "-out", "signature"),
        cwd=tmp_path,
    )
    public_key = public_der[len(SM2_SPKI_PREFIX) :]
    signature = (tmp_path / "signature").read_bytes()

    assert public_der.startswith(SM2_SPKI_PREFIX)
    assert verify_signature("sm2", public_key, message, signature)
    assert not verify_signature("sm2", public_key, message + b"!", signature)


DOCUMENT = {"holder": "张三", "type": "营业执照", "fields": [["注册资本", "100万元"]]}


@pytest.mark.parametrize("algorithm", ["ed25519", "sm2"])
def test_signed_document_verifies(centre, algorithm):
    signature = sign_document(centre, DOCUMENT, algorithm)

    assert signature["alg"] == algorithm
    assert verify_document(DOCUMENT, signature, public_keys_for(centre))


def test_signed_document_has_alg_kid_sig(centre):
    signature = sign_document(centre, DOCUMENT)

    assert set(signature) == {"alg", "kid", "sig"}
    assert signature["kid"] == get_signer(centre).key_id
    assert len(b64url_decode(signature["sig"])) == 64
    assert "=" not in signature["sig"]


def test_document_key_order_does_not_matter(centre):
    signature = sign_document(centre, DOCUMENT)
    reordered = dict(reversed(list(DOCUMENT.items())))

    assert verify_document(reordered, signature, public_keys_for(centre))


def test_changed_document_fails(centre):
    signature = sign_document(centre, DOCUMENT)
    changed = {**DOCUMENT, "holder": "李四"}

    assert not verify_document(changed, signature, public_keys_for(centre))


def test_document_verifies_with_published_keys(centre):
    signature = sign_document(centre, DOCUMENT)
    key_set = json.loads(json.dumps(published_keys()))

    assert verify_document(DOCUMENT, signature, key_set)


def test_unknown_key_id_fails(centre, other_centre):
    signature = sign_document(centre, DOCUMENT)

    assert not verify_document(DOCUMENT, signature, public_keys_for(other_centre))


def test_algorithm_mismatch_fails(centre):
    signature = sign_document(centre, DOCUMENT)
    keys = public_keys_for(centre)
    relabelled = {kid: PublicKey("sm2", key.key) for kid, key in keys.items()}

    assert not verify_document(DOCUMENT, signature, relabelled)


@pytest.mark.parametrize(
    "signature",
    [{}, {"alg": "ed25519"}, {"alg": "ed25519", "kid": "x", "sig": "!!"}, None],
)
def test_malformed_document_signature_is_false(centre, signature):
    sign_document(centre, DOCUMENT)

    assert verify_document(DOCUMENT, signature, public_keys_for(centre)) is False


def test_bad_base64url_signature_is_false(centre):
    signature = sign_document(centre, DOCUMENT)
    signature["sig"] = signature["sig"][:-2] + "+/"

    assert verify_document(DOCUMENT, signature, public_keys_for(centre)) is False


def test_document_with_nan_does_not_verify(centre):
    signature = sign_document(centre, DOCUMENT)

    assert not verify_document({"x": float("nan")}, signature, public_keys_for(centre))


def test_retired_key_still_verifies_old_documents(centre):
    signature = sign_document(centre, DOCUMENT)
    SigningKey.objects.filter(key_id=signature["kid"]).update(
        retired_at=datetime.now(UTC)
    )

    assert verify_document(DOCUMENT, signature, public_keys_for(centre))


def test_published_key_entry_fields(centre):
    signer = get_signer(centre)

    (entry,) = published_keys(centre)["keys"]

    assert entry["kid"] == signer.key_id
    assert entry["alg"] == "ed25519"
    assert b64url_decode(entry["public_key"]) == signer.public_key_bytes
    assert entry["centre"] == "440604"
    assert entry["retired"] is None
    assert datetime.fromisoformat(entry["created"]).tzinfo is not None
    assert entry["created"].endswith("+08:00")
    assert "." not in entry["created"]


def test_published_keys_show_retirement(centre):
    signer = get_signer(centre)
    retired_at = datetime(2026, 1, 1, tzinfo=UTC)
    SigningKey.objects.filter(key_id=signer.key_id).update(retired_at=retired_at)

    (entry,) = published_keys(centre)["keys"]

    assert datetime.fromisoformat(entry["retired"]) == retired_at
    assert entry["retired"] == "2026-01-01T08:00:00+08:00"


def test_published_keys_filter_by_centre(centre, other_centre):
    get_signer(centre)
    get_signer(other_centre, "sm2")
    get_signer(None)

    assert len(published_keys()["keys"]) == 3
    assert [key["centre"] for key in published_keys(other_centre)["keys"]] == ["440605"]


def test_b64url_round_trip():
    data = bytes(range(256))

    assert b64url_decode(b64url_encode(data)) == data
    assert b64url_encode(b"\xfb\xff") == "-_8"


def test_well_known_keys_serves_key_set(centre):
    signer = get_signer(centre)
    request = RequestFactory().get("/.well-known/onestop-keys.json")

    response = well_known_keys(request)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "public, max-age=300"
    assert json.loads(response.content)["keys"][0]["kid"] == signer.key_id


def test_well_known_keys_rejects_post():
    response = well_known_keys(RequestFactory().post("/.well-known/onestop-keys.json"))

    assert response.status_code == 405


def test_well_known_keys_post_answers_json_405(client):
    response = client.post(
        "/.well-known/onestop-keys.json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json()["code"] == "api.method_not_allowed"
    assert "POST" in response.json()["message"]


def test_retired_key_is_replaced_on_next_use(centre):
    old = get_signer(centre)

    retired = retire_signing_key(centre, actor=None)
    new = get_signer(centre)

    assert retired == 1
    assert new.key_id != old.key_id
    assert SigningKey.objects.get(key_id=old.key_id).retired_at is not None
    assert AuditEvent.objects.filter(verb="signing_key.retired").count() == 1


def test_retiring_leaves_other_algorithm(centre):
    get_signer(centre, "ed25519")
    sm2 = get_signer(centre, "sm2")

    retire_signing_key(centre, "ed25519", actor=None)

    assert get_signer(centre, "sm2").key_id == sm2.key_id


def test_retiring_without_keys_retires_none(centre):
    assert retire_signing_key(centre, actor=None) == 0
