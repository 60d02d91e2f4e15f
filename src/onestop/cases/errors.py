"""Errors of the case life cycle."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import InvalidInput, NotFound, PermissionDenied


class CaseNotFound(NotFound):
    code = "case.not_found"
    message = _("No case numbered %(number)s was found among the cases you may see.")


class WithdrawalByApplicantOnly(PermissionDenied):
    code = "case.withdrawal_applicant_only"
    message = _(
        "Only the applicant may withdraw case %(number)s. Ask the applicant to "
        "withdraw it on the portal, or refuse or decide the case instead."
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


class ApplicantNotRegistered(PermissionDenied):
    code = "applicant.not_registered"
    message = _("Register with your resident ID number before you apply.")


class NotAgent(PermissionDenied):
    code = "applicant.not_agent"
    message = _("You are not a registered agent of the enterprise %(uscc)s.")


class CorrectionsOutstanding(InvalidInput):
    code = "case.corrections_outstanding"
    message = _(
        "The correction notice asks for %(materials)s, which this resubmission does not "
        "provide. Provide each of them and submit again."
    )


class FieldsNotCorrected(CorrectionsOutstanding):
    """A resubmission that leaves a form field of the correction notice as it was."""

    message = _(
        "The correction notice asks to correct %(fields)s, which this resubmission "
        "leaves as they were. Enter the corrected values and submit again."
    )


class ResubmissionEmpty(CorrectionsOutstanding):
    """A resubmission with no file, certificate or form field in it."""

    message = _(
        "This resubmission provides nothing, but the correction notice asks for "
        "%(items)s. Provide each of them and submit again."
    )


class OrganisationNotRepresented(PermissionDenied):
    code = "applicant.organisation_not_represented"
    message = _(
        "%(field)s %(uscc)s is a registered enterprise, so only its agents may apply for it. "
        'Choose the enterprise under "Apply for" if you act for it.'
    )
    # The API names the request part that chooses the enterprise, not the page's control.
    api_message = _(
        "%(field)s %(uscc)s is a registered enterprise, so only its agents may apply for "
        "it. If you act for it, send its code in the enterprise part of the request: "
        "enterprise=%(uscc)s."
    )


class MaterialsMissing(InvalidInput):
    code = "case.materials_missing"
    message = _(
        "These required materials are missing: %(materials)s. Provide each of them."
    )


class UnknownMaterial(InvalidInput):
    code = "case.unknown_material"
    message = _("%(material)s is not a material of this matter.")


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
