"""Electronic certificates as results of cases, and as materials of later cases (免提交).

When an approved matter's result is a certificate, the certificate is issued in the same
transaction as the decision. Its face fields (照面信息) are taken first from the values the
decider entered, then from the application form (same key, or a known alias), where a
select gives its choice label. Next come facts of the holder: sex and birth date from the
ID number, and the profile address. Numbers and dates that the certificate itself fixes
default to the case number and the issue date.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from onestop.cases.formdata import FormOwner, display_value, holder_code_key
from onestop.cases.models import Case
from onestop.certificates.actions import issue_or_renew_certificate, use_certificate
from onestop.certificates.actions.issuance import check_holder_code
from onestop.certificates.faces import check_entered_face_values, face_choices
from onestop.certificates.models import Certificate, CertificateType, HolderKind
from onestop.core.errors import Coded, InvalidInput, echoed, list_text
from onestop.identity.codes import parse_resident_id
from onestop.identity.lookup import get_enterprise

# Face field key -> form field keys that hold the same fact in the standard pack's forms.
FORM_ALIASES = {
    "operator_name": (
        "operator_name",
        "applicant_name",
        "name",
        "legal_representative",
    ),
    "premises": ("premises", "premises_address", "business_premises", "address"),
    "address": ("address", "residence_address", "premises_address", "contact_address"),
    "business_scope": ("business_scope", "business_items", "main_business"),
    "spouse_name": ("spouse_name", "partner_name"),
    "spouse_id_number": ("spouse_id_number", "partner_id_number"),
}
DATE_OF_ISSUE_KEYS = {
    "issued_on",
    "registered_on",
    "established_on",
    "first_issue_date",
}


class OrganisationCodeRequired(InvalidInput):
    code = "certificate.holder_code_required"
    message = _(
        "The certificate %(type)s is issued to an organisation, and this case has no "
        "enterprise. Enter the holder's unified social credit code with the decision."
    )


class FaceFieldNotEnterable(InvalidInput):
    code = "certificate.face_field_unknown"
    message = _(
        "%(key)s is not a face field that can be entered for the certificate "
        "%(type)s. Send the values under these keys: %(accepted)s."
    )


class HolderCodeRegistered(InvalidInput):
    code = "certificate.holder_code_registered"
    message = _(
        "The holder code %(value)s is the unified social credit code of "
        "%(enterprise)s, an enterprise registered in OneStop, but a person filed this "
        "case for themself, and only the enterprise's verified agents may apply for its "
        "certificate. Enter the code of the organisation that the applicant applied "
        "for. If the certificate is for %(enterprise)s, its verified agent has to "
        "apply for it."
    )


def certificate_type_of(case: Case) -> CertificateType | None:
    """Return the certificate type that the case's matter produces, or None."""
    return certificate_type_for(case.centre, case.matter_version.guide)


def certificate_type_for(centre: Any, guide: Any) -> CertificateType | None:
    """Return the certificate type that a matter guide's result names, or None."""
    result = guide.result
    if result.get("type") != "certificate" or not result.get("certificate_type"):
        return None
    return CertificateType.objects.filter(
        centre=centre, code=result["certificate_type"]
    ).first()


def form_owner(centre: Any, guide: Any, person: Any, enterprise: Any) -> FormOwner:
    """Return the owner of a form that `person` files for `enterprise`, or themself.

    On a person's own case of a matter whose certificate goes to an organisation, the
    form's first unified social credit code becomes the holder (`_holder`), so the
    owner asks `check_form_data` to check that code. A form without a code field needs
    no check, so the certificate type is not read for it.
    """
    codes_in_form = any(field.get("type") == "uscc" for field in guide.form_fields)
    certificate_type = None
    if enterprise is None and codes_in_form:
        certificate_type = certificate_type_for(centre, guide)
    holder_code_in_form = (
        certificate_type is not None
        and certificate_type.holder_kind != HolderKind.PERSON
    )
    return FormOwner.of(person, enterprise, holder_code_in_form=holder_code_in_form)


