"""Shared fixtures of the certificate tests: a centre, an issuer, staff and types."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from onestop.certificates.models import CertificateType, HolderKind
from onestop.core.models import Centre, Department, Membership, Role

PERSON_ID = "11010519491231002X"
ENTERPRISE_USCC = "91440604MA4W1X2YX9"
ISSUER_USCC = "11330105002500287C"
TODAY = datetime.date(2025, 5, 22)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def centre(db):
    return Centre.objects.create(
        region_code="440604", name="禅城区政务服务中心", slug="cc"
    )


@pytest.fixture
def other_centre(db):
    return Centre.objects.create(
        region_code="440605", name="南海区政务服务中心", slug="nh"
    )


@pytest.fixture
def issuer(centre):
    return Department.objects.create(
        centre=centre, role_key="market", name="禅城区市场监督管理局", uscc=ISSUER_USCC
    )


@pytest.fixture
def other_department(centre):
    return Department.objects.create(
        centre=centre,
        role_key="health",
        name="禅城区卫生健康局",
        uscc="12440604456789011Y",
    )


@pytest.fixture
def licence_type(centre, issuer):
    return CertificateType.objects.create(
        centre=centre,
        code="11100000000013338W009",
        name="食品经营许可证",
        defining_body="国家市场监督管理总局",
        holder_kind=HolderKind.ENTERPRISE,
        validity_years=5,
        issuing_department=issuer,
        face_fields=[
            {
                "key": "operator",
                "label": "经营者名称",
                "type": "text",
                "required": True,
            },
            {"key": "scope", "label": "经营项目", "type": "text", "required": True},
            {"key": "note", "label": "备注", "type": "text", "required": False},
        ],
    )


@pytest.fixture
def person_type(centre):
    return CertificateType.objects.create(
        centre=centre,
        code="11100000000013338W001",
        name="残疾人证",
        holder_kind=HolderKind.PERSON,
        validity_years=None,
        face_fields=[],
    )


def _staff(username, centre, role, department=None):
    user = get_user_model().objects.create_user(username=username, password=None)
    Membership.objects.create(
        user=user, centre=centre, department=department, role=role
    )
    return user


@pytest.fixture
def reviewer(centre, issuer):
    return _staff("reviewer", centre, Role.REVIEWER, issuer)


@pytest.fixture
def other_reviewer(centre, other_department):
    return _staff("other-reviewer", centre, Role.REVIEWER, other_department)


@pytest.fixture
def clerk(centre):
    return _staff("clerk", centre, Role.CLERK)


@pytest.fixture
def department_admin(centre, issuer):
    return _staff("department-admin", centre, Role.DEPARTMENT_ADMIN, issuer)


@pytest.fixture
def other_department_admin(centre, other_department):
    return _staff(
        "other-department-admin", centre, Role.DEPARTMENT_ADMIN, other_department
    )


@pytest.fixture
def centre_admin(centre):
    return _staff("centre-admin", centre, Role.CENTRE_ADMIN)


LICENCE_FACE = {"operator": "佛山市禅城区欧阳记餐饮有限公司", "scope": "热食类食品制售"}


@pytest.fixture
def licence(licence_type, issuer, reviewer, time_machine):
    from onestop.certificates.actions import issue_certificate

    time_machine.move_to(datetime.datetime(2025, 5, 22, 10, 0, tzinfo=datetime.UTC))
    return issue_certificate(
        actor=reviewer,
        certificate_type=licence_type,
        issuer=issuer,
        holder_code=ENTERPRISE_USCC,
        holder_name="佛山市禅城区欧阳记餐饮有限公司",
        face=LICENCE_FACE,
        case_number="440604-20250522-000123",
    )


@pytest.fixture(autouse=True)
def certificate_urls(settings):
    settings.ROOT_URLCONF = "onestop.certificates.tests.urls"
