"""An application's form values and materials, and storing the materials as submissions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from onestop.cases import results
from onestop.cases.errors import UnknownMaterial
from onestop.cases.held_uploads import use_held
from onestop.cases.models import Case, HeldUpload, Submission, SubmissionKind
from onestop.cases.uploads import (
    CheckedUpload,
    RejectedUpload,
    check_no_rejected_uploads,
)
from onestop.core.bulk import insert_instances
from onestop.core.logging import get_logger

log = get_logger(__name__)


def check_material_keys(keys: Iterable[str], materials: list[dict[str, Any]]) -> None:
    """Raise UnknownMaterial naming every key that is not one of `materials`."""
    known = {material["key"] for material in materials}
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise UnknownMaterial(unknown=unknown, matter_materials=materials)


@dataclass
class MaterialCheck:
    """The clerk's ticks for one material at the window."""

    original_seen: bool = False
    copy_taken: bool = False
    electronic: bool = False


@dataclass
class Application:
    """The applicant's part of a case: form values and the materials provided."""

    form_data: dict[str, Any] = field(default_factory=dict)
    uploads: dict[str, list[CheckedUpload]] = field(default_factory=dict)
    checklist: dict[str, MaterialCheck] = field(default_factory=dict)
    certificates: dict[str, str] = field(default_factory=dict)
    # Files that failed the upload checks; an action reports them all before it saves.
    rejected_uploads: list[RejectedUpload] = field(default_factory=list)
    # The held uploads (cases.held_uploads) whose files are among `uploads`; storing
    # the materials marks them used.
    held: list[HeldUpload] = field(default_factory=list)
    # True when the page keeps the files that passed their checks after an error.
    files_kept: bool = False
    # True when the request did not send the applicant's consent to fetch
    # `certificates` from the certificate library. The checks then reject them.
    consent_missing: bool = False


def _store_materials(
    case: Case,
    application: Application,
    *,
    replace: bool,
    actor: Any,
    role: str,
    written: list[str],
) -> list[Submission]:
    """Store the uploads and certificate references and return the new submissions.

    The storage name of every file written is added to `written`, which
    `_atomic_removing_files` deletes when the transaction fails.
    """
    stored: list[Submission] = []
    materials = case.matter_version.guide.materials
    # Callers check earlier; this keeps a new caller from saving half of a request.
    check_no_rejected_uploads(application.rejected_uploads, materials)
    check_material_keys([*application.uploads, *application.certificates], materials)
    use_held(application.held, case)
    for key, files in application.uploads.items():
        if replace and files:
            case.submissions.filter(material_key=key).update(superseded=True)
        for upload in files:
            submission = Submission(
                centre=case.centre,
                case=case,
                material_key=key,
                kind=SubmissionKind.UPLOAD,
                original_name=upload.name,
                content_type=upload.content_type,
                size=upload.size,
                sha256=upload.sha256,
            )
            submission.file.save(
                f"{case.number}-{key}-{upload.sha256[:12]}",
                ContentFile(upload.content),
                save=False,
            )
            written.append(str(submission.file.name))
            submission.save()
            stored.append(submission)
    for key, identifier in application.certificates.items():
        if replace:
            case.submissions.filter(material_key=key).update(superseded=True)
        stored.append(
            Submission.objects.create(
                centre=case.centre,
                case=case,
                material_key=key,
                kind=SubmissionKind.CERTIFICATE,
                certificate_identifier=identifier,
            )
        )
    if application.certificates:
        results.use_certificates_as_materials(
            case, application.certificates, actor=actor, role=role
        )
    return stored


def _record_checklist(
    case: Case,
    checklist: dict[str, MaterialCheck],
    *,
    stored: list[Submission] | None = None,
) -> list[Submission]:
    """Record the paper materials ticked at the window; return the new submissions.

    For a case inserted in this transaction, `stored` lists the uploads and certificates
    it was given, and there are no earlier paper checks to supersede.
    """
    check_material_keys(checklist, case.matter_version.guide.materials)
    paper: list[Submission] = []
    for key, check in checklist.items():
        if not (check.original_seen or check.copy_taken or check.electronic):
            continue
        if check.electronic and not (check.original_seen or check.copy_taken):
            continue  # an electronic material is an upload or a certificate, stored already
        paper.append(
            Submission(
                centre=case.centre,
                case=case,
                material_key=key,
                kind=SubmissionKind.PAPER,
                original_seen=check.original_seen,
                copy_taken=check.copy_taken,
            )
        )
    if not paper:
        return []
    paper = _tick_electronic_materials(case, paper, stored)
    if stored is None:
        # A new tick replaces the earlier paper check of the same material.
        case.submissions.filter(
            kind=SubmissionKind.PAPER, material_key__in=[s.material_key for s in paper]
        ).update(superseded=True)
    return list(insert_instances(paper))


def _tick_electronic_materials(
    case: Case, paper: list[Submission], stored: list[Submission] | None
) -> list[Submission]:
    """Record ticks for materials already uploaded or given as certificates on those rows.

    The clerk who sees the original of an uploaded material confirms that upload, because
    a second, paper row would list the material twice. `stored` are the new case's
    electronic materials, or None to read the case's current ones. Return the ticks left
    for paper.
    """
    if stored is None:
        stored = list(
            case.submissions.filter(superseded=False).exclude(kind=SubmissionKind.PAPER)
        )
    electronic = {s.material_key for s in stored if s.kind != SubmissionKind.PAPER}
    ticks = {tick.material_key: tick for tick in paper}
    for submission in stored:
        tick = ticks.get(submission.material_key)
        if tick is None or submission.kind == SubmissionKind.PAPER:
            continue
        submission.original_seen = tick.original_seen
        submission.copy_taken = tick.copy_taken
        Submission.objects.filter(pk=submission.pk).update(
            original_seen=tick.original_seen, copy_taken=tick.copy_taken
        )
    return [tick for tick in paper if tick.material_key not in electronic]


@contextmanager
def _atomic_removing_files() -> Iterator[list[str]]:
    """Open a transaction that deletes the files written in it when it fails.

    A rollback removes the submissions' rows but not their files in storage, so the
    block adds the storage name of each file it writes to the list it gets. Storage
    gives each file a name of its own, so no other row refers to a deleted file. NOTE:
    inside an outer transaction that fails after this block commits, the files stay.
    """
    written: list[str] = []
    try:
        with transaction.atomic():
            yield written
    except BaseException:
        storage = Submission._meta.get_field("file").storage
        for name in written:
            try:
                storage.delete(name)
            except OSError as error:
                log.warning("case.file_not_removed", error=type(error).__name__)
        raise
