"""The applicant's case page gives the posting address when they chose 邮寄送达."""

from __future__ import annotations

from typing import Any

from onestop.cases.models import CaseState
from onestop.testing import issued_social_security_case

ADDRESS = "佛山市禅城区祖庙路1号"
WINDOW_TEXT = (
    "The result is ready. Download it from the documents above, or collect it at "
    "the window."
)


def case_page(demo: Any, case: Any) -> str:
    response = demo.client("applicant").get(f"/portal/cases/{case.number}/")
    assert response.status_code == 200
    return response.content.decode()


def test_postal_case_page_names_address(demo):
    case = issued_social_security_case(
        demo, delivery="express", delivery_address=ADDRESS
    )

    page = case_page(demo, case)

    assert case.state == CaseState.RESULT_ISSUED
    assert case.form_data["delivery_address"] == ADDRESS
    assert 'id="postal-delivery"' in page
    assert f"so it will be posted to the address you gave: {ADDRESS}." in page
    assert WINDOW_TEXT not in page
    assert "I have received the result" in page


def test_window_pickup_case_page_offers_window(demo):
    case = issued_social_security_case(
        demo, delivery="window", delivery_address=ADDRESS
    )

    page = case_page(demo, case)

    assert case.state == CaseState.RESULT_ISSUED
    assert "delivery_address" not in case.form_data
    assert WINDOW_TEXT in page
    assert 'id="postal-delivery"' not in page
    assert ADDRESS not in page


def test_postal_case_page_in_chinese(demo):
    case = issued_social_security_case(
        demo, delivery="express", delivery_address=ADDRESS
    )
    client = demo.client("applicant")

    page = client.get(
        f"/portal/cases/{case.number}/", headers={"Accept-Language": "zh-hans"}
    ).content.decode()

    assert f"您选择了邮寄送达，结果将邮寄到您填写的地址：{ADDRESS}。" in page
    assert "请在上方文书中下载，或到窗口领取。" not in page
