"""The demo centre of `make run`: 佛山市禅城区 (440604) from the standard pack, with six
comprehensive windows, one account per role and two registered applicants.

Every code here is constructed for the demo: the departments' USCCs are built with a valid
check character but belong to no real body.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.catalog.actions import DepartmentBinding, ProvisionResult, provision_centre
from onestop.catalog.packs import STANDARD_PACK_DIR
from onestop.catalog.packs.loader import load_pack
from onestop.catalog.versions import newer_installed_version
from onestop.core.errors import lazy_text
from onestop.core.models import (
    Centre,
    Department,
    Membership,
    Role,
    Window,
    WindowKind,
)
from onestop.exchange.demo import configure_demo_connectors
from onestop.identity.codes import parse_resident_id, uscc_check_character
from onestop.identity.models import (
    AgencyAuthority,
    AgencyStatus,
    Enterprise,
    EnterpriseAgent,
    Person,
)
from onestop.worktime.actions import seed_calendar

REGION_CODE = "440604"
CENTRE_NAME = "佛山市禅城区政务服务中心"
CITY_PREFIX = "佛山市禅城区"
PASSWORD = "onestop-demo-2026"


# Demo staff accounts with what each one is for, or None where the description names
# the account's department. Every other department of the pack gets a reviewer account
# too, named "reviewer-" + the department's role key.
STAFF_USERNAMES: dict[str, Any] = {
    "clerk": _("comprehensive window (综合窗口)"),
    "reviewer": None,
    "deptadmin": None,
    "centreadmin": _("the centre's catalogue, windows, staff and calendar"),
    "supervisor": _("dashboards, overdue cases and bad ratings"),
    "platform": _("every centre, and Django admin too"),
}
REVIEWER_PREFIX = "reviewer-"
ENTERPRISE_USCC = "91440604MA4W1X2YX9"
# The demo centre's comprehensive windows: code "1" is named 综合窗口 1, and so on.
DEMO_WINDOWS = 6
APPLICANTS = {
    "applicant": lazy_text(_("%(name)s, a person"), name="李秀英"),
    "agent": lazy_text(
        _("%(name)s, agent of %(uscc)s"), name="陈志强", uscc=ENTERPRISE_USCC
    ),
}
APPLICANT_ROLE = "applicant"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    # A lazy translation, so that it prints in the operator's language.
    description: Any

    @property
    def role_label(self) -> str:
        """Return the role's name in the active language."""
        if self.role == APPLICANT_ROLE:
            return str(_("applicant"))
        return str(Role(self.role).label)


def demo_uscc(index: int) -> str:
    """Return a constructed USCC of a government body (机关, "11") in region 440604."""
    first_17 = f"11{REGION_CODE}0070{index:05d}"
    return first_17 + uscc_check_character(first_17)


def demo_bindings(pack: object) -> dict[str, DepartmentBinding]:
    departments = getattr(pack, "departments")  # noqa: B009  (Pack has no shared type here)
    return {
        role: DepartmentBinding(
            name=f"{CITY_PREFIX}{spec['name']}", uscc=demo_uscc(index)
        )
        for index, (role, spec) in enumerate(sorted(departments.items()), start=1)
    }


def provision_demo(
    progress=None, calendar_years=None, pack=None
) -> tuple[ProvisionResult, list[DemoAccount]]:
    """Provision the demo centre and its accounts; running it again changes nothing.

    `calendar_years` limits the national work calendar seeded (default: every year the
    chinesecalendar package covers). `pack` is the standard pack already loaded, which
    spares a caller that provisions many times the reading and checking of its files.
    """
    if pack is None:
        pack = load_pack(STANDARD_PACK_DIR)
    seed_calendar(years=calendar_years)
    result = _provision_demo_centre(pack, progress)
    with transaction.atomic():
        _create_windows(result.centre)
        accounts = _create_accounts(result)
    configure_demo_connectors(result.centre)
    return result, accounts


def _provision_demo_centre(pack: Any, progress: Any) -> ProvisionResult:
    """Provision the demo centre from `pack`, unless it is on a newer pack version.

    A demo centre moved to a newer pack with `onestop pack upgrade` keeps its matters,
    so that running the demo again never downgrades them.
    """
    centre = Centre.objects.filter(region_code=REGION_CODE).first()
    if centre is not None:
        newer = newer_installed_version(centre, pack)
        if newer is not None:
            return ProvisionResult(
                centre=centre, created_matters=0, updated_matters=0, kept_version=newer
            )
    return provision_centre(
        actor=None,
        region_code=REGION_CODE,
        pack=pack,
        bindings=demo_bindings(pack),
        name=CENTRE_NAME,
        progress=progress,
    )


