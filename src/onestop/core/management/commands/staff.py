"""`onestop staff list|grant|revoke`: manage staff roles from the command line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onestop.core.centres import get_centre_by_code_or_slug
from onestop.core.errors import OneStopError, echoed
from onestop.core.management.base import OneStopCommand
from onestop.core.models import Centre, Department, Membership, Role
from onestop.core.staff import actions, queries
from onestop.core.staff.errors import CentreNotAllowed, RoleNotHeld, UserNotFound
from onestop.core.staff.rules import (
    check_place,
    check_role,
    check_username,
    place_detail,
    place_text,
    role_detail,
    role_text,
)


class Command(OneStopCommand):
    help = gettext_lazy(
        "List, grant and revoke the staff roles of the service centres."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)

        listing = commands.add_parser("list", help=_("List the staff roles."))
        listing.add_argument(
            "--centre",
            default="",
            help=_("Region code or slug; default: every centre."),
        )

        grant = commands.add_parser(
            "grant", help=_("Grant a staff role to an account.")
        )
        _add_role_arguments(grant)
        grant.add_argument(
            "--create",
            action="store_true",
            help=_("Create the account and print its initial password once."),
        )

        revoke = commands.add_parser(
            "revoke", help=_("Revoke a staff role of an account.")
        )
        _add_role_arguments(revoke)

    def handle(self, *args: Any, **options: Any) -> None:
        handlers = {"list": self._list, "grant": self._grant, "revoke": self._revoke}
        try:
            handlers[options["subcommand"]](options)
        except OneStopError as error:
            raise CommandError(f"{error.code}: {error.render_for_command()}") from None

    def _list(self, options: dict[str, Any]) -> None:
        centre = _centre(options["centre"]) if options["centre"] else None
        rows = queries.staff_roles(centre)
        if not rows:
            self.stdout.write(_("No staff roles."))
        for membership in rows:
            self.stdout.write(_line(membership))

    def _grant(self, options: dict[str, Any]) -> None:
        role, centre, _department, _user = _checked_arguments(
            options, account_exists=not options["create"]
        )
        grant = actions.grant_role(
            actor=None,
            username=options["user"],
            role=role,
            centre=centre,
            department=options["department"],
            create_account=options["create"],
        )
        self.stdout.write(_("Granted: %(line)s") % {"line": _line(grant.membership)})
        if grant.initial_password:
            self.stdout.write(
                _(
                    "Created the account %(username)s. Its initial password, shown "
                    "only now: %(password)s"
                )
                % {"username": options["user"], "password": grant.initial_password}
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        role, centre, department, user = _checked_arguments(
            options, account_exists=True
        )
        membership = (
            Membership.objects.filter(
                user=user, role=role, centre=centre, department=department
            )
            .select_related("user", "centre", "department")
            .first()
        )
        if membership is None:
            raise RoleNotHeld(
                username=echoed(options["user"]),
                role=role_detail(role),
                place=place_detail(centre),
            )
        line = _line(membership)
        actions.revoke_role(actor=None, membership=membership)
        self.stdout.write(_("Revoked: %(line)s") % {"line": line})


def _add_role_arguments(parser: CommandParser) -> None:
    parser.add_argument("--user", required=True, help=_("User name of the account."))
    parser.add_argument(
        "--role",
        required=True,
        help=_("The role to grant or revoke, one of: %(roles)s")
        % {"roles": ", ".join(Role.values)},
    )
    parser.add_argument(
        "--centre",
        default="",
        help=_("Region code or slug of the centre; omitted for platform_admin."),
    )
    parser.add_argument(
        "--department",
        default="",
        help=_("Department code (role key), for reviewer and department_admin."),
    )


def _centre(value: str) -> Centre:
    return get_centre_by_code_or_slug(value.strip())


def _checked_arguments(
    options: dict[str, Any], *, account_exists: bool
) -> tuple[Role, Centre | None, Department | None, Any]:
    """Return the role, centre, department and account that the options name.

    Raises one CommandError with a line for each wrong argument, so that the operator
    corrects them all in one go. The account is None when `account_exists` is False,
    for a grant that creates it: its user name is checked instead.
    """
    problems: list[OneStopError] = []
    role = _collect(problems, check_role, options["role"])
    centre = None
    if role == Role.PLATFORM_ADMIN and options["centre"]:
        problems.append(
            CentreNotAllowed(role=role_detail(role), centre=echoed(options["centre"]))
        )
    elif options["centre"]:
        centre = _collect(problems, _centre, options["centre"])

    department = None
    if role is not None and not problems:
        department = _collect(
            problems,
            lambda code: check_place(role, centre, code),
            options["department"],
        )
    user = None
    if account_exists:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            problems.append(UserNotFound(username=echoed(options["user"])))
    else:
        _collect(problems, check_username, options["user"])

    if problems:
        lines = [f"{error.code}: {error.render_for_command()}" for error in problems]
        raise CommandError("\n".join(lines))
    assert role is not None  # noqa: S101  (a missing role is one of the problems)
    return role, centre, department, user


def _collect[T](
    problems: list[OneStopError], check: Callable[[str], T], value: str
) -> T | None:
    """Return `check(value)`, or None after adding its error to `problems`."""
    try:
        return check(value)
    except OneStopError as error:
        problems.append(error)
        return None


def _line(membership: Membership) -> str:
    department = membership.department
    fields = [
        membership.user.username,
        role_text(membership.role),
        place_text(membership.centre),
    ]
    if membership.centre is not None:
        fields[2] = f"{membership.centre.name} ({membership.centre.region_code})"
    if department is not None:
        fields.append(f"{department.name} ({department.role_key})")
    return "  ".join(fields)
