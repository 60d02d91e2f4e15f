"""Turn a submitted form (HTML page or multipart API request) into an Application.

Pages and the API send the same names: form fields as `field.<key>` (or one JSON object in
`form`), files as `material.<key>`, certificates offered instead of uploads as
`certificate.<key>`, and window checklist ticks as `check.<key>.original_seen`,
`check.<key>.copy_taken` and `check.<key>.electronic`. A window acceptance without files
may also come as one JSON object with the same parts (`window_request`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from pydantic import StrictBool, ValidationError

from onestop.cases.actions import Application, MaterialCheck
from onestop.cases.uploads import (
    CheckedUpload,
    RejectedUpload,
    UploadRejected,
    check_upload,
    check_upload_size,
)
from onestop.core import json_input
from onestop.core.errors import InvalidInput, detail_text, echoed
from onestop.core.json_body import read_json_body
from onestop.core.json_errors import json_problem
from onestop.core.schema_errors import (
    SchemaMismatch,
    body_not_an_object,
    json_type_label,
    json_type_name,
    schema_mismatch,
)
from onestop.core.schemas import InputSchema

MAX_FILES_PER_MATERIAL = 10


class FormJsonInvalid(InvalidInput):
    code = "form.json_invalid"
    message = _(
        "The %(name)s part is not valid JSON (%(error)s). Send one JSON object."
    )


class FormJsonNotObject(FormJsonInvalid):
    message = _("The %(name)s part must be a JSON object, not a JSON %(found)s.")


class MemberMissing(InvalidInput):
    code = "request.member_missing"
    message = _("The request has no %(name)s. Send it with the request.")


class MultipartRequired(InvalidInput):
    code = "request.multipart_required"
    status = 415
    message = _(
        "This endpoint takes a multipart/form-data body, not %(content_type)s. Send "
        "centre, matter, form and each material.<key> file as parts of a multipart body."
    )


class ResubmissionMultipartRequired(MultipartRequired):
    message = _(
        "This endpoint takes a multipart/form-data body, not %(content_type)s. Send "
        "what the correction notice asks for as parts of a multipart body: each "
        "material.<key> file, and the corrected form fields as field.<key> parts or as "
        "one form part that holds a JSON object."
    )


# Content types whose body Django parses into request.POST and request.FILES.
FORM_CONTENT_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")

CHECK_FLAGS = ("original_seen", "copy_taken", "electronic")


class MaterialCheckIn(InputSchema):
    """The clerk's record of receiving one material. Strict, so that the text "false"
    is not a boolean."""

    original_seen: StrictBool = False
    copy_taken: StrictBool = False
    electronic: StrictBool = False


class WindowCaseIn(InputSchema):
    """A window acceptance sent as one JSON object, without files."""

    centre: str = ""
    matter: str = ""
    id_number: str = ""
    enterprise: str = ""
    window: str | None = None
    form: dict[str, Any] = {}
    checklist: dict[str, MaterialCheckIn] = {}
    certificates: dict[str, str] = {}
    certificate_consent: StrictBool = False


class TooManyFiles(UploadRejected):
    code = "upload.too_many_files"
    message = _(
        "%(count)s files were sent for %(material)s; the limit is %(limit)s per "
        "material. Combine the pages into fewer files."
    )


@dataclass(frozen=True)
class OnlineRequest:
    """An online application as the applicant's request states it, before any look-up."""

    centre: str
    matter: str
    enterprise: str


def online_request(request: HttpRequest) -> OnlineRequest:
    """Read the parts of an online application that name the centre, matter and enterprise.

    Raise MultipartRequired for a body that is not form data, such as JSON, and
    MemberMissing when the centre or the matter part is missing or blank.
    """
    check_form_body(request)
    sent = OnlineRequest(
        centre=request.POST.get("centre", ""),
        matter=request.POST.get("matter", ""),
        enterprise=request.POST.get("enterprise", ""),
    )
    for name in ("centre", "matter"):
        if not getattr(sent, name).strip():
            raise MemberMissing(name=name)
    return sent


def check_form_body(
    request: HttpRequest, error: type[MultipartRequired] = MultipartRequired
) -> None:
    """Raise `error` when the request has a body that is not form data.

    `error` is MultipartRequired, whose message lists an application's parts, or a
    subclass that lists another operation's parts.
    """
    if request.content_type and request.content_type not in FORM_CONTENT_TYPES:
        raise error(content_type=echoed(request.content_type))


@dataclass(frozen=True)
class WindowRequest:
    """A window acceptance as the clerk's request states it, before any look-up."""

    centre: str
    matter: str
    id_number: str
    enterprise: str
    # None when the request leaves the window out, which records the clerk's last one.
    window: str | None
    application: Application


def window_request(request: HttpRequest) -> WindowRequest:
    """Read a window acceptance: multipart, or a JSON object when it carries no files.

    The JSON object has the text members `centre`, `matter`, `id_number`, `enterprise`
    and `window`, and the objects `form`, `checklist` ({key: {"original_seen": true,
    "copy_taken": false}}) and `certificates`, with `certificate_consent` when
    certificates replace materials. Any body that is not form data is read as JSON,
    which raises JsonBodyRequired for another content type.
    """
    if request.content_type in FORM_CONTENT_TYPES:
        post = request.POST
        sent = WindowRequest(
            centre=post.get("centre", ""),
            matter=post.get("matter", ""),
            id_number=post.get("id_number", ""),
            enterprise=post.get("enterprise", ""),
            window=post.get("window"),
            application=application_from_request(
                post, request.FILES, takes_checklist=True
            ),
        )
    else:
        sent = _window_request_from_json(request)
    for name in ("centre", "matter", "id_number"):
        if not getattr(sent, name).strip():
            raise MemberMissing(name=name)
    return sent


