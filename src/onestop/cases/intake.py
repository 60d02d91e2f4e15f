"""Turn a submitted form (HTML page or multipart API request) into an Application.

Pages and the API send the same names: form fields as `field.<key>` (or one JSON object in
`form`), files as `material.<key>`, certificates offered instead of uploads as
`certificate.<key>`, and window checklist ticks as `check.<key>.original_seen`,
`check.<key>.copy_taken` and `check.<key>.electronic`.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from onestop.cases.actions import Application, MaterialCheck
from onestop.cases.uploads import check_upload, check_upload_size
from onestop.core.errors import InvalidInput

MAX_FILES_PER_MATERIAL = 10


class FormJsonInvalid(InvalidInput):
    code = "form.json_invalid"
    message = _("The %(name)s part is not a JSON object: %(error)s")


class CertificateConsentRequired(InvalidInput):
    code = "certificate.consent_required"
    message = _(
        "Using certificates from the certificate library instead of uploads needs the "
        "applicant's consent. Tick the consent box, or upload the materials."
    )


class TooManyFiles(InvalidInput):
    code = "upload.too_many_files"
    message = _("Upload at most %(max)s files for %(material)s.")


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
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as error:
        raise FormJsonInvalid(name=name, error=str(error)) from None
    if not isinstance(value, dict):
        raise FormJsonInvalid(name=name, error=type(value).__name__)
    return value
