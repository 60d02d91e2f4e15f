"""The windows page of a centre: list, add, rename, deactivate and reactivate."""

from __future__ import annotations

import re

import pytest

from onestop.core.models import Window
from onestop.ratings.tests.test_pads import paired_device

pytestmark = pytest.mark.django_db


def page(demo):
    return f"/windows/{demo.centre.slug}/"


def test_index_sends_admin_to_centre(demo):
    response = demo.client("centreadmin").get("/windows/")

    assert response.status_code == 302
    assert response["Location"] == page(demo)


def test_page_lists_windows(demo):
    response = demo.client("centreadmin").get(page(demo))

    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-window="1"' in text
    assert "综合窗口 6" in text


def test_admin_adds_window(demo):
    response = demo.client("centreadmin").post(
        page(demo), {"action": "add", "code": "7", "name": "综合窗口 7"}
    )

    assert response.status_code == 302, response.content
    window = Window.objects.get(centre=demo.centre, code="7")
    assert window.name == "综合窗口 7"
    assert window.is_active


def test_error_keeps_typed_values(demo):
    response = demo.client("centreadmin").post(
        page(demo), {"action": "add", "code": "3", "name": "重复的窗口"}
    )

    assert response.status_code == 409
    text = response.content.decode()
    assert 'data-code="window.code_taken"' in text
    assert 'value="重复的窗口"' in text


def test_page_rejects_duplicate_name(demo):
    response = demo.client("centreadmin").post(
        page(demo), {"action": "add", "code": "7", "name": "综合窗口 3"}
    )

    assert response.status_code == 409
    text = response.content.decode()
    assert 'data-code="window.name_taken"' in text
    assert "综合窗口 3, the window 3," in text
    assert 'value="7"' in text
    assert not Window.objects.filter(centre=demo.centre, code="7").exists()


def test_page_rejects_rename_to_taken_name(demo):
    response = demo.client("centreadmin").post(
        page(demo),
        {
            "action": "change",
            "code": "2",
            "name": "综合窗口 3",
            "kind": "comprehensive",
        },
    )

    assert response.status_code == 409
    assert 'data-code="window.name_taken"' in response.content.decode()
    assert Window.objects.get(centre=demo.centre, code="2").name == "综合窗口 2"


def test_admin_renames_window(demo):
    response = demo.client("centreadmin").post(
        page(demo),
        {
            "action": "change",
            "code": "2",
            "name": "综合窗口 二",
            "kind": "comprehensive",
        },
    )

    assert response.status_code == 302, response.content
    assert Window.objects.get(centre=demo.centre, code="2").name == "综合窗口 二"


def test_admin_deactivates_and_reactivates(demo):
    client = demo.client("centreadmin")

    client.post(page(demo), {"action": "deactivate", "code": "2"})
    deactivated = Window.objects.get(centre=demo.centre, code="2").is_active
    client.post(page(demo), {"action": "reactivate", "code": "2"})

    assert deactivated is False
    assert Window.objects.get(centre=demo.centre, code="2").is_active


def test_page_says_pad_blocks_deactivation(demo):
    _device, pad = paired_device(demo, window="5")

    response = demo.client("centreadmin").post(
        page(demo), {"action": "deactivate", "code": "5"}
    )

    assert response.status_code == 409
    text = response.content.decode()
    assert 'data-code="window.has_rating_pad"' in text
    assert f"bound to the rating pad {pad.pk}" in text


def test_clerk_is_denied(demo):
    response = demo.client("clerk").post(
        page(demo), {"action": "deactivate", "code": "2"}
    )

    assert response.status_code == 403
    assert Window.objects.get(centre=demo.centre, code="2").is_active


def test_admin_of_other_centre_is_denied(demo, other_centre):
    from onestop.ratings.tests.test_pads import centre_admin_of

    centre_admin_of(other_centre)

    response = demo.client("nanhai-admin").get(page(demo))

    assert response.status_code == 403


def test_page_labels_window_code_and_name_in_chinese(demo):
    client = demo.client("centreadmin")
    client.cookies["django_language"] = "zh-hans"

    text = client.get(page(demo), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "<th>窗口编号</th><th>窗口名称</th>" in text
    assert "事项编码" not in text
    assert "姓名" not in text


def test_full_width_code_reads_as_ascii(demo):
    client = demo.client("centreadmin")

    added = client.post(
        page(demo), {"action": "add", "code": "７", "name": "综合窗口 7"}
    )
    renamed = client.post(
        page(demo),
        {
            "action": "change",
            "code": "７",
            "name": "综合窗口 七",
            "kind": "comprehensive",
        },
    )

    assert added.status_code == 302, added.content
    assert renamed.status_code == 302, renamed.content
    assert Window.objects.get(centre=demo.centre, code="7").name == "综合窗口 七"


def test_missing_department_points_to_list(demo):
    client = demo.client("centreadmin")
    client.cookies["django_language"] = "zh-hans"

    response = client.post(
        page(demo),
        {"action": "add", "code": "8", "name": "市场监管窗口", "kind": "department"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 400
    alert = re.search(
        r'role="alert" data-code="window.department_required">([^<]*)</div>',
        response.content.decode(),
    )
    assert alert is not None
    assert alert.group(1) == (
        "部门窗口属于一个部门，因此需要指定部门。请在表单的“部门”列表中选择。"
    )
    assert not Window.objects.filter(centre=demo.centre, code="8").exists()


def test_added_window_named_once(demo):
    client = demo.client("centreadmin")

    response = client.post(
        page(demo), {"action": "add", "code": "7", "name": "综合窗口 7"}, follow=True
    )

    text = response.content.decode()
    assert "The window 综合窗口 7 is added." in text
    assert "综合窗口 7 (7)" not in text