def _window_request_from_json(request: HttpRequest) -> WindowRequest:
    """Read a JSON window acceptance with the same content type and schema checks as
    the API's JSON operations, so that a mistake in it, such as an unknown flag of a
    checklist entry, raises the same error as at POST /cases/{number}/accept."""
    data = read_json_body(request)
    if not isinstance(data, dict):
        raise body_not_an_object(data)
    try:
        sent = WindowCaseIn.model_validate(data)
    except ValidationError as error:
        raise schema_mismatch(error) from None
    return WindowRequest(
        centre=sent.centre,
        matter=sent.matter,
        id_number=sent.id_number,
        enterprise=sent.enterprise,
        window=sent.window,
        application=Application(
            form_data=sent.form,
            checklist={
                key: MaterialCheck(**check.model_dump())
                for key, check in sent.checklist.items()
            },
            certificates=sent.certificates,
            consent_missing=not sent.certificate_consent,
        ),
    )


def application_from_request(
    post: QueryDict,
    files: MultiValueDict,
    *,
    checked: CheckedFiles | None = None,
    takes_checklist: bool = False,
) -> Application:
    """Build the Application from request.POST and request.FILES, checking every upload.

    A missing consent to use certificates is not raised here: the action reports it
    together with the form's other errors.

    `checked` are the request's files as `checked_uploads` returned them, for a caller
    that checked them first; by default they are checked here. Only a window
    acceptance `takes_checklist`: elsewhere a `check.*` part is rejected like any part
    the operation does not define, because a tick records that a clerk saw the paper
    material and counts it as provided.
    """
    form_data = _json_object(post, "form")
    certificates = {
        str(k): str(v) for k, v in _json_object(post, "certificates").items()
    }
    checklist: dict[str, MaterialCheck] = {}
    for name in post:
        if name.startswith("field."):
            form_data[name.removeprefix("field.")] = post.get(name, "")
        elif name.startswith("certificate.") and post.get(name):
            certificates[name.removeprefix("certificate.")] = post.get(name, "")
        elif name.startswith("check."):
            key, _dot, flag = name.removeprefix("check.").rpartition(".")
            if not takes_checklist or not key or flag not in CHECK_FLAGS:
                raise _unknown_part(name)
            check = checklist.setdefault(key, MaterialCheck())
            setattr(check, flag, post.get(name) not in ("", "0", "false", "off"))

    if checked is None:
        checked = checked_uploads(files)
    return Application(
        form_data=form_data,
        uploads=checked.uploads,
        checklist=checklist,
        certificates=certificates,
        rejected_uploads=checked.rejected,
        consent_missing=post.get("certificate_consent") not in ("on", "1", "true"),
    )


@dataclass(frozen=True)
class CheckedFiles:
    """The files of a request by material key: those that passed the checks, and not."""

    uploads: dict[str, list[CheckedUpload]]
    rejected: list[RejectedUpload]


def checked_uploads(files: MultiValueDict) -> CheckedFiles:
    """Check every `material.<key>` file of a request, collecting the rejected ones."""
    uploads: dict[str, list[CheckedUpload]] = {}
    rejected: list[RejectedUpload] = []
    for name in files:
        if not name.startswith("material."):
            continue
        key = name.removeprefix("material.")
        chosen = [f for f in files.getlist(name) if f.name]
        uploads[key] = []
        if len(chosen) > MAX_FILES_PER_MATERIAL:
            error = TooManyFiles(
                count=len(chosen), limit=MAX_FILES_PER_MATERIAL, material=key
            )
            rejected.append(RejectedUpload(material=key, error=error))
            continue
        for upload in chosen:
            try:
                uploads[key].append(_check_file(upload, material=key))
            except UploadRejected as error:
                rejected.append(RejectedUpload(material=key, error=error))
    return CheckedFiles(uploads=uploads, rejected=rejected)


def _check_file(upload: Any, *, material: str) -> CheckedUpload:
    """Check an uploaded file's size before reading it, so an oversize one is never read."""
    check_upload_size(upload.name, upload.size, material=material)
    content = upload.read(settings.ONESTOP_MAX_UPLOAD_BYTES + 1)
    return check_upload(upload.name, content, material=material)


def _json_object(post: QueryDict, name: str) -> dict[str, Any]:
    raw = post.get(name)
    if not raw:
        return {}
    try:
        value = json_input.loads(raw, name)
    except json.JSONDecodeError as error:
        raise FormJsonInvalid(name=name, error=json_problem(error)) from None
    if not isinstance(value, dict):
        raise FormJsonNotObject(name=name, found=json_type_label(json_type_name(value)))
    return value


def _unknown_part(name: str) -> SchemaMismatch:
    """Return the error for a form part that the operation does not define, the same
    as for a JSON member that it does not define."""
    return SchemaMismatch(
        [{"loc": ["form", detail_text(name)], "type": "extra_forbidden"}]
    )
