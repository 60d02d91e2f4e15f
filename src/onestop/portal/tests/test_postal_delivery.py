"""The applicant's case page gives the posting address when they chose 邮寄送达."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from onestop.cases.actions import (
    Application,
    MaterialCheck,
    approve_case,
    create_window_case,
)
from onestop.cases.models import CaseState
from onestop.catalog.models import Matter
from onestop.core.models import Membership, Role
from onestop.identity.models import Person
from onestop.portal.demo import PASSWORD
from onestop.testing import valid_form

SOCIAL_SECURITY_CARD = "social-security-card-replacement"
ADDRESS = "佛山市禅城区祖庙路1号"
WINDOW_TEXT = (
    "The result is ready. Download it from the documents above, or collect it at "
    "the window."
)


def issued_case(demo: Any, **fields: str) -> Any:
    """Return a 社会保障卡补领 case of the demo applicant, accepted at the window with
    the form `fields` and approved by a reviewer of the matter's department."""
    matter = Matter.objects.get(centre=demo.centre, pack_id=SOCIAL_SECURITY_CARD)
    form = {
        key.removeprefix("field."): value for key, value in valid_form(matter).items()
    }
    form.pop("delivery_address", None)
    form.update(fields)
    checklist = {
        material["key"]: MaterialCheck(original_seen=True)
        for material in matter.current_version.guide.materials
        if material["necessity"] == "required"
    }
    case = create_window_case(
        actor=demo.user("clerk"),
        matter=matter,
        person=Person.objects.get(user__username="applicant"),
        application=Application(form_data=form, checklist=checklist),
        window="3",
    )
    reviewer = get_user_model().objects.create_user("hr-reviewer", password=PASSWORD)
    Membership.objects.create(
        user=reviewer,
        centre=demo.centre,
        department=case.department,
        role=Role.REVIEWER,
    )
    return approve_case(actor=reviewer, case=case, opinion="准予补领")


def case_page(demo: Any, case: Any) -> str:
    response = demo.client("applicant").get(f"/portal/cases/{case.number}/")
    assert response.status_code == 200
    return response.content.decode()


def test_postal_case_page_names_address(demo):
    case = issued_case(demo, delivery="express", delivery_address=ADDRESS)

    page = case_page(demo, case)

    assert case.state == CaseState.RESULT_ISSUED
    assert case.form_data["delivery_address"] == ADDRESS
    assert 'id="postal-delivery"' in page
    assert f"so it will be posted to the address you gave: {ADDRESS}." in page
    assert WINDOW_TEXT not in page
    assert "I have received the result" in page


def test_window_pickup_case_page_offers_window(demo):
    case = issued_case(demo, delivery="window", delivery_address=ADDRESS)

    page = case_page(demo, case)

    assert case.state == CaseState.RESULT_ISSUED
    assert "delivery_address" not in case.form_data
    assert WINDOW_TEXT in page
    assert 'id="postal-delivery"' not in page
    assert ADDRESS not in page


def test_postal_case_page_in_chinese(demo):
    case = issued_case(demo, delivery="express", delivery_address=ADDRESS)
    client = demo.client("applicant")

    page = client.get(
        f"/portal/cases/{case.number}/", headers={"Accept-Language": "zh-hans"}
    ).content.decode()

    assert f"您选择了邮寄送达，结果将邮寄到您填写的地址：{ADDRESS}。" in page
    assert "请在上方文书中下载，或到窗口领取。" not in page
