"""Errors of issuing, revoking, renewing and verifying certificates."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from onestop.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class CertificateAction(models.TextChoices):
    """An action on a certificate: its key for details, its label for messages."""

    REVOKE = "revoke", pgettext_lazy("certificate action", "revoked")
    RENEW = "renew", pgettext_lazy("certificate action", "renewed")


class MissingFaceField(InvalidInput):
    code = "certificate.face_field_missing"
    message = _(
        "The certificate field %(label)s (key %(key)s) is required by the type "
        "%(type)s but is empty. Fill it in and issue again."
    )


class UnknownFaceField(InvalidInput):
    code = "certificate.face_field_unknown"
    message = _(
        "The certificate type %(type)s has no field %(key)s. Use only the fields of "
        "the type: %(known)s."
    )


class InvalidValidity(InvalidInput):
    code = "certificate.validity"
    message = _(
        "The certificate would be valid until %(valid_until)s, before it becomes valid "
        "on %(valid_from)s. Choose an end date on or after the start date."
    )


class IssuerMismatch(InvalidInput):
    code = "certificate.issuer_mismatch"
    message = _(
        "The department %(issuer)s belongs to another service centre than the "
        "certificate type %(type)s. Issue with a department of the type's centre."
    )


class ReasonRequired(InvalidInput):
    code = "certificate.reason_required"
    message = _("Give the reason for revoking the certificate %(identifier)s.")


class ReasonInvalid(InvalidInput):
    code = "certificate.reason_invalid"
    message = _(
        "The reason for revoking %(identifier)s must have at most %(max)s characters "
        "and no control or invisible characters; it has %(length)s characters%(found)s. "
        "Shorten it or type it again."
    )


class CertificateNotValid(Conflict):
    code = "certificate.not_valid"
    message = _(
        "The certificate %(identifier)s is %(status)s, so it cannot be %(action)s. "
        "Reload it to see its current status."
    )


class HolderHasValidCertificate(Conflict):
    code = "certificate.holder_has_valid"
    message = _(
        "The holder already has the valid %(type)s %(identifier)s, and a holder may "
        "have only one valid certificate of this type. Renew that certificate instead "
        "of issuing a new one."
    )


class VersionLimitReached(Conflict):
    code = "certificate.version_limit"
    message = _(
        "The certificate %(identifier)s has reached version 999, the last one an "
        "identifier can carry. Issue a new certificate with a new serial instead."
    )


class CertificateNotFound(NotFound):
    code = "certificate.not_found"
    message = _(
        "No certificate with the identifier %(identifier)s was issued on this "
        "platform. Check that the whole identifier was copied, or ask the issuer."
    )


class CertificateAccessDenied(PermissionDenied):
    code = "certificate.access_denied"
    message = _(
        "You may not download the certificate %(identifier)s. Only its holder, the "
        "applicant of the case that issued it, the staff who may open that case or "
        "who work for the issuing department, and the window clerks, supervisors and "
        "centre admins of the issuing centre may. Sign in with one of those accounts, "
        "or check its status on the public verification page."
    )


class CertificateNotUsable(Conflict):
    code = "certificate.not_usable"
    message = _(
        "The certificate %(identifier)s cannot be used as a material because its check "
        "result is %(result)s. Ask the holder for a valid certificate or the paper "
        "original."
    )


class HolderMismatch(PermissionDenied):
    code = "certificate.holder_mismatch"
    message = _(
        "The certificate %(identifier)s belongs to another holder than the applicant. "
        "Use a certificate issued to the applicant."
    )
