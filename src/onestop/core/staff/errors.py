"""Errors of granting and revoking staff roles, each naming the value and the rule."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from onestop.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class UnknownRole(InvalidInput):
    code = "staff.unknown_role"
    message = _("There is no staff role %(role)s. Use one of: %(allowed)s.")


class DepartmentRequired(InvalidInput):
    code = "staff.department_required"
    message = _(
        "The role %(role)s works for one department, so it needs a department of "
        "%(centre)s. Give the code of one of its departments: %(departments)s."
    )


class DepartmentNotAllowed(InvalidInput):
    code = "staff.department_not_allowed"
    message = _(
        "The role %(role)s covers the whole centre, so it takes no department, but "
        "%(department)s was given. Leave the department empty."
    )


class DepartmentNotFound(NotFound):
    code = "staff.department_not_found"
    message = _(
        "%(department)s is not a department of %(centre)s. Give the code of one of its "
        "departments: %(departments)s."
    )


class CentreRequired(InvalidInput):
    code = "staff.centre_required"
    message = _(
        "The role %(role)s belongs to one centre, so it needs a centre. Give the "
        "centre's region code or slug."
    )


class CentreNotAllowed(InvalidInput):
    code = "staff.centre_not_allowed"
    message = _(
        "The role %(role)s covers every centre of the deployment, so it takes no "
        "centre, but %(centre)s was given. Leave the centre out."
    )


class InvalidUsername(InvalidInput):
    code = "staff.invalid_username"
    message = _(
        'The user name "%(username)s" is invalid: use 1 to 150 letters, digits and '
        "the characters @ . + - _ only."
    )


class UserNotFound(NotFound):
    code = "staff.user_not_found"
    message = _(
        "No user account %(username)s exists. Check the user name, or tick "
        '"create the account" to create it with an initial password.'
    )
    command_message = _(
        "No user account %(username)s exists. Check the user name, or add --create "
        "to create it with an initial password."
    )


class UserNotGrantable(NotFound):
    """An account that a centre admin may not grant a role to, or one that does not
    exist: one error for both, so that the grant form reveals no user names."""

    code = "staff.user_not_grantable"
    message = _(
        "You cannot grant a role in %(centre)s to %(username)s: no such account "
        "exists, or it belongs to the staff of another centre, to a platform admin or "
        'to a registered applicant. Check the user name, tick "create the account" '
        "to create a new account, or ask a platform admin to grant the role."
    )


class UserExists(Conflict):
    code = "staff.user_exists"
    message = _(
        "A user account %(username)s already exists, so no account was created and no "
        "role was granted. Grant the role to the existing account instead."
    )


class RoleAlreadyHeld(Conflict):
    code = "staff.role_already_held"
    message = _(
        "%(username)s already holds the role %(role)s in %(place)s, so nothing was "
        "changed. Each person holds a role there once."
    )


class PlatformAdminOnly(PermissionDenied):
    code = "staff.platform_admin_only"
    message = _(
        "Only a platform admin can grant or revoke the role %(role)s. Ask a platform "
        "admin, or an operator with `onestop staff`."
    )


class OwnLastAdminRole(Conflict):
    code = "staff.own_last_admin_role"
    message = _(
        "You cannot revoke your own role %(role)s in %(place)s, because it is your last "
        "role that lets you manage its staff. Ask another admin to revoke it."
    )


class StaffRoleNotFound(NotFound):
    code = "staff.role_not_found"
    message = _(
        "The staff role %(role_id)s was not found in %(centre)s. Reload the list of "
        "staff roles."
    )


class RoleNotHeld(NotFound):
    code = "staff.role_not_held"
    message = _(
        "%(username)s holds no role %(role)s in %(place)s, so nothing was revoked. "
        "List the roles with `onestop staff list`."
    )


class AccountOutOfReach(PermissionDenied):
    """An account that the acting admin may not reset, deactivate or reactivate."""

    # The reason in one line, which the staff page shows in place of the withheld
    # buttons.
    short_message: Any


class AccountOfApplicant(AccountOutOfReach):
    code = "account.registered_applicant"
    message = _(
        "The account %(username)s is also registered as an applicant with a resident ID "
        "number, so only a platform admin can reset its password, deactivate it or "
        "reactivate it. Removing its staff roles here ends its staff access."
    )
    short_message = _(
        "Also registered as an applicant, so only a platform admin can reset, "
        "deactivate or reactivate this account."
    )


class AccountOutsideCentre(AccountOutOfReach):
    code = "account.outside_centre"
    message = _(
        "The account %(username)s has no staff role, or a role outside %(centre)s, so "
        "only a platform admin can reset its password, deactivate it or reactivate it "
        "here. Ask a platform admin, or, for an applicant's account, a window clerk who "
        "checks the applicant's ID card."
    )
    short_message = _(
        "Has no staff role or a role outside this centre, so only a platform admin "
        "can reset, deactivate or reactivate this account."
    )


class AccountNotFound(NotFound):
    code = "account.not_found"
    message = _(
        "No user account %(username)s exists. Check the user name in the list of staff "
        "roles."
    )


class OwnAccountDeactivation(Conflict):
    code = "account.own_deactivation"
    message = _(
        "You cannot deactivate your own account %(username)s. Ask another admin to do "
        "it."
    )
    # The reason in one line, which the staff page shows in place of the Deactivate
    # button.
    short_message = _("You cannot deactivate your own account. Ask another admin.")


class LastCentreAdmin(Conflict):
    code = "account.last_centre_admin"
    message = _(
        "%(username)s is the last active centre admin of %(centre)s, so the account "
        "stays active. Grant the centre admin role to another account first."
    )


class AccountDeactivated(PermissionDenied):
    code = "auth.account_deactivated"
    message = _(
        "The account %(username)s is deactivated, so it cannot sign in or use API "
        "tokens. Ask an admin of your service centre to reactivate it, or, for an "
        "applicant's account, a clerk at its window, with your resident ID card."
    )
