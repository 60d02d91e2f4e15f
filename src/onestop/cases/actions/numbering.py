"""Case numbers: the centre's daily counter, and the claim under which a new case takes
its number once per idempotency key."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from onestop.cases import idempotency
from onestop.cases.actions.checks import (
    _check_new_case,
    _check_uploads_with_form,
    reporting_consent,
)
from onestop.cases.actions.materials import Application
from onestop.cases.models import Case, CaseCounter
from onestop.cases.results import form_owner
from onestop.cases.uploads import check_no_rejected_uploads
from onestop.catalog.models import Matter
from onestop.core.locks import named_lock
from onestop.core.models import Centre
from onestop.identity.models import Enterprise, Person


@dataclass(frozen=True)
class _Claim:
    """The result of `_claim_case`: the key's earlier case, or the checked form and a number."""

    existing: Case | None = None
    form_data: dict[str, Any] = field(default_factory=dict)
    number: str = ""
    key: str | None = None
    digest: str = ""


@contextmanager
def _claim_case(
    matter: Matter,
    person: Person,
    enterprise: Enterprise | None,
    application: Application,
    *,
    key: str | None,
    sender: idempotency.Sender,
    window: str = "",
) -> Iterator[_Claim]:
    """Hold the idempotency key's lock while the caller writes a new case.

    Yield the case filed earlier with the key, or else the checked form values and a new
    case number. The checks run before the number is taken, so invalid applications use
    up no numbers. Requests with one key run one at a time, so a double click gives one
    case and one number. The lock's name leaves out the centre, as the key's scope does,
    so a key sent to two centres at once also files one case. A request without a key
    has nothing to serialise, so it takes no lock.

    Rejected uploads are reported before the key is looked up, because the digest
    covers only the files that passed, so it could match the key's earlier case.
    """
    _check_rejected_uploads(matter, person, enterprise, application)
    digest = idempotency.application_digest(
        matter=matter,
        person=person,
        enterprise=enterprise,
        application=application,
        window=window,
    )
    block = (
        named_lock("case-key", person.pk, sender.user_id, sender.channel, key)
        if key
        else _numbering_block()
    )
    with block:
        existing = (
            idempotency.find_case_for_key(
                matter, person, key, digest, sender=sender, enterprise=enterprise
            )
            if key
            else None
        )
        if existing is not None:
            yield _Claim(existing=existing)
            return
        form_data = _check_new_case(matter, person, enterprise, application)
        number = _allocate_case_number(matter.centre)
        yield _Claim(form_data=form_data, number=number, key=key, digest=digest)


def check_new_application(
    matter: Matter,
    person: Person,
    enterprise: Enterprise | None,
    application: Application,
) -> None:
    """Raise the error that filing the application would raise, without filing it.

    The rejected files come first, reported with the form's errors, and then the
    matter, the form and the required materials, as `_claim_case` checks them.
    """
    _check_rejected_uploads(matter, person, enterprise, application)
    _check_new_case(matter, person, enterprise, application)


def _check_rejected_uploads(
    matter: Matter,
    person: Person,
    enterprise: Enterprise | None,
    application: Application,
) -> None:
    """Raise one error for the rejected uploads that also lists the form's errors, the
    missing materials and a missing consent (一次性告知)."""
    if not application.rejected_uploads:
        return
    version = matter.current_version
    if version is None:
        check_no_rejected_uploads(
            application.rejected_uploads, [], files_kept=application.files_kept
        )
        return
    with reporting_consent(application, version.guide.materials):
        _check_uploads_with_form(
            application,
            version.guide,
            application.form_data,
            form_owner(matter.centre, version.guide, person, enterprise),
            provided=set(),
        )


def _allocate_case_number(centre: Centre) -> str:
    """Take the next number: region code, date (Asia/Shanghai), a 5-digit daily sequence.

    One upsert statement (INSERT … ON CONFLICT DO UPDATE … RETURNING, which PostgreSQL
    and SQLite 3.35 and later both run) takes the number. On PostgreSQL, outside a
    transaction, it commits on its own. So the counter row stays locked only for that
    statement, acceptances in one centre do not queue behind each other, and a number
    whose application then fails is skipped. Inside a caller's transaction, which is
    how SQLite runs it (see `named_lock`), a failed application takes its number back
    with the rollback, and the counter row stays locked until that transaction ends.
    """
    day = timezone.localdate()
    quote = connection.ops.quote_name
    table = quote(CaseCounter._meta.db_table)
    last = quote("last")
    source = "VALUES (%s, %s, 1)"
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        source = _WITHOUT_WAITING_FOR_FLUSH
    # Table and column names come from the model; values are parameters.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quote('centre_id')}, {quote('day')}, {last}) "
            f"{source} ON CONFLICT ({quote('centre_id')}, {quote('day')}) "
            f"DO UPDATE SET {last} = {table}.{last} + 1 RETURNING {last}",
            [centre.pk, connection.ops.adapt_datefield_value(day)],
        )
        (number,) = cursor.fetchone()
    return f"{centre.region_code}{day:%y%m%d}{number:05d}"


def _numbering_block() -> AbstractContextManager[Any]:
    """Return the block in which a case takes its number when no lock is needed.

    On SQLite it is one transaction, the same one that `named_lock` opens there, so the
    counter's change commits with the case or rolls back with a failed application. On
    PostgreSQL the number commits on its own (see `_allocate_case_number`).
    """
    if connection.vendor == "postgresql":
        return nullcontext()
    return transaction.atomic()


# The counter's own commit on PostgreSQL does not wait for the disk, because the statement
# turns synchronous_commit off for its one transaction. A crash cannot give a number twice.
# The write-ahead log is flushed in order, and a case that used the number commits later
# with a flush that covers the counter's change too. A crash before that flush loses the
# case along with the counter's change.
_WITHOUT_WAITING_FOR_FLUSH = (
    "SELECT %s, %s, 1 FROM (SELECT set_config('synchronous_commit', 'off', true)) AS s"
)
