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

from onestop.cases.actions import Application, MaterialCheck
from onestop.cases.uploads import check_upload, check_upload_size
from onestop.core.errors import InvalidInput

MAX_FILES_PER_MATERIAL = 10


class FormJsonInvalid(InvalidInput):
    code = "form.json_invalid"
    message = _("The %(name)s part is not a JSON object: %(error)s")


class MemberInvalid(InvalidInput):
    code = "request.member_invalid"
    message = _(
        "The member %(name)s of the JSON request must be %(expected)s, not a JSON "
        "%(found)s."
    )


# The expected kind of a JSON request member, by the Python type that json.loads gives it.
EXPECTED: dict[type, Any] = {str: _("text"), dict: _("an object")}
JSON_TYPE_NAMES = {
    str: "string",
    dict: "object",
    list: "array",
    int: "number",
    float: "number",
    bool: "boolean",
}


class CertificateConsentRequired(InvalidInput):
    code = "certificate.consent_required"
    message = _(
        "Using certificates from the certificate library instead of uploads needs the "
        "applicant's consent. Tick the consent box, or upload the materials."
    )


class TooManyFiles(InvalidInput):
    code = "upload.too_many_files"
    message = _("Upload at most %(max)s files for %(material)s.")


@dataclass(frozen=True)
class WindowRequest:
    """A window acceptance as the clerk's request states it, before any look-up."""

    centre: str
    matter: str
    id_number: str
    enterprise: str
    window: str
    application: Application


def window_request(request: HttpRequest) -> WindowRequest:
    """Read a window acceptance: multipart, or a JSON object when it carries no files.

    The JSON object has the text members `centre`, `matter`, `id_number`, `enterprise`
    and `window`, and the objects `form`, `checklist` ({key: {"original_seen": true,
    "copy_taken": false}}) and `certificates`, with `certificate_consent` when
    certificates replace materials.
    """
    if request.content_type != "application/json":
        post = request.POST
        return WindowRequest(
            centre=post.get("centre", ""),
            matter=post.get("matter", ""),
            id_number=post.get("id_number", ""),
            enterprise=post.get("enterprise", ""),
            window=post.get("window", ""),
            application=application_from_request(post, request.FILES),
        )
    data = _json_value(request.body.decode("utf-8", "replace"), "body")
    certificates = _member(data, "certificates", dict)
    if certificates and data.get("certificate_consent") is not True:
        raise CertificateConsentRequired()
    return WindowRequest(
        centre=_member(data, "centre", str),
        matter=_member(data, "matter", str),
        id_number=_member(data, "id_number", str),
        enterprise=_member(data, "enterprise", str),
        window=_member(data, "window", str),
        application=Application(
            form_data=_member(data, "form", dict),
            checklist=checklist_from_json(_member(data, "checklist", dict)),
            certificates={str(k): str(v) for k, v in certificates.items()},
        ),
    )


def application_from_request(post: QueryDict, files: MultiValueDict) -> Application:
    """Build the Application from request.POST and request.FILES, checking every upload."""
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
            if key and flag in ("original_seen", "copy_taken", "electronic"):
                check = checklist.setdefault(key, MaterialCheck())
                setattr(check, flag, post.get(name) not in ("", "0", "false", "off"))

    if certificates and post.get("certificate_consent") not in ("on", "1", "true"):
        raise CertificateConsentRequired()

    uploads = {}
    for name in files:
        if not name.startswith("material."):
            continue
        key = name.removeprefix("material.")
        chosen = [f for f in files.getlist(name) if f.name]
        if len(chosen) > MAX_FILES_PER_MATERIAL:
            raise TooManyFiles(max=MAX_FILES_PER_MATERIAL, material=key)
        uploads[key] = [check_upload(f.name, _read_bounded(f)) for f in chosen]
    return Application(
        form_data=form_data,
        uploads=uploads,
        checklist=checklist,
        certificates=certificates,
    )


def checklist_from_json(data: dict[str, Any]) -> dict[str, MaterialCheck]:
    return {
        str(key): MaterialCheck(
            original_seen=bool(value.get("original_seen")),
            copy_taken=bool(value.get("copy_taken")),
            electronic=bool(value.get("electronic")),
        )
        for key, value in (data or {}).items()
        if isinstance(value, dict)
    }


def _read_bounded(upload: Any) -> bytes:
    """Read an uploaded file after checking its size, so an oversize one is never read."""
    check_upload_size(upload.name, upload.size)
    return upload.read(settings.ONESTOP_MAX_UPLOAD_BYTES + 1)


def _json_object(post: QueryDict, name: str) -> dict[str, Any]:
    raw = post.get(name)
    if not raw:
        return {}
    return _json_value(raw, name)


def _json_value(raw: str, name: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as error:
        raise FormJsonInvalid(name=name, error=str(error)) from None
    if not isinstance(value, dict):
        raise FormJsonInvalid(name=name, error=type(value).__name__)
    return value


def _member[T](data: dict[str, Any], name: str, kind: type[T]) -> T:
    """Return the member `name` of a JSON request, or an empty value when it is absent."""
    value = data.get(name)
    if value is None:
        return kind()
    if not isinstance(value, kind):
        raise MemberInvalid(
            name=name,
            expected=EXPECTED[kind],
            found=JSON_TYPE_NAMES.get(type(value), type(value).__name__),
        )
    return value
