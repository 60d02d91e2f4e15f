"""Errors of the case life cycle."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import (
    Conflict,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    choices_text,
    echoed,
    list_text,
    shown,
    visible_text,
)
from onestop.core.logging import mask_typed_personal_text
from onestop.identity.field_errors import RegistrationInvalid


class CaseNotFound(NotFound):
    """A case number that names no case the caller may see.

    `details.number` is the number as sent, except that an ID number or a mobile
    number in it is masked (4406**********0024), also one typed with full-width digits
    or spaces, which the lookup accepts. The message shows an invisible character of
    the number, such as a NUL sent as %00, as <U+0000>.
    """

    code = "case.not_found"
    message = _("No case numbered %(number)s was found among the cases you may see.")

    def __init__(self, *, number: str) -> None:
        super().__init__(number=echoed(mask_typed_personal_text(str(number))))

    def message_values(self) -> dict[str, Any]:
        values = super().message_values()
        values["number"] = visible_text(str(values.get("number", "")))
        return values


class CaseNumberMalformed(CaseNotFound):
    """A case number that no case can have, because it is not 17 digits.

    The code stays case.not_found. The message adds the rule, and it depends only on
    the text sent, so it reveals nothing about which cases exist.
    """

    message = _(
        "No case numbered %(number)s was found among the cases you may see. A case "
        "number has 17 digits, such as 44060426120600001."
    )


class CaseNumberMalformedInSearch(CaseNotFound):
    """A search text at the window that is neither a case number nor an ID number."""

    message = _(
        "No case numbered %(number)s was found among the cases you may see. Search "
        "for a case number of 17 digits, such as 44060426120600001, or for the "
        "applicant's resident ID number of 18 characters."
    )


class WithdrawalByApplicantOnly(PermissionDenied):
    code = "case.withdrawal_applicant_only"
    message = _(
        "Only the applicant may withdraw case %(number)s. Ask the applicant to "
        "withdraw it on the portal, or refuse or decide the case instead."
    )


class CaseStateUnknown(InvalidInput):
    code = "case.state_unknown"
    message = _(
        "The state %(state)s is not a case state. Use one of the codes: %(states)s."
    )


class MatterNotFound(NotFound):
    code = "matter.not_found"
    message = _(
        "%(centre)s offers no matter with the id %(matter)s. Search the centre's matters by "
        "name to find the right one."
    )


class MatterNotOpen(InvalidInput):
    code = "matter.not_open"
    message = _(
        "The matter %(matter)s is listed for guidance only and cannot be applied for yet. "
        "Ask the service centre how to apply."
    )


class MatterSwitchedOff(MatterNotOpen):
    message = _(
        "%(centre)s has the matter %(name)s (%(matter)s), but it is not open for "
        "applications, so neither its guide nor an application is available. Search "
        "the centre's open matters, or ask the centre when this one opens again."
    )


class CorrectionByReviewerOnly(InvalidTransition):
    """A clerk's correction request on a case that the department is reviewing."""

    message = _(
        "The case is %(state)s, so the window can no longer request corrections: once "
        "a case is accepted, the department's reviewer requests them. Ask the "
        "department's reviewer, or reload the case to see its current state."
    )


class ApplicantNotRegistered(PermissionDenied):
    code = "applicant.not_registered"
    message = _("Register with your resident ID number before you apply.")


class NotAgent(PermissionDenied):
    code = "applicant.not_agent"
    message = _("You are not a registered agent of the enterprise %(uscc)s.")


class CorrectionsOutstanding(InvalidInput):
    """A resubmission that leaves out a material of the correction notice.

    Its details give the keys of the outstanding items: `materials`, `fields` and both
    in the notice's order as `requested`. They give the names as lists too, which the
    message joins in the request's language.
    """

    code = "case.corrections_outstanding"
    message = _(
        "The correction notice asks for %(material_names)s, which this resubmission "
        "does not provide. Provide each of them and submit again."
    )

    def message_values(self) -> dict[str, Any]:
        values = super().message_values()
        for key in ("material_names", "field_labels", "items"):
            if isinstance(values.get(key), list):
                values[key] = list_text(values[key]) or _("the items to correct")
        return values


