"""Errors of the department exchange: rejected callbacks, pull requests and material links."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from onestop.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    OneStopError,
    PermissionDenied,
)
from onestop.exchange.problems import problem_text


class CallbackTooLarge(InvalidInput):
    code = "exchange.body_too_large"
    status = 413
    message = _(
        "The request body has %(size)s bytes, more than the limit of %(limit)s bytes. "
        "Send the result data in a smaller message."
    )


class CallbackInvalid(InvalidInput):
    """A department message that is not JSON or does not match its schema.

    `details.problems` lists each problem as {"location", "code", ...values}
    (`exchange.problems`), and the message names the first.
    """

    code = "exchange.schema_invalid"
    message = _(
        "The callback does not match the callback schema: %(reason)s. Fix the message "
        "and send it again with a new callback id."
    )

    def message_values(self) -> dict[str, Any]:
        problems = self.details.get("problems") or [{}]
        return {**super().message_values(), "reason": problem_text(problems[0])}


class CallbackOpinionRequired(InvalidInput):
    code = "exchange.opinion_required"
    message = _(
        "A denied callback must carry the review opinion in %(member)s, because the "
        "decision states it to the applicant. Add the opinion and send the callback "
        "again."
    )


class CallbackReasonRemoved(InvalidInput):
    code = "exchange.reason_member_removed"
    message = _(
        "The callback has the member %(member)s, which OneStop no longer reads. Send "
        "the review opinion, the text of a denial, in %(use)s instead, and send the "
        "callback again."
    )


class CallbackOpinionTooLong(InvalidInput):
    code = "exchange.opinion_too_long"
    message = _(
        "%(member)s has %(length)s characters; the maximum is %(max)s. Shorten the "
        "review opinion and send the callback again."
    )


class CallbackFaceFieldMissing(InvalidInput):
    code = "certificate.face_field_missing"
    message = _(
        "The approval must give the certificate field %(label)s (key %(key)s) in "
        "%(member)s, because the certificate type %(type)s requires it and the "
        "application does not contain it. Add the value and send the callback again."
    )


class UnknownEnvelope(NotFound):
    code = "exchange.unknown_case"
    message = _(
        "No envelope %(envelope_id)s for case %(case_number)s was sent. Answer only "
        "envelopes that OneStop delivered to your department."
    )


class CaseMismatch(PermissionDenied):
    code = "exchange.case_mismatch"
    message = _(
        "The envelope %(envelope_id)s was not sent to department %(department)s for "
        "case %(case_number)s. Answer each envelope with its own case number and "
        "department code."
    )


class SignatureInvalid(PermissionDenied):
    code = "exchange.signature_invalid"
    status = 401
    message = _(
        "The signature of the message from department %(department)s is invalid. Sign "
        "the canonical JSON of the message with the key configured in OneStop."
    )


class CallbackReplayed(Conflict):
    code = "exchange.replay"
    message = _(
        "The callback id %(callback_id)s was already used for a different message. "
        "Give every new callback its own id."
    )


class CallbackStale(Conflict):
    code = "exchange.replay_stale"
    message = _(
        "The message was sent at %(sent_at)s, more than %(limit)s before OneStop's "
        "clock (%(now)s), so it is rejected as a possible replay. Check the sender's "
        "clock and send a fresh message."
    )


class CallbackFromFuture(CallbackStale):
    message = _(
        "The message was sent at %(sent_at)s, more than %(limit)s after OneStop's "
        "clock (%(now)s), so it is rejected as a possible replay. Check the sender's "
        "clock and send a fresh message."
    )


class TimestampInvalid(InvalidInput):
    code = "exchange.timestamp_invalid"
    message = _(
        "The header %(header)s is %(value)s, which is not an ISO 8601 time with a UTC "
        "offset, such as 2026-12-05T10:00:00+08:00. Send the time of the request in "
        "that form."
    )


class SignatureMissing(PermissionDenied):
    code = "exchange.signature_missing"
    status = 401

    def __init__(self, **details: Any) -> None:
        self.message = ngettext_lazy(
            "The pull request is missing the header %(missing)s. Sign every pull "
            "request and send the headers X-OneStop-Timestamp, X-OneStop-Key-Id and "
            "X-OneStop-Signature with it.",
            "The pull request is missing the headers %(missing)s. Sign every pull "
            "request and send the headers X-OneStop-Timestamp, X-OneStop-Key-Id and "
            "X-OneStop-Signature with it.",
            len(details["missing"].code),
        )
        super().__init__(**details)


class DeadLetterReplayed(Conflict):
    code = "exchange.dead_letter_replayed"
    message = _(
        "The dispatch %(message_id)s was already replayed at %(replayed_at)s and is "
        "now %(status)s, so it is no longer a dead letter. Reload the list of dead "
        "letters."
    )


class NotDeadLetter(Conflict):
    code = "exchange.not_dead_letter"
    message = _(
        "The dispatch %(message_id)s is %(status)s, not a dead letter, so it cannot be "
        "replayed. Reload the list of dead letters."
    )


class ResultAlreadyApplied(Conflict):
    code = "exchange.result_conflict"
    message = _(
        "Case %(case_number)s is %(state)s, so the %(status)s result cannot be applied. "
        "Fetch the case state before sending another result."
    )


class DepartmentNotFound(NotFound):
    code = "exchange.unknown_department"
    message = _(
        "No department with the id %(department)s exists. Use the department id that "
        "the centre gave with your pull connector's key."
    )


class DepartmentNotPull(NotFound):
    code = "exchange.not_pull_department"
    message = _(
        "Department %(department)s does not fetch envelopes by polling. Ask the "
        "department admin to set its connector kind to pull."
    )


class MaterialLinkInvalid(PermissionDenied):
    code = "exchange.material_link_invalid"
    message = _(
        "The material link is invalid or has expired. Ask the service centre to send "
        "the case again with fresh links."
    )


class SimulatorPortUnavailable(OneStopError):
    code = "dept_sim.port_unavailable"
    status = 503
    message = _(
        "The department simulator could not listen on 127.0.0.1:%(port)s, because "
        "another program uses the port or the system does not allow it. The demo "
        "departments on webhook, pull and AMQP connectors get no answers until it runs. "
        "Set ONESTOP_DEPT_SIM_PORT to a free port and start again."
    )
