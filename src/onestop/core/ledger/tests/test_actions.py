from __future__ import annotations

import json

import pytest

from onestop.core.canonical import NotCanonicalizable
from onestop.core.ledger.actions import queue_entry, subject_reference
from onestop.core.ledger.errors import BodyInvalid, KindInvalid, PersonalDataInEntry

pytestmark = pytest.mark.django_db


def test_queued_entry_is_pending():
    entry = queue_entry("case.accepted", {"case_id": 7, "state": "accepted"}, centre=3)

    assert entry.index is None
    assert entry.leaf_hash is None
    assert entry.centre_id == 3


def test_queued_entry_data_is_canonical_json():
    entry = queue_entry("case.accepted", {"z": 1, "a": "x"})
    document = json.loads(bytes(entry.data))

    assert bytes(entry.data).startswith(b'{"body":{"a":"x","z":1},"centre":null')
    assert document["kind"] == "case.accepted"
    assert document["queued_at"] == entry.queued_at.isoformat(timespec="microseconds")


def test_id_number_in_body_is_rejected():
    with pytest.raises(PersonalDataInEntry) as caught:
        queue_entry("case.accepted", {"applicant": {"id": "11010519491231002X"}})

    assert caught.value.code == "ledger.personal_data"
    assert "body.applicant.id" in caught.value.render()


def test_mobile_number_in_list_is_rejected():
    with pytest.raises(PersonalDataInEntry):
        queue_entry("case.accepted", {"phones": ["13812345678"]})


@pytest.mark.parametrize(
    "kind", ["", "Case.Accepted", "case", "case accepted", "a." + "b" * 80]
)
def test_invalid_kind_is_rejected(kind):
    with pytest.raises(KindInvalid):
        queue_entry(kind, {})


def test_body_must_be_object():
    with pytest.raises(BodyInvalid):
        queue_entry("case.accepted", ["not", "a", "dict"])  # type: ignore[arg-type]


def test_float_nan_body_is_not_canonical():
    with pytest.raises(NotCanonicalizable):
        queue_entry("case.accepted", {"value": float("nan")})


def test_subject_reference_is_keyed_hash_of_normalised_code(settings):
    settings.ONESTOP_LEDGER_SUBJECT_KEY = "k1"
    first = subject_reference("11010519491231002x")

    assert first == subject_reference(" 11010519491231002X ")
    assert len(first) == 64
    assert "11010519491231002" not in first
    settings.ONESTOP_LEDGER_SUBJECT_KEY = "k2"
    assert subject_reference("11010519491231002X") != first


def test_subject_reference_passes_personal_data_check():
    reference = subject_reference("11010519491231002X")

    entry = queue_entry("credit.recorded", {"subject": reference})

    assert entry.pk is not None
