"""The end date of a new certificate from its type's validity rule.

A type is valid for a fixed number of years, for a number of years that depends on the
holder's age at issue (居民身份证法 art. 5: 5 years under 16, 10 years from 16 to 25,
20 years from 26 to 45, long-term from 46), or long-term.
"""

from __future__ import annotations

import datetime

from onestop.certificates.models import CertificateType, HolderKind
from onestop.identity.codes import parse_resident_id


def default_valid_until(
    certificate_type: CertificateType, holder_code: str, start: datetime.date
) -> datetime.date | None:
    """Return the last day of validity from `start`, or None for a long-term certificate.

    A period of n years ends the day before the n-th anniversary of `start`.
    """
    years = certificate_type.validity_years
    if certificate_type.validity_by_age:
        years = years_for_age(
            certificate_type.validity_by_age,
            _holder_age(certificate_type, holder_code, start),
        )
    if not years:
        return None
    return _anniversary(start, years) - datetime.timedelta(days=1)


def years_for_age(terms: list[dict[str, int]], age: int) -> int | None:
    """Return the years of the first term whose `below_age` exceeds `age`, or None."""
    for term in terms:
        if age < term["below_age"]:
            return term["years"]
    return None


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Return the age in completed years (周岁) on `day`."""
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1)


def _holder_age(
    certificate_type: CertificateType, holder_code: str, start: datetime.date
) -> int:
    # The pack schema allows validity by age only for types held by a person, whose
    # holder code is a resident ID number that contains the date of birth.
    if certificate_type.holder_kind != HolderKind.PERSON:
        raise ValueError(
            f"validity by age needs a person holder: {certificate_type.code}"
        )
    birth_date = parse_resident_id(holder_code).birth_date
    return age_on(birth_date, start)


def _anniversary(start: datetime.date, years: int) -> datetime.date:
    try:
        return start.replace(year=start.year + years)
    except (
        ValueError
    ):  # from 29 February into a common year: the period ends 28 February
        return start.replace(year=start.year + years, month=3, day=1)
