"""Errors of managing a centre's windows, each naming the value and the rule."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from onestop.core.errors import Conflict, InvalidInput, NotFound


class WindowCodeInvalid(InvalidInput):
    code = "window.code_invalid"
    message = _(
        "The window code %(window)s is invalid, because a code is part of the "
        "window's URL: use 1 to %(max)s Latin letters, digits, hyphens or "
        "underscores, with no spaces, such as 3 or A12."
    )


class WindowCodeTaken(Conflict):
    code = "window.code_taken"
    message = _(
        "%(centre)s already has the window %(window)s (%(name)s), so no window was "
        "added. Give another code, or reactivate that window if it is deactivated."
    )


class WindowNameTaken(Conflict):
    code = "window.name_taken"
    message = _(
        "%(centre)s already has a window named %(name)s, the window %(window)s, so "
        "the name was not saved. Give each window its own name, so that clerks and "
        "applicants can tell them apart."
    )


class WindowNameRequired(InvalidInput):
    code = "window.name_required"
    message = _(
        "The window's name is missing. Give the name shown to applicants, such as "
        "综合窗口 3."
    )


class WindowKindUnknown(InvalidInput):
    code = "window.kind_unknown"
    message = _("There is no window kind %(kind)s. Use one of: %(allowed)s.")


class WindowDepartmentRequired(InvalidInput):
    code = "window.department_required"
    message = _(
        "A department window belongs to one department, so it needs one. Give the "
        "code of a department of %(centre)s: %(departments)s."
    )


class WindowDepartmentNotChosen(WindowDepartmentRequired):
    """A department window added or changed on the windows page without a department.

    The page's form lists the departments by name, so the message points there rather
    than listing their codes, as the API's message does.
    """

    message = _(
        "A department window belongs to one department, so it needs one. Choose its "
        "department in the Department list of the form."
    )


class WindowDepartmentNotAllowed(InvalidInput):
    code = "window.department_not_allowed"
    message = _(
        "A comprehensive window accepts the matters of every department, so it takes "
        "no department, but %(department)s was given. Leave the department empty, or "
        "make it a department window."
    )


class WindowDepartmentNotFound(NotFound):
    code = "window.department_not_found"
    message = _(
        "%(department)s is not a department of %(centre)s. Give the code of one of its "
        "departments: %(departments)s."
    )


class WindowNotFound(NotFound):
    """No window of the centre has the code sent. The details give the `window` code
    sent and the `centre` by its slug, and the message names the centre."""

    code = "window.not_found"
    message = _(
        "%(centre)s has no window with the code %(window)s. Reload the list of windows."
    )


class WindowHasPad(Conflict):
    code = "window.has_rating_pad"
    message = _(
        "The window %(window)s is bound to the rating pad %(pad)s, so it stays active. "
        "Revoke the pad on the Rating pads page first, then deactivate the window."
    )


class DecisionUnknown(InvalidInput):
    code = "agency.decision_unknown"
    message = _(
        "The decision %(decision)s is not one of verify, reject or revoke, so nothing "
        "was decided. Open the page again and press one of its buttons."
    )


class PasswordAlreadyIssued(Conflict):
    code = "window.password_already_issued"
    message = _(
        "This form was sent before and its one-time password was issued then, so no "
        "new one was issued: the password shown then still works. To issue another, "
        "open the password reset page again."
    )