def department_description(department: Department) -> Any:
    """Return the description of a demo account that works for `department`."""
    return lazy_text(_("for %(department)s"), department=department.name)


def demo_accounts() -> list[DemoAccount]:
    """Return the demo accounts that exist, without changing anything."""
    memberships = Membership.objects.filter(
        Q(user__username__in=STAFF_USERNAMES)
        | Q(user__username__startswith=REVIEWER_PREFIX, role=Role.REVIEWER)
    )
    accounts = [
        DemoAccount(m.user.username, m.role, _account_description(m))
        for m in memberships.select_related("user", "department").order_by("pk")
    ]
    for username, description in APPLICANTS.items():
        if Person.objects.filter(user__username=username).exists():
            accounts.append(DemoAccount(username, APPLICANT_ROLE, description))
    return accounts


def _account_description(membership: Membership) -> Any:
    description = STAFF_USERNAMES.get(membership.user.username)
    if description is not None:
        return description
    if membership.department is None:
        return ""
    return department_description(membership.department)


def _create_windows(centre: Centre) -> None:
    for number in range(1, DEMO_WINDOWS + 1):
        Window.objects.get_or_create(
            centre=centre,
            code=str(number),
            defaults={"name": f"综合窗口 {number}", "kind": WindowKind.COMPREHENSIVE},
        )


def _create_accounts(result: ProvisionResult) -> list[DemoAccount]:
    centre = result.centre
    accounts: list[DemoAccount] = []
    market = Department.objects.get(centre=centre, role_key="market_regulation")

    def staff(username: str, role: str, description: Any, department=None) -> None:
        user = _user(
            username, is_staff=role in (Role.CENTRE_ADMIN, Role.PLATFORM_ADMIN)
        )
        if role == Role.PLATFORM_ADMIN:
            user.is_superuser = True
            user.save(update_fields=["is_superuser"])
        Membership.objects.get_or_create(
            user=user,
            centre=None if role == Role.PLATFORM_ADMIN else centre,
            department=department,
            role=role,
        )
        accounts.append(DemoAccount(username, role, description))

    staff("clerk", Role.CLERK, STAFF_USERNAMES["clerk"])
    staff("reviewer", Role.REVIEWER, department_description(market), market)
    for department in Department.objects.for_centre(centre).exclude(pk=market.pk):
        staff(
            f"{REVIEWER_PREFIX}{department.role_key}",
            Role.REVIEWER,
            department_description(department),
            department,
        )
    staff("deptadmin", Role.DEPARTMENT_ADMIN, department_description(market), market)
    staff("centreadmin", Role.CENTRE_ADMIN, STAFF_USERNAMES["centreadmin"])
    staff("supervisor", Role.SUPERVISOR, STAFF_USERNAMES["supervisor"])
    staff("platform", Role.PLATFORM_ADMIN, STAFF_USERNAMES["platform"])

    _person(
        "applicant",
        "440604198503150024",
        "李秀英",
        "13800138000",
        "佛山市禅城区祖庙路1号",
    )
    accounts.append(DemoAccount("applicant", APPLICANT_ROLE, APPLICANTS["applicant"]))
    agent = _person(
        "agent",
        "44060419900101123X",
        "陈志强",
        "13900139000",
        "佛山市禅城区季华五路22号",
    )
    enterprise, _created = Enterprise.objects.get_or_create(
        uscc=ENTERPRISE_USCC,
        defaults={
            "name": "佛山市禅城区示例商贸有限公司",
            "legal_representative": "陈志强",
        },
    )
    # The demo agent is the legal representative, verified at the demo centre's window.
    EnterpriseAgent.objects.get_or_create(
        enterprise=enterprise,
        person=agent,
        defaults={
            "status": AgencyStatus.VERIFIED,
            "licence_seen": True,
            "authority": AgencyAuthority.LEGAL_REPRESENTATIVE,
            "decided_at": timezone.now(),
            "decided_by": _user("clerk"),
            "decided_at_centre": centre,
        },
    )
    accounts.append(DemoAccount("agent", APPLICANT_ROLE, APPLICANTS["agent"]))
    return accounts


def _user(username: str, *, is_staff: bool = False):
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=username, defaults={"is_staff": is_staff}
    )
    if created:
        user.set_password(PASSWORD)
        user.save()
    return user


def _person(
    username: str, id_number: str, name: str, phone: str, address: str
) -> Person:
    user = _user(username)
    resident = parse_resident_id(id_number)
    person, _created = Person.objects.get_or_create(
        user=user,
        defaults={
            "id_number": resident.number,
            "name": name,
            "birth_date": resident.birth_date,
            "phone": phone,
            "address": address,
        },
    )
    return person
