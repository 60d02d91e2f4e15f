"""User-facing errors of credit records, consents and reports (codes `credit.*`)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from onestop.identity.field_errors import RegistrationInvalid


class KindInvalid(InvalidInput):
    code = "credit.kind_invalid"
    message = _(
        "The record kind %(kind)s is not known. Use commitment_kept, "
        "commitment_broken, dishonesty_list or commendation."
    )


class SubjectTypeInvalid(InvalidInput):
    code = "credit.subject_type_invalid"
    message = _(
        "The subject type %(subject_type)s is not known. Use person or enterprise."
    )


class FieldMissing(InvalidInput):
    code = "credit.field_missing"
    message = _("The field %(field)s is required for a %(kind)s record. Fill it in.")


class ConsentFieldMissing(InvalidInput):
    code = "credit.consent_field_missing"
    message = _("The field %(field)s of the consent is empty. Fill it in.")


class FieldTooLong(InvalidInput):
    code = "credit.field_too_long"
    message = _(
        "The field %(field)s has %(length)s characters, more than the maximum of "
        "%(maximum)s. Shorten it."
    )


class PersonalDataInText(InvalidInput):
    code = "credit.personal_data_in_text"
    message = _(
        "The field %(field)s contains %(number)s, which looks like an ID number or a "
        "phone number, also when written with full-width digits or with spaces or "
        "hyphens between the digits. Credit reports are shared with third parties, so "
        "refer to people by their role instead."
    )


class DatesInvalid(InvalidInput):
    code = "credit.dates_invalid"
    message = _(
        "The delisting date %(delisted_on)s is before the listing date %(listed_on)s. "
        "Give a delisting date on or after the listing date."
    )


class DateInFuture(InvalidInput):
    code = "credit.date_in_future"
    message = _(
        "The date %(field)s (%(date)s) is after today, %(today)s. A credit record "
        "states what was already decided, so give a date on or before today."
    )


class DateInvalid(InvalidInput):
    code = "credit.date_invalid"
    message = _(
        "%(field)s must be a date in the form YYYY-MM-DD, such as 2026-12-05, not "
        "%(value)s."
    )


class DateNotADay(InvalidInput):
    """A date in the form YYYY-MM-DD that names no day, such as 2026-02-30."""

    code = "credit.date_not_a_day"
    message = _(
        "%(field)s is %(value)s, a day that the calendar does not have. Give a date "
        "that exists."
    )


class RecordInvalid(RegistrationInvalid):
    """Several invalid fields of a credit record, reported in one notice (一次性告知).

    `details.fields` gives each field's code and values, as for a registration.
    """

    code = "credit.record_invalid"
    message = _(
        "Correct these fields of the credit record and send it again: %(summary)s"
    )


class CaseNotLinkable(InvalidInput):
    """A `case_number` that names no case of the centre that the recorder may read.

    A case of another centre or another department gets this error too, so that the
    recorder learns nothing about cases they cannot see. An ID number in the value is
    masked.
    """

    code = "credit.case_not_found"
    message = _(
        "No case numbered %(number)s was found among the cases of %(centre)s that you "
        "may see. Give the number of a case of this centre that you may open, or leave "
        "case_number empty."
    )


class CaseOfOtherDepartment(InvalidInput):
    code = "credit.case_of_other_department"
    message = _(
        "The case %(number)s is a case of %(case_department)s, but the record is for "
        "%(department)s. Give a case of the record's department, or leave case_number "
        "empty."
    )


class CaseOfOtherSubject(InvalidInput):
    code = "credit.case_of_other_subject"
    message = _(
        "The case %(number)s was not filed by or for the record's subject. Give a case "
        "of the subject, or leave case_number empty."
    )


class DepartmentNotFound(NotFound):
    code = "credit.department_not_found"
    message = _(
        "The department %(department)s is not a department of this centre. Give the "
        "role key of one of the centre's departments, such as market_regulation."
    )


class RecordNotFound(NotFound):
    code = "credit.record_not_found"
    message = _("The credit record %(record_id)s was not found in this centre.")


class RecordSuperseded(Conflict):
    code = "credit.record_superseded"
    message = _(
        "The credit record %(record_id)s was already superseded by record "
        "%(superseded_by)s. Correct or revoke the latest record instead."
    )


class RecordRevoked(Conflict):
    code = "credit.record_revoked"
    message = _(
        "The credit record %(record_id)s is a revocation, so it cannot be corrected or "
        "revoked. Record a new fact instead."
    )


class NotTheSubject(PermissionDenied):
    code = "credit.not_the_subject"
    message = _(
        "Only the person, or an agent of the enterprise, can give consent for "
        "%(subject)s. Sign in with that account."
    )


class ExpiryInvalid(InvalidInput):
    code = "credit.expiry_invalid"
    message = _(
        "The consent must last from 1 to %(maximum)s days, not %(days)s. Choose a "
        "number of days in that range."
    )


class ConsentNotFound(NotFound):
    code = "credit.consent_not_found"
    message = _("The consent %(consent_id)s was not found among your consents.")


class TokenProblem(models.TextChoices):
    """The reason a consent token is malformed. Its code goes in `details.reason`, and
    its text, filled with the error's other details, goes in the message."""

    EMPTY = "empty", _("the token is empty")
    TOO_LONG = (
        "too_long",
        _("the token has %(length)s characters, more than the maximum of %(max)s"),
    )
    PARTS = (
        "parts",
        _("it has %(parts)s parts, but a token has three parts separated by dots"),
    )
    KEY_ID = "key_id", _("the key id is not 16 hexadecimal digits")
    PAYLOAD_ENCODING = (
        "payload_encoding",
        _("the payload is not base64url-encoded JSON"),
    )
    PAYLOAD_NOT_OBJECT = "payload_not_object", _("the payload is not a JSON object")
    PAYLOAD_NOT_CANONICAL = (
        "payload_not_canonical",
        _("the payload is not canonical JSON (RFC 8785)"),
    )
    PAYLOAD_FIELD_INVALID = (
        "payload_field_invalid",
        _("the payload field %(field)s is missing or has the wrong type"),
    )
    NOT_CONSENT = "not_consent", _("the payload is not a credit consent")
    SIGNATURE_ENCODING = "signature_encoding", _("the signature is not base64url")
    SIGNATURE_LENGTH = (
        "signature_length",
        _("the signature has %(length)s bytes, not %(expected)s"),
    )


