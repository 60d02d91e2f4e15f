"""The one rule for the text that comes with a decision on a case.

Review opinions, also those that department systems return, reasons for not accepting
and the reasons of the clock's actions (extensions and special procedures) follow it:
required where the decision must state it, and at most MAX_LENGTH characters after
trimming.
"""

from __future__ import annotations

from onestop.core.errors import OneStopError

# The maximum length of an opinion or reason after trimming, as in the pages' text boxes.
MAX_LENGTH = 2000


def clean_reason(
    text: str,
    *,
    missing: OneStopError | None,
    too_long: type[OneStopError],
    **details: object,
) -> str:
    """Return the text trimmed and with LF line breaks, or raise when it breaks the rule.

    Raise `missing` when the trimmed text is empty, unless it is None because the text
    is optional. Raise `too_long(length=…, max=MAX_LENGTH, **details)` when the text has
    more than MAX_LENGTH characters. A browser submits a text box's line breaks as CRLF
    but counts each as one character against the box's maxlength, so the length is
    counted with LF line breaks, as the box counts it.
    """
    cleaned = text.replace("\r\n", "\n").strip()
    if not cleaned and missing is not None:
        raise missing
    if len(cleaned) > MAX_LENGTH:
        raise too_long(length=len(cleaned), max=MAX_LENGTH, **details)
    return cleaned