class FieldsNotCorrected(CorrectionsOutstanding):
    """A resubmission that leaves a form field of the correction notice as it was."""

    message = _(
        "The correction notice asks to correct %(field_labels)s, which this "
        "resubmission leaves as they were. Enter the corrected values and submit again."
    )


class CorrectionsStillOutstanding(CorrectionsOutstanding):
    """A resubmission that leaves out materials and form fields of the notice."""

    message = _(
        "The correction notice asks for %(material_names)s, which this resubmission "
        "does not provide, and asks to correct %(field_labels)s, which it leaves as "
        "they were. Provide each material, enter the corrected values and submit again."
    )


class ResubmissionEmpty(CorrectionsOutstanding):
    """A resubmission with no file, certificate or form field in it."""

    message = _(
        "This resubmission provides nothing, but the correction notice asks for "
        "%(items)s. Provide each of them and submit again."
    )


class MaterialsMissing(InvalidInput):
    code = "case.materials_missing"
    message = _(
        "These required materials are missing: %(materials)s. Provide each of them."
    )


class UnknownMaterial(InvalidInput):
    """Material keys that the matter does not have.

    `details.material` is the first unknown key, `details.unknown` every one, and
    `details.known` the keys of the matter's materials, which the message lists with
    their names.
    """

    code = "case.unknown_material"
    message = _(
        "These are not materials of this matter: %(unknown_text)s. Its materials are "
        "%(known_text)s. Send each material under its key."
    )

    def __init__(
        self,
        *,
        unknown: list[str],
        matter_materials: list[dict[str, Any]],
        **details: Any,
    ) -> None:
        shown_keys = list(dict.fromkeys(shown(key) for key in unknown))
        super().__init__(
            material=shown_keys[0],
            unknown=shown_keys,
            known=[material["key"] for material in matter_materials],
            **details,
        )
        self.known_choices = [
            (material["key"], material["name"]) for material in matter_materials
        ]

    def message_values(self) -> dict[str, Any]:
        values = super().message_values()
        values["unknown_text"] = list_text(
            visible_text(key) for key in self.details["unknown"]
        )
        values["known_text"] = choices_text(self.known_choices)
        return values


class CertificateConsentRequired(InvalidInput):
    """Certificates chosen in place of uploads without the applicant's consent.

    The details `certificate_consent` ({"code", "material_keys"}) and
    `consent_materials` name the materials whose certificate was chosen. When the
    request has other problems, their error carries these two details instead and
    adds CONSENT_MISSING_TOO to its message.
    """

    code = "certificate.consent_required"
    message = _(
        "Using certificates from the certificate library instead of uploads needs the "
        "applicant's consent. Tick the consent box, or upload the materials."
    )


CONSENT_MISSING_TOO = _(
    "The consent to fetch the certificates chosen for %(consent_materials)s is "
    "missing too: tick the consent box, or choose to upload those materials instead."
)


def lacks_consent(error: Exception | None) -> bool:
    """Tell whether an error reports a missing consent to use certificates, alone or
    with the request's other problems."""
    if isinstance(error, CertificateConsentRequired):
        return True
    details = getattr(error, "details", None) or {}
    return "certificate_consent" in details


class UnknownMaterialMaterialsMissing(UnknownMaterial):
    """Unknown material keys and missing required materials, reported in one notice."""

    message = _(
        "These are not materials of this matter: %(unknown_text)s. Its materials are "
        "%(known_text)s. Send each material under its key. These required materials "
        "are missing too: %(materials)s. Provide each of them."
    )


class UnknownMaterialCorrectionsOutstanding(UnknownMaterial):
    """Unknown material keys in a resubmission that also leaves items of the correction
    notice unanswered, reported in one notice.

    Besides UnknownMaterial's details, `materials`, `fields` and `requested` give the
    keys of the outstanding items, as CorrectionsOutstanding's do, and `items` their
    names and labels.
    """

    message = _(
        "These are not materials of this matter: %(unknown_text)s. Its materials are "
        "%(known_text)s. Send each material under its key. The correction notice also "
        "asks for %(items)s, which this resubmission does not provide or correct. "
        "Provide each of them and submit again."
    )