def open_face_fields(case: Case) -> list[dict[str, Any]]:
    """Return the required face fields that the decider has to enter for this case,
    each with the `choices` it takes ([] for any text)."""
    certificate_type = certificate_type_of(case)
    if certificate_type is None:
        return []
    known = face_values(case, certificate_type, {})
    return [
        {**field, "choices": face_choices(field)}
        for field in certificate_type.face_fields
        if field.get("required")
        and not known.get(field["key"])
        and field["key"] not in DERIVED_BY_ISSUER
    ]


# Face fields that issue_certificate fills in from the holder, issuer and validity.
DERIVED_BY_ISSUER = {
    "holder_name",
    "holder_id_number",
    "holder_uscc",
    "issuing_authority",
    "valid_from",
    "valid_until",
}


def issue_result_certificate(
    case: Case, decision: dict[str, Any]
) -> Certificate | None:
    """Issue the certificate of an approved case in the caller's transaction, if any.

    `decision` may carry "face" (face field values) and "holder_code" (the USCC of an
    organisation holder when the case has no enterprise). For a type that a holder has
    one valid certificate of, such as the resident ID card, the new certificate is the
    next version of the holder's valid one, which it supersedes.
    """
    certificate_type = certificate_type_of(case)
    if certificate_type is None:
        return None
    entered = decision.get("face") or {}
    check_entered_face_keys(certificate_type, entered)
    holder_code, holder_name = _holder(case, certificate_type, decision)
    check_entered_face_values(certificate_type, entered, holder_code)
    return issue_or_renew_certificate(
        actor=None,
        certificate_type=certificate_type,
        issuer=certificate_type.issuing_department or case.department,
        holder_code=holder_code,
        holder_name=holder_name,
        face=face_values(case, certificate_type, entered),
        case_number=case.number,
    )


def check_entered_face_keys(
    certificate_type: CertificateType, entered: dict[str, Any]
) -> None:
    """Raise FaceFieldNotEnterable for an entered key the decider may not set.

    Those are the keys the type does not define and the ones issue_certificate fills
    from the holder, the issuer and the validity. The message lists each key that may
    be entered with its label, since clients see the labels on the certificate.
    """
    enterable = {
        field["key"]: field.get("label", field["key"])
        for field in certificate_type.face_fields
        if field["key"] not in DERIVED_BY_ISSUER
    }
    unknown = sorted(str(key) for key in entered if key not in enterable)
    if not unknown:
        return
    raise FaceFieldNotEnterable(
        key=echoed(unknown[0]),
        type=certificate_type.name,
        accepted=Coded(list(enterable), _lazy_accepted_text(enterable)),
    )


def _accepted_text(enterable: dict[str, Any]) -> str:
    """Name the enterable face fields for a message: each key with its label."""
    named = [
        str(_("%(key)s (%(label)s)")) % {"key": key, "label": label}
        for key, label in enterable.items()
    ]
    return list_text(named) or "—"


_lazy_accepted_text = lazy(_accepted_text, str)


def face_values(
    case: Case, certificate_type: CertificateType, entered: dict[str, Any]
) -> dict[str, str]:
    """Return the face values known for the case, leaving what issue_certificate fills."""
    values: dict[str, str] = {}
    for field in certificate_type.face_fields:
        key = field["key"]
        if key in DERIVED_BY_ISSUER:
            continue
        value = entered.get(key) or _from_form(case, key) or _from_holder(case, key)
        if not value and key in DATE_OF_ISSUE_KEYS:
            value = timezone.localdate().isoformat()
        if not value and key.endswith("_number"):
            value = case.number
        if value:
            values[key] = str(value)
    return values


def certificate_offers(
    case_matter: Any, person: Any, enterprises: list[Any]
) -> dict[str, list[Certificate]]:
    """Return, per material of the matter, the valid certificates the applicant could reuse.

    A material names a certificate type. The person's own certificates and those of the
    enterprises the person acts for are offered when their type matches.
    """
    from onestop.certificates.queries import valid_certificates_of

    if person is None:
        return {}
    codes = [person.id_number] + [enterprise.uscc for enterprise in enterprises]
    held_certificates: list[Certificate] = []
    for code in codes:
        held_certificates.extend(valid_certificates_of(case_matter.centre, code))
    offers: dict[str, list[Certificate]] = {}
    for material in case_matter.current_version.guide.materials:
        type_code = material.get("certificate_type")
        matching = [
            c
            for c in held_certificates
            if type_code and c.certificate_type.code == type_code
        ]
        if matching:
            offers[material["key"]] = matching
    return offers


