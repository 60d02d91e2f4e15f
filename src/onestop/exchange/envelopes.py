"""The envelope (交换报文): the signed JSON document that hands one case to its department.

The body is signed as canonical JSON (RFC 8785) with the centre's Ed25519 key, and sent
as {"envelope": body, "signature": {"alg", "kid", "sig"}}. docs/department-exchange.md
has the JSON Schema.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from onestop.cases import results
from onestop.cases.models import Case, SubmissionKind
from onestop.certificates.faces import DEFAULT_MAX_LENGTH, face_choices
from onestop.core.canonical import canonical_json, sha256_hex
from onestop.exchange.materials import material_link
from onestop.exchange.models import ConnectorConfig
from onestop.identity.codes import mask_id_number, mask_name, mask_phone
from onestop.identity.models import Person

ENVELOPE_TYPE = "onestop.case.dispatch"
ENVELOPE_VERSION = 1
# Applicant fields a connector sends unmasked when neither the matter definition
# ("exchange_applicant_fields") nor the connector configuration names others.
DEFAULT_APPLICANT_FIELDS = ("name", "id_number")
APPLICANT_FIELDS = ("name", "id_number", "phone", "address", "birth_date")


def build_envelope(
    case: Case, config: ConnectorConfig, *, idempotency_key: str
) -> dict[str, Any]:
    """Build the unsigned envelope body of a case, with fresh material links."""
    version = case.matter_version
    return {
        "type": ENVELOPE_TYPE,
        "version": ENVELOPE_VERSION,
        "envelope_id": str(uuid.uuid4()),
        "idempotency_key": idempotency_key,
        "created_at": timezone.now().isoformat(),
        "centre": {"region_code": case.centre.region_code, "name": case.centre.name},
        "department": {"uscc": case.department.uscc, "name": case.department.name},
        "case": {
            "number": case.number,
            "channel": case.channel,
            "accepted_at": _iso(case.accepted_at),
            "promised_due": _iso(case.promised_due),
            "statutory_due": _iso(case.statutory_due),
        },
        "matter": {
            "code": case.matter.implementation_code or case.matter.basic_code,
            "pack_id": case.matter.pack_id,
            "name": case.matter.name,
            "version": version.number,
        },
        "applicant": applicant_section(case, config),
        "result": result_section(case),
        "form_data": case.form_data,
        "materials": material_section(case),
        "callback_url": _absolute(reverse("api-v1:exchange_callback")),
    }


def envelope_digest(body: dict[str, Any]) -> str:
    """Return the SHA-256 of the envelope body's canonical JSON, in hex."""
    return sha256_hex(canonical_json(body))


def needed_applicant_fields(case: Case, config: ConnectorConfig) -> set[str]:
    """Return the applicant fields the matter needs in full; the rest are masked."""
    from_matter = case.matter_version.definition.get("exchange_applicant_fields")
    fields = from_matter or config.applicant_fields or DEFAULT_APPLICANT_FIELDS
    return {name for name in fields if name in APPLICANT_FIELDS}


def applicant_section(case: Case, config: ConnectorConfig) -> dict[str, Any]:
    """Return the applicant: needed fields in full, the others masked or left out."""
    needed = needed_applicant_fields(case, config)
    section: dict[str, Any] = {"type": "person", "person": _person(case.person, needed)}
    enterprise = case.enterprise
    if enterprise is not None:
        section["type"] = "enterprise"
        section["enterprise"] = {"uscc": enterprise.uscc, "name": enterprise.name}
    return section


def _person(person: Person, needed: set[str]) -> dict[str, Any]:
    masked = {
        "name": mask_name(person.name),
        "id_number": mask_id_number(person.id_number),
        "phone": mask_phone(person.phone) if person.phone else "",
    }
    full = {
        "name": person.name,
        "id_number": person.id_number,
        "phone": person.phone,
        "address": person.address,
        "birth_date": person.birth_date.isoformat(),
    }
    section: dict[str, Any] = {
        name: full[name] if name in needed else masked[name] for name in masked
    }
    for name in ("address", "birth_date"):
        if name in needed:
            section[name] = full[name]
    section["masked"] = sorted(name for name in masked if name not in needed)
    return section


def result_section(case: Case) -> dict[str, Any]:
    """Return what an approval of the case produces and what its callback must carry.

    For a certificate, `face_fields` lists the face fields that the approval may set in
    `result.face`. Those marked `needed` are required and have no value that OneStop
    can take from the application or the holder, so the approval must carry them.
    """
    guide_result = case.matter_version.guide.result
    section: dict[str, Any] = {
        "name": guide_result.get("name", ""),
        "type": guide_result.get("type", "other"),
    }
    certificate_type = results.certificate_type_of(case)
    if certificate_type is None:
        return section
    open_keys = {field["key"] for field in results.open_face_fields(case)}
    section["certificate_type"] = {
        "code": certificate_type.code,
        "name": certificate_type.name,
        "holder_kind": certificate_type.holder_kind,
    }
    section["face_fields"] = [
        {
            "key": field["key"],
            "label": field.get("label", field["key"]),
            "type": field.get("type", "text"),
            "required": bool(field.get("required")),
            "max_length": int(field.get("max_length") or DEFAULT_MAX_LENGTH),
            "choices": face_choices(field),
            "needed": field["key"] in open_keys,
        }
        for field in certificate_type.face_fields
        if field["key"] not in results.DERIVED_BY_ISSUER
    ]
    section["holder_code_needed"] = results.holder_code_needed(case, certificate_type)
    return section


def material_section(case: Case) -> list[dict[str, Any]]:
    """Return each current material: uploads with a download link and their SHA-256."""
    names = {m["key"]: m["name"] for m in case.matter_version.guide.materials}
    items = []
    for submission in case.submissions.filter(superseded=False).order_by("pk"):
        item: dict[str, Any] = {
            "material": submission.material_key,
            "name": names.get(submission.material_key, submission.material_key),
            "kind": submission.kind,
        }
        if submission.kind == SubmissionKind.UPLOAD:
            url, expires = material_link(submission.pk)
            item.update(
                file_name=submission.original_name,
                content_type=submission.content_type,
                size=submission.size,
                sha256=submission.sha256,
                url=url,
                url_expires_at=_iso(
                    datetime.datetime.fromtimestamp(expires, datetime.UTC)
                ),
            )
        elif submission.kind == SubmissionKind.CERTIFICATE:
            item["certificate_identifier"] = submission.certificate_identifier
        else:
            item.update(
                original_seen=submission.original_seen, copy_taken=submission.copy_taken
            )
        items.append(item)
    return items


def _iso(value: datetime.date | datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _absolute(path: str) -> str:
    return settings.ONESTOP_PUBLIC_URL.rstrip("/") + path