class ReasonAction(models.TextChoices):
    """An action on a case that takes a reason or an opinion. Its code, the same as the
    transition's action, goes in `details.action`, and its label in the message."""

    REFUSE = "refuse", _("not accepting a case")
    SUSPEND = "suspend", _("starting a special procedure")
    RESUME = "resume", _("ending a special procedure")
    REQUEST_EXTENSION = "request_extension", _("requesting an extension")
    APPROVE_EXTENSION = "approve_extension", _("approving an extension")
    REJECT_EXTENSION = "reject_extension", _("rejecting an extension")
    APPROVE = "approve", _("approving a case")
    DENY = "deny", _("denying a case")
    CORRECT_POSTING = "correct_posting", _("correcting the posting")


class ReasonRequired(InvalidInput):
    code = "case.reason_required"
    message = _("Give a reason: %(action)s needs one.")


class ReasonTooLong(InvalidInput):
    code = "case.reason_too_long"
    message = _(
        "The reason for %(action)s has %(length)s characters; the maximum is %(max)s. "
        "Shorten it."
    )


class OpinionRequired(ReasonRequired):
    """A decision without an opinion, with the code of the other missing reasons."""

    message = _("Enter the opinion for %(action)s: the decision states it.")


class OpinionTooLong(InvalidInput):
    code = "case.opinion_too_long"
    message = _(
        "The opinion has %(length)s characters; the maximum is %(max)s. Shorten it."
    )


class UnknownField(InvalidInput):
    code = "case.unknown_field"
    message = _("%(field)s is not a form field of this matter.")


class CorrectionNoteTooLong(InvalidInput):
    code = "case.correction_note_too_long"
    message = _(
        "The note on %(item)s has %(length)s characters; the maximum is %(max)s. "
        "Shorten it."
    )


class CorrectionItemsRequired(InvalidInput):
    code = "case.correction_items_required"
    message = _(
        "List every missing or incorrect item in one notice: the correction request has none."
    )


class ReceiptNotIssued(NotFound):
    code = "receipt.not_issued"
    message = _(
        "Case %(number)s has no acceptance receipt because it is %(state)s. The "
        "receipt is issued when the window accepts the case."
    )


class RecentApplication(Conflict):
    """A second application of a matter while the applicant's first one is open.

    When the application has problems of its own, such as a rejected file, their error
    is raised instead, with the details `recent_application` ({"code", "number"}),
    `recent_number` and `recent_created_at`, and RECENT_APPLICATION_TOO ends its
    message (`reporting_recent_application`).
    """

    code = "case.recent_application"
    message = _(
        "You applied for %(matter)s as case %(number)s at %(created_at)s, and that case "
        "is still open, so nothing was submitted now. Open case %(number)s to follow "
        "it, or tick “Submit a second application” to apply again."
    )


RECENT_APPLICATION_TOO = _(
    "You have also applied for this matter as case %(recent_number)s at "
    "%(recent_created_at)s, and that case is still open: tick “Submit a second "
    "application” too if you mean to apply again."
)


def reports_recent_application(error: Exception | None) -> bool:
    """Tell whether an error reports an open recent application of the matter together
    with the request's other problems."""
    details = getattr(error, "details", None) or {}
    return "recent_application" in details


class OwnCase(PermissionDenied):
    """A staff action on a case that the actor applied for, for themselves or for an
    enterprise they are an agent of.

    `cases.recusal` sets `rejection` to the action's target, for its audit event.
    """

    code = "case.own_case"
    message = _(
        "You applied for case %(number)s yourself, so you may not handle it: staff "
        "may not accept, correct, decide or otherwise act on their own applications "
        "(回避). Ask another member of staff to handle it."
    )
    rejection: Any = None


class OwnEnterpriseCase(OwnCase):
    message = _(
        "Case %(number)s is an application of %(enterprise)s, and you are a registered "
        "agent of it, so you may not handle the case: staff may not act on the "
        "applications of an enterprise they act for (回避). Ask another member of staff "
        "to handle it."
    )