class TokenMalformed(InvalidInput):
    code = "credit.token_malformed"
    message = _(
        "The consent token is malformed or truncated: %(reason)s. Copy the whole token "
        "as the subject gave it."
    )

    def __init__(self, reason: TokenProblem, **values: Any) -> None:
        super().__init__(reason=reason, **values)

    def message_values(self) -> dict[str, Any]:
        """Show the reason's translated text, filled with the other details."""
        values = super().message_values()
        reason = TokenProblem(self.details["reason"])
        return {**values, "reason": str(reason.label) % values}


class TokenSignatureInvalid(InvalidInput):
    code = "credit.token_signature_invalid"
    status = 401
    message = _(
        "The consent token's signature does not verify against the keys of the centre "
        "%(centre)s, so it was changed or forged. Ask the subject for a new token."
    )


class TokenKeyUnknown(TokenSignatureInvalid):
    """A consent token whose key id names none of the centre's signing keys."""

    message = _(
        "The consent token names the signing key %(key_id)s, but the centre "
        "%(centre)s has no key with this id, so the token was not signed by it or "
        "was changed. Ask the subject for a new token."
    )


class TokenExpired(InvalidInput):
    code = "credit.token_expired"
    status = 401
    message = _(
        "The consent token expired at %(expires_at)s. Ask the subject for a new token."
    )


class TokenRevoked(InvalidInput):
    code = "credit.token_revoked"
    status = 401
    message = _(
        "The subject revoked this consent at %(revoked_at)s. Ask the subject for a new "
        "token."
    )


class TokenUsed(Conflict):
    code = "credit.token_used"
    message = _(
        "This single-use consent token was already used at %(used_at)s. Ask the "
        "subject for a new token."
    )


class ProofInvalid(Conflict):
    code = "credit.proof_invalid"
    status = 500
    message = _(
        "The ledger proof of credit record %(record_id)s does not verify: %(reason)s. "
        "No report was issued. Tell the centre's operator to run `onestop ledger "
        "verify`."
    )


class TokenUnknown(InvalidInput):
    code = "credit.token_unknown"
    status = 401
    message = _(
        "The consent token is signed, but centre %(centre)s holds no consent for it. "
        "Ask the subject for a new token."
    )


class NotAPerson(PermissionDenied):
    code = "credit.not_a_person"
    message = _(
        "Only a registered person can give consent to read credit records. Register "
        "with your resident ID number first."
    )


class CentreNotFound(NotFound):
    code = "credit.centre_not_found"
    message = _(
        "No service centre %(centre)s exists here. List the centres at /api/v1/centres."
    )
