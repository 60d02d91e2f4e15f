"""Held uploads: the files of an applicant's form that came back with an error.

When a page's POST fails, each file in it that passed the upload checks (size, sniffed
content type, structure) is stored as a HeldUpload, and the page lists it with a hidden
input that carries its random token. The next POST sends the token instead of the file.
Only the owner may use a token: in the same centre, for the same matter and, on a
correction form, the same case, from the same kiosk session when it was held at a kiosk,
before it expires, and once. Nothing else reads held uploads: staff pages and the API
have no query for them.

A row outlives its file: using, removing or replacing it deletes the file at once and
marks the row, and the periodic clean-up deletes rows (and any file left) once they
expire. So a form sent twice, such as by a double click, finds that its files went into
the case that its idempotency key filed, and gets that case back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from onestop.cases.errors import HeldUploadExpired, HeldUploadNotFound, HeldUploadUsed
from onestop.cases.models import Case, HeldUpload
from onestop.cases.uploads import CheckedUpload
from onestop.catalog.models import Matter
from onestop.core.errors import OneStopError, echoed
from onestop.core.logging import get_logger

log = get_logger(__name__)

# The form field names: a hidden `held` input per held file, and a `held_remove`
# checkbox that removes it.
HELD_FIELD = "held"
REMOVE_FIELD = "held_remove"
# Tokens read from one request at most; a form shows at most 10 files per material.
MAX_TOKENS = 200
BATCH_SIZE = 500
# What secrets.token_urlsafe(24) returns: 32 characters of URL-safe Base64.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class HeldScope:
    """Whose held uploads a form may use: the account, the matter (and so the centre),
    the case of a correction form, and the kiosk session (blank outside a kiosk)."""

    owner: Any
    matter: Matter
    case: Case | None = None
    session_digest: str = ""

    def rows(self) -> QuerySet[HeldUpload]:
        return HeldUpload.objects.for_centre(self.matter.centre_id).filter(
            owner=self.owner,
            matter=self.matter,
            case=self.case,
            session_digest=self.session_digest,
        )

    def lifetime(self) -> dt.timedelta:
        """Return how long a held upload lasts after the form last showed it.

        A kiosk session ends after ONESTOP_KIOSK_IDLE_SECONDS without a request, so
        its files last no longer.
        """
        seconds = settings.ONESTOP_HELD_UPLOAD_SECONDS
        if self.session_digest:
            seconds = min(seconds, settings.ONESTOP_KIOSK_IDLE_SECONDS)
        return dt.timedelta(seconds=seconds)

    def material_names(self) -> dict[str, str]:
        version = self.case.matter_version if self.case else self.matter.current_version
        materials = version.guide.materials if version is not None else []
        return {material["key"]: material["name"] for material in materials}


def session_digest(session_key: str | None) -> str:
    """Return the SHA-256 of a session key, which held uploads store in its place."""
    if not session_key:
        return ""
    return hashlib.sha256(session_key.encode()).hexdigest()


@dataclass
class HeldSelection:
    """What one POST does with the held uploads that it names.

    `use` go into the application, `replaced` are replaced by new files of their
    material, and `error` is the first token that cannot be used, if any.
    """

    use: list[HeldUpload] = field(default_factory=list)
    replaced: list[HeldUpload] = field(default_factory=list)
    error: OneStopError | None = None


def select_held(
    scope: HeldScope,
    tokens: Iterable[str],
    *,
    removed: Iterable[str] = (),
    replacing: set[str] | frozenset[str] = frozenset(),
    idempotency_key: str | None = None,
) -> HeldSelection:
    """Look up the tokens that a form sent, remove the `removed` ones, and sort the rest.

    `replacing` are the keys of the materials whose held file a new file replaces. A
    used upload is accepted only in a repeat of the request that used it, which sends
    the idempotency key of that case, so that the repeat gets the case back. Removed
    tokens that are not found are ignored, so that a form sent twice removes once.
    """
    removing = list(dict.fromkeys(removed))[:MAX_TOKENS]
    wanted = [t for t in dict.fromkeys(tokens) if t not in removing][:MAX_TOKENS]
    # A token that cannot be one, such as text with a NUL, which PostgreSQL rejects
    # in a query, is looked up as no token and so reported as not found.
    looked_up = [t for t in [*wanted, *removing] if TOKEN_PATTERN.fullmatch(t)]
    rows = {
        row.token: row
        for row in scope.rows().filter(token__in=looked_up).select_related("used_for")
    }
    remove_held([rows[t] for t in removing if t in rows and _is_active(rows[t])])

    selection = HeldSelection()
    now = timezone.now()
    names = scope.material_names()
    for token in wanted:
        row = rows.get(token)
        problem: OneStopError | None = None
        if row is None:
            problem = HeldUploadNotFound(token=echoed(token[:64]))
        elif row.removed_at is not None:
            if row.material_key not in replacing:
                problem = HeldUploadNotFound(token=echoed(token[:64]))
        elif row.used_at is not None:
            if _repeats_use(row, scope, idempotency_key):
                selection.use.append(row)
            else:
                problem = _used_error(row, names)
        elif row.expires_at <= now:
            problem = HeldUploadExpired(
                name=row.original_name,
                material=names.get(row.material_key, row.material_key),
                material_key=row.material_key,
                expired_at=row.expires_at,
            )
        elif row.material_key in replacing:
            selection.replaced.append(row)
        else:
            selection.use.append(row)
        if problem is not None and selection.error is None:
            selection.error = problem
    return selection


def _is_active(row: HeldUpload) -> bool:
    return row.used_at is None and row.removed_at is None


def _repeats_use(row: HeldUpload, scope: HeldScope, key: str | None) -> bool:
    case = row.used_for
    return bool(
        key
        and case is not None
        and case.idempotency_key == key
        and case.created_by_id == scope.owner.pk
    )


def _used_error(row: HeldUpload, names: dict[str, str]) -> HeldUploadUsed:
    return HeldUploadUsed(
        name=row.original_name,
        material=names.get(row.material_key, row.material_key),
        material_key=row.material_key,
        number=row.used_for.number if row.used_for is not None else "",
    )


def held_as_uploads(rows: Iterable[HeldUpload]) -> dict[str, list[CheckedUpload]]:
    """Return the held uploads as checked uploads by material key, reading their files.

    An upload already used in the case of a repeated request has no file any more. It
    gets empty content, which the action never stores, because it returns the case
    that the idempotency key filed before it stores anything.
    """
    uploads: dict[str, list[CheckedUpload]] = {}
    for row in rows:
        content = b"" if row.used_at is not None else _read(row)
        uploads.setdefault(row.material_key, []).append(
            CheckedUpload(
                name=row.original_name,
                content_type=row.content_type,
                size=row.size,
                sha256=row.sha256,
                content=content,
            )
        )
    return uploads


def _read(row: HeldUpload) -> bytes:
    try:
        with row.file.open("rb") as opened:
            content = opened.read()
    except (OSError, ValueError) as error:
        log.warning(
            "held_upload.file_unreadable",
            held_upload_id=row.pk,
            centre_id=row.centre_id,
            error=type(error).__name__,
        )
        raise HeldUploadNotFound(token=echoed(row.token)) from None
    if hashlib.sha256(content).hexdigest() != row.sha256:
        log.warning(
            "held_upload.file_changed", held_upload_id=row.pk, centre_id=row.centre_id
        )
        raise HeldUploadNotFound(token=echoed(row.token))
    return content


def hold_uploads(
    scope: HeldScope, uploads: dict[str, list[CheckedUpload]]
) -> list[HeldUpload]:
    """Store checked uploads as held uploads of `scope` and return the new rows.

    The files go to the storage of case materials, under the same folders. A failed
    insert deletes the files it wrote.
    """
    rows = []
    written: list[str] = []
    expires_at = timezone.now() + scope.lifetime()
    try:
        with transaction.atomic():
            for key, files in uploads.items():
                for upload in files:
                    row = HeldUpload(
                        centre_id=scope.matter.centre_id,
                        token=secrets.token_urlsafe(24),
                        owner=scope.owner,
                        matter=scope.matter,
                        case=scope.case,
                        session_digest=scope.session_digest,
                        material_key=key,
                        original_name=upload.name,
                        content_type=upload.content_type,
                        size=upload.size,
                        sha256=upload.sha256,
                        expires_at=expires_at,
                    )
                    row.file.save(
                        f"held-{key}-{upload.sha256[:12]}",
                        ContentFile(upload.content),
                        save=False,
                    )
                    written.append(str(row.file.name))
                    row.save()
                    rows.append(row)
    except BaseException:
        _delete_files(written)
        raise
    return rows


def refresh_held(scope: HeldScope, rows: list[HeldUpload]) -> None:
    """Start the lifetime of held uploads again, because a form shows them once more."""
    expires_at = timezone.now() + scope.lifetime()
    HeldUpload.objects.filter(pk__in=[row.pk for row in rows]).update(
        expires_at=expires_at
    )
    for row in rows:
        row.expires_at = expires_at


def remove_held(rows: list[HeldUpload]) -> None:
    """Mark held uploads removed and delete their files once the transaction commits."""
    if not rows:
        return
    names = [str(row.file.name) for row in rows if row.file]
    HeldUpload.objects.filter(pk__in=[row.pk for row in rows]).update(
        removed_at=timezone.now(), file=""
    )
    transaction.on_commit(lambda: _delete_files(names))


def use_held(rows: list[HeldUpload], case: Case) -> None:
    """Mark held uploads used for `case`, in the caller's transaction.

    The rows are locked first, so that two requests cannot both use one file. Raise
    HeldUploadUsed or HeldUploadNotFound for a row that another request used or
    removed meanwhile. Their files are deleted once the transaction commits, because
    the case's materials are copies of them by then.
    """
    if not rows:
        return
    locked = list(
        HeldUpload.objects.select_for_update(of=("self",))
        .filter(pk__in=[row.pk for row in rows])
        .select_related("used_for")
        .order_by("pk")
    )
    for row in locked:
        if row.used_at is not None:
            raise _used_error(row, {})
        if row.removed_at is not None:
            raise HeldUploadNotFound(token=echoed(row.token))
    names = [str(row.file.name) for row in locked if row.file]
    HeldUpload.objects.filter(pk__in=[row.pk for row in locked]).update(
        used_at=timezone.now(), used_for=case, file=""
    )
    transaction.on_commit(lambda: _delete_files(names))


def forget_session_uploads(session_key: str | None) -> int:
    """Remove the held uploads of a kiosk session that ends, and return their count."""
    digest = session_digest(session_key)
    if not digest:
        return 0
    rows = list(
        HeldUpload.objects.filter(
            session_digest=digest, used_at__isnull=True, removed_at__isnull=True
        )
    )
    remove_held(rows)
    return len(rows)


def delete_expired_held_uploads(batch_size: int = BATCH_SIZE) -> int:
    """Delete the expired held uploads and their files, and return how many."""
    deleted = 0
    now = timezone.now()
    while True:
        batch = list(
            HeldUpload.objects.filter(expires_at__lte=now)
            .only("pk", "file")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            break
        names = [str(row.file.name) for row in batch if row.file]
        HeldUpload.objects.filter(pk__in=[row.pk for row in batch]).delete()
        _delete_files(names)
        deleted += len(batch)
    if deleted:
        log.info("held_uploads.expired_deleted", count=deleted)
    return deleted


def _delete_files(names: list[str]) -> None:
    storage = HeldUpload._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except OSError as error:
            log.warning("held_upload.file_not_removed", error=type(error).__name__)