class OwnApplicationAtWindow(OwnCase):
    message = _(
        "You may not accept an application for %(matter)s at the window for yourself "
        "or for an enterprise you are an agent of: staff may not handle their own "
        "applications (回避). Ask another clerk to accept it."
    )


class HeldUploadNotFound(InvalidInput):
    """A held-upload token that names no file kept for this account and form.

    Forged tokens, tokens of another account, centre, matter or case, removed files and
    expired files that the clean-up deleted all give this error, so that it tells
    nothing about other people's files.
    """

    code = "upload.held_not_found"
    message = _(
        "The kept file %(token)s was not found. A kept file can be used only by the "
        "account that sent it, on the form of the same matter and case, until it "
        "expires or is removed. Choose the file again."
    )


class HeldUploadExpired(InvalidInput):
    code = "upload.held_expired"
    status = 410
    message = _(
        "The kept file %(name)s for %(material)s expired at %(expired_at)s: a form "
        "keeps files only for a limited time after it last showed them. Choose the "
        "file again."
    )


class HeldUploadUsed(Conflict):
    code = "upload.held_used"
    message = _(
        "The kept file %(name)s for %(material)s was already submitted with case "
        "%(number)s, and a kept file can be submitted once. Choose the file again."
    )


class PostingNotRequested(InvalidInput):
    code = "case.posting_not_requested"
    message = _(
        "Case %(number)s did not ask for postal delivery (邮寄送达), so there is no "
        "posting to record. Hand the result over at the window instead."
    )


class PostingDateInvalid(InvalidInput):
    code = "case.posting_date_invalid"
    message = _(
        "The posting date %(date)s is invalid: enter a date as YYYY-MM-DD from "
        "%(earliest)s, when the result was issued, to today, %(latest)s."
    )


class PostingCarrierInvalid(InvalidInput):
    code = "case.posting_carrier_invalid"
    message = _(
        "The carrier “%(carrier)s” is invalid: enter the carrier's name in 1 to "
        "%(max)s visible characters, such as 中国邮政 EMS."
    )


class PostingAlreadyRecorded(Conflict):
    code = "case.posting_already_recorded"
    message = _(
        "The posting of case %(number)s is already recorded: posted on %(posted_on)s "
        "by %(carrier)s, tracking number %(tracking_number)s. A case has one posting, "
        "so nothing was recorded. If a value is wrong, use Correct the posting on the "
        "case page and give the reason."
    )


class PostingNotRecorded(Conflict):
    code = "case.posting_not_recorded"
    message = _(
        "No posting of case %(number)s is recorded, so there is nothing to correct. "
        "Record the posting first."
    )


class PostingUnchanged(InvalidInput):
    code = "case.posting_unchanged"
    message = _(
        "The correction changes nothing: the posting of case %(number)s is already "
        "posted on %(posted_on)s by %(carrier)s, tracking number %(tracking_number)s. "
        "Change the posting date, the carrier or the tracking number."
    )


class PostingCorrectionInvalid(RegistrationInvalid):
    """Several invalid fields of a posting correction, its reason included, reported in
    one notice. `details.fields` gives each field's code and values."""

    code = "case.posting_correction_invalid"
    message = _("Correct these fields and submit the correction again: %(summary)s")


class ReasonCharacterInvalid(InvalidInput):
    code = "case.reason_character_invalid"
    message = _(
        "The reason for %(action)s contains the invisible or control character "
        "%(character)s. Type the reason again with visible characters and line "
        "breaks only."
    )


class PostingInvalid(RegistrationInvalid):
    """Several invalid fields of a posting, reported in one notice.

    `details.fields` gives each field's code and values, as for a registration.
    """

    code = "case.posting_invalid"
    message = _("Correct these fields and record the posting again: %(summary)s")


class TrackingNumberInvalid(InvalidInput):
    code = "case.tracking_number_invalid"
    message = _(
        "The tracking number “%(tracking_number)s” is invalid: enter the %(min)s to "
        "%(max)s letters, digits or hyphens printed on the waybill."
    )
