"""The maximum extension (延期) of a case, in the working days extensions are requested in.

A matter's guide may set the extension the law allows, `time_limits.statutory.extension`,
in working or natural days. A natural-day allowance is converted to working days on the
work calendar of the case's centre. The count starts at the case's statutory due date
before any extension, with every pause counted. As for a natural-day time limit, the
allowance ends that many calendar days later, or on the next working day when that day
is a rest day. The working days from the due date to that end are the allowance, so
approving all of them moves the statutory due date exactly to that end.

A correction or a special procedure that moves the due date before extensions recounts a
natural-day allowance, and so does each further day of a pause that is still open. Each
approval checks the total again, with the allowance counted at that time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from django.utils.functional import lazy
from django.utils.translation import ngettext

from onestop.cases.deadlines import statutory_due_before_extensions
from onestop.cases.models import Case
from onestop.core.errors import Coded
from onestop.worktime import queries as worktime
from onestop.worktime.engine import Unit

# The maximum extension, in working days, of a matter whose guide sets none. It is the
# extension that 行政许可法 article 42 allows for the general 20-day limit.
DEFAULT_MAX_EXTENSION_DAYS = 10


@dataclass(frozen=True)
class ExtensionAllowance:
    """A case's maximum extension: its rule in the rule's unit and the working days it gives.

    `from_guide` is False for a matter whose guide sets no extension, which gets
    DEFAULT_MAX_EXTENSION_DAYS. `counted_from` is the statutory due date before any
    extension that a natural-day rule is counted from, and None for a working-day rule.
    """

    amount: int
    unit: Unit
    working_days: int
    from_guide: bool
    counted_from: dt.date | None = None

    def as_detail(self) -> Coded:
        """Return the allowance as an error detail: its fields in the API's details,
        and `allowance_text` in the message."""
        code = {
            "amount": self.amount,
            "unit": self.unit,
            "working_days": self.working_days,
            "from_guide": self.from_guide,
            "counted_from": self.counted_from.isoformat()
            if self.counted_from
            else None,
        }
        return Coded(code=code, text=_lazy_allowance_text(self))


def extension_allowance(case: Case) -> ExtensionAllowance:
    """Return the maximum extension of an accepted case, from its matter's guide."""
    limits = case.matter_version.guide.definition.get("time_limits") or {}
    rule = (limits.get("statutory") or {}).get("extension") or {}
    if not rule.get("amount"):
        return ExtensionAllowance(
            amount=DEFAULT_MAX_EXTENSION_DAYS,
            unit="working_days",
            working_days=DEFAULT_MAX_EXTENSION_DAYS,
            from_guide=False,
        )

    amount = int(rule["amount"])
    # The matter schema allows only the two Unit values.
    unit = cast(Unit, rule.get("unit", "working_days"))
    if unit == "working_days":
        return ExtensionAllowance(amount, unit, amount, from_guide=True)

    due = statutory_due_before_extensions(case)
    calendar = worktime.get_calendar(case.centre.region_code)
    end = calendar.workday_on_or_after(due + dt.timedelta(days=amount))
    working_days = calendar.working_days_between(due, end)
    return ExtensionAllowance(amount, unit, working_days, True, counted_from=due)


def allowance_text(allowance: ExtensionAllowance) -> str:
    """Return the sentence that states the allowance's rule and the working days it gives."""
    if not allowance.from_guide:
        return ngettext(
            "The matter's guide sets no extension limit, so the default limit "
            "applies: at most %(amount)s working day in total.",
            "The matter's guide sets no extension limit, so the default limit "
            "applies: at most %(amount)s working days in total.",
            allowance.amount,
        ) % {"amount": allowance.amount}

    if allowance.unit == "working_days":
        return ngettext(
            "The matter's guide allows at most %(amount)s working day of extension "
            "in total.",
            "The matter's guide allows at most %(amount)s working days of extension "
            "in total.",
            allowance.amount,
        ) % {"amount": allowance.amount}

    return ngettext(
        "The matter's guide allows at most %(amount)s natural day of extension in "
        "total, which is %(working_days)s counted on the centre's work calendar "
        "from the statutory due date %(counted_from)s.",
        "The matter's guide allows at most %(amount)s natural days of extension in "
        "total, which is %(working_days)s counted on the centre's work calendar "
        "from the statutory due date %(counted_from)s.",
        allowance.amount,
    ) % {
        "amount": allowance.amount,
        "working_days": working_days_text(allowance.working_days),
        "counted_from": allowance.counted_from,
    }


_lazy_allowance_text = lazy(allowance_text, str)


def working_days_text(count: int) -> str:
    """Return a count of working days with the unit in its singular or plural form."""
    return ngettext("%(count)s working day", "%(count)s working days", count) % {
        "count": count
    }
