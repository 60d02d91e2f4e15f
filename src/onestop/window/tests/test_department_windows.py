"""A department window accepts only its department's matters; a comprehensive window
accepts every matter. The actions enforce it, so pages and the API do too."""

from __future__ import annotations

import pytest

from onestop.cases import actions
from onestop.cases.models import Case
from onestop.cases.tests.test_idempotency import window_json
from onestop.cases.tests.test_receipts import FOOD, apply_online, food_matter
from onestop.core.models import Department, Window, WindowKind
from onestop.core.window_matters import WindowNotForMatter

pytestmark = pytest.mark.django_db


def other_department(demo):
    return Department.objects.for_centre(demo.centre).exclude(pk=demo.market.pk).first()


def department_window(demo, code, department):
    return Window.objects.create(
        centre=demo.centre,
        code=code,
        name=f"{department.name}窗口",
        kind=WindowKind.DEPARTMENT,
        department=department,
    )


def post_window(demo, window, language="en"):
    return demo.client("clerk").post(
        "/api/v1/cases/window",
        {**window_json(demo), "window": window},
        content_type="application/json",
        headers={"Accept-Language": language},
    )


def test_other_department_window_is_rejected(demo):
    other = other_department(demo)
    department_window(demo, "D1", other)

    response = post_window(demo, "D1")

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "window.not_for_matter"
    assert body["details"]["window"] == "D1"
    assert body["details"]["department"] == other.role_key
    assert body["details"]["matter"] == FOOD
    assert body["details"]["matter_department"] == "market_regulation"
    assert body["details"]["windows"] == ["1", "2", "3", "4", "5", "6"]
    matter = food_matter(demo)
    assert body["message"] == (
        f"The window “{other.name}窗口” (D1) is a window of {other.name} and accepts "
        f"only that department's matters, so it cannot accept {matter.name}, a "
        f"matter of {demo.market.name}. Nothing was recorded. Choose a window that "
        "accepts it: 1, 2, 3, 4, 5, 6."
    )
    assert not Case.objects.exists()


def test_rejection_reads_in_chinese(demo):
    other = other_department(demo)
    department_window(demo, "D1", other)

    response = post_window(demo, "D1", language="zh-hans")

    assert response.status_code == 400
    message = response.json()["message"]
    assert message.startswith(f"窗口“{other.name}窗口”（D1）是{other.name}的部门窗口，")
    assert "只受理该部门的事项" in message


def test_rejection_quotes_name_containing_code(demo):
    department_window(demo, "D1", other_department(demo))
    Window.objects.filter(code="D1").update(name="公安窗口 D1")

    response = post_window(demo, "D1", language="zh-hans")

    assert response.json()["message"].startswith("窗口“公安窗口 D1”是")


def test_own_department_window_accepts(demo):
    department_window(demo, "M1", demo.market)

    response = post_window(demo, "M1")

    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.window_record.code == "M1"


def test_own_department_window_listed(demo):
    department_window(demo, "D1", other_department(demo))
    department_window(demo, "M1", demo.market)

    response = post_window(demo, "D1")

    assert response.json()["details"]["windows"] == [
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "M1",
    ]


def test_accept_endpoint_rejects_other_department(demo):
    number = apply_online(demo)
    department_window(demo, "D1", other_department(demo))

    response = demo.client("clerk").post(
        f"/api/v1/cases/{number}/accept",
        {"window": "D1"},
        content_type="application/json",
    )

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "window.not_for_matter"
    case = Case.objects.get(number=number)
    assert case.state == "submitted"
    assert case.window_record is None


def test_action_rejects_other_department(demo):
    number = apply_online(demo)
    department_window(demo, "D1", other_department(demo))

    with pytest.raises(WindowNotForMatter):
        actions.accept_case(
            actor=demo.user("clerk"),
            case=Case.objects.get(number=number),
            window="D1",
        )

    assert Case.objects.get(number=number).accepted_at is None


def test_case_page_offers_only_windows_for_matter(demo):
    number = apply_online(demo)
    department_window(demo, "D1", other_department(demo))
    department_window(demo, "M1", demo.market)

    text = demo.client("clerk").get(f"/window/cases/{number}/").content.decode()

    assert '<option value="M1">' in text
    assert '<option value="D1">' not in text


def test_foreign_last_window_not_preselected(demo):
    number = apply_online(demo)
    department_window(demo, "D1", other_department(demo))
    clerk = demo.client("clerk")
    clerk.post("/window/", {"window": "D1"})

    text = clerk.get(
        f"/window/cases/{number}/", headers={"Accept-Language": "en"}
    ).content.decode()

    assert 'value="D1"' not in text
    assert 'data-code="window.last_not_for_matter"' in text


def test_department_window_as_default_is_rejected(demo):
    department_window(demo, "D1", other_department(demo))
    clerk = demo.client("clerk")
    clerk.post("/window/", {"window": "D1"})
    data = window_json(demo)
    del data["window"]

    response = clerk.post("/api/v1/cases/window", data, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "window.not_for_matter"
    assert not Case.objects.exists()


def test_deactivated_window_error_offers_only_windows_for_matter(demo):
    department_window(demo, "D1", other_department(demo))
    Window.objects.filter(centre=demo.centre, code="4").update(is_active=False)

    response = post_window(demo, "4")

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "window.inactive"
    assert body["details"]["active"] == ["1", "2", "3", "5", "6"]
