"""End dates of new certificates: fixed years, years by the holder's age, long-term."""

from __future__ import annotations

import datetime

import pytest

from onestop.certificates.actions import issue_certificate, renew_certificate
from onestop.certificates.models import CertificateType, HolderKind
from onestop.certificates.validity import age_on, years_for_age

# 居民身份证法 art. 5, as the standard pack writes it.
ID_CARD_TERMS = [
    {"below_age": 16, "years": 5},
    {"below_age": 26, "years": 10},
    {"below_age": 46, "years": 20},
]
# Resident ID numbers with a valid check digit, born 31 December 1949 and 15 May 2000.
BORN_1949 = "11010519491231002X"
BORN_2000 = "110105200005150016"


@pytest.fixture
def id_card_type(centre, issuer):
    return CertificateType.objects.create(
        centre=centre,
        code="11100000PACK00001T001",
        name="居民身份证",
        holder_kind=HolderKind.PERSON,
        validity_by_age=ID_CARD_TERMS,
        face_fields=[],
    )


def _issue(certificate_type, issuer, actor, holder_code, start):
    return issue_certificate(
        actor=actor,
        certificate_type=certificate_type,
        issuer=issuer,
        holder_code=holder_code,
        holder_name="王小明",
        valid_from=start,
    )


@pytest.mark.parametrize(
    ("age", "years"),
    [(0, 5), (15, 5), (16, 10), (25, 10), (26, 20), (45, 20), (46, None), (90, None)],
)
def test_years_follow_age_bands(age, years):
    assert years_for_age(ID_CARD_TERMS, age) == years


def test_age_counts_completed_years():
    birth = datetime.date(2000, 5, 15)

    assert age_on(birth, datetime.date(2016, 5, 14)) == 15
    assert age_on(birth, datetime.date(2016, 5, 15)) == 16


@pytest.mark.parametrize(
    ("start", "valid_until"),
    [
        (datetime.date(2016, 5, 14), datetime.date(2021, 5, 13)),  # 15: 5 years
        (datetime.date(2016, 5, 15), datetime.date(2026, 5, 14)),  # 16: 10 years
        (datetime.date(2026, 5, 15), datetime.date(2046, 5, 14)),  # 26: 20 years
        (datetime.date(2046, 5, 15), None),  # 46: long-term
    ],
)
def test_id_card_validity_follows_age_at_issue(
    id_card_type, issuer, reviewer, time_machine, start, valid_until
):
    time_machine.move_to(datetime.datetime(2050, 1, 1, tzinfo=datetime.UTC))

    card = _issue(id_card_type, issuer, reviewer, BORN_2000, start)

    assert card.valid_until == valid_until
    assert card.document["valid_until"] == (
        valid_until.isoformat() if valid_until else None
    )


def test_renewal_recomputes_validity_for_new_age(
    id_card_type, issuer, reviewer, time_machine
):
    time_machine.move_to(datetime.datetime(2020, 1, 10, 2, 0, tzinfo=datetime.UTC))
    card = _issue(id_card_type, issuer, reviewer, BORN_2000, datetime.date(2020, 1, 10))
    time_machine.move_to(datetime.datetime(2030, 1, 10, 2, 0, tzinfo=datetime.UTC))

    renewed = renew_certificate(card, actor=reviewer)

    assert card.valid_until == datetime.date(2030, 1, 9)
    assert renewed.valid_until == datetime.date(2050, 1, 9)


def test_fixed_years_ignore_age(licence):
    assert licence.valid_until == datetime.date(2030, 5, 21)


def test_type_without_rule_is_long_term(person_type, issuer, reviewer):
    card = _issue(person_type, issuer, reviewer, BORN_1949, datetime.date(2025, 5, 22))

    assert card.valid_until is None