def use_certificates_as_materials(
    case: Case, certificates: dict[str, str], *, actor: Any, role: str
) -> None:
    """Record each certificate offered instead of an upload, checking holder and validity."""
    enterprise = case.enterprise
    holder_code = enterprise.uscc if enterprise is not None else case.person.id_number
    names = {m["key"]: m["name"] for m in case.matter_version.guide.materials}
    for material_key, identifier in certificates.items():
        use_certificate(
            identifier,
            actor=actor,
            centre=case.centre,
            case_number=case.number,
            material_key=material_key,
            material_name=names.get(material_key, ""),
            actor_role=role,
            holder_code=_holder_code_for_material(case, identifier, holder_code),
        )


def _holder_code_for_material(case: Case, identifier: str, default: str) -> str:
    """Return whose code the certificate must carry: the person's or the enterprise's."""
    certificate = (
        Certificate.objects.filter(identifier=identifier)
        .select_related("certificate_type")
        .first()
    )
    if (
        certificate is not None
        and certificate.certificate_type.holder_kind == HolderKind.PERSON
    ):
        return case.person.id_number
    return default


def holder_code_needed(case: Case, certificate_type: CertificateType) -> bool:
    """Return whether the decision must name the holder's USCC (`holder_code`).

    That is so for an organisation's certificate when the case has no enterprise and
    the application form asked for no unified social credit code.
    """
    return (
        certificate_type.holder_kind != HolderKind.PERSON
        and case.enterprise is None
        and not organisation_code_of(case)
    )


def _holder(
    case: Case, certificate_type: CertificateType, decision: dict[str, Any]
) -> tuple[str, str]:
    if certificate_type.holder_kind == HolderKind.PERSON:
        return case.person.id_number, case.person.name
    if case.enterprise is not None:
        return case.enterprise.uscc, case.enterprise.name
    decided = str(decision.get("holder_code") or "").strip()
    if decided:
        _check_holder_not_registered(certificate_type, decided)
    code = decided or organisation_code_of(case)
    if not code:
        raise OrganisationCodeRequired(type=certificate_type.name)
    name = _from_form(case, "organisation_name") or _from_form(case, "business_name")
    return code, name or case.person.name


def _check_holder_not_registered(certificate_type: CertificateType, code: str) -> None:
    """Raise HolderCodeRegistered when a decider's holder code on a person's own case
    names a registered enterprise, by the rule that `check_form_data` applies to the
    application form's code. An invalid code raises the error of its rule."""
    uscc = check_holder_code(certificate_type.holder_kind, code)
    enterprise = get_enterprise(uscc)
    if enterprise is not None:
        raise HolderCodeRegistered(value=uscc, enterprise=enterprise.name)


def organisation_code_of(case: Case) -> str:
    """Return the first unified social credit code the application form asked for."""
    key = holder_code_key(case.matter_version.guide.form_fields, case.form_data)
    return str(case.form_data[key]) if key is not None else ""


def _from_form(case: Case, key: str) -> str:
    """Return the form value for a face field, with a select's choice label.

    The certificate prints, and its signed document stores, the label, such as
    餐饮服务经营者, while the case's form data keeps the choice code (catering).
    """
    fields = {field["key"]: field for field in case.matter_version.guide.form_fields}
    for candidate in FORM_ALIASES.get(key, (key,)):
        value = case.form_data.get(candidate)
        if value:
            return str(display_value(fields.get(candidate, {}), value))
    return ""


def _from_holder(case: Case, key: str) -> str:
    resident = parse_resident_id(case.person.id_number)
    if key == "gender":
        return "男" if resident.sex == "male" else "女"
    if key == "birth_date":
        return resident.birth_date.isoformat()
    if key == "address":
        return case.person.address
    return ""
