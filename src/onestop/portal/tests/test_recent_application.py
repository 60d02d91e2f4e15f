"""A second application for the same matter while the first is open: the portal and the
kiosk warn, and a Back button followed by Submit files nothing without a tick. The
application's own problems, such as a rejected file, are named with the open case."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from onestop.cases.models import Case, HeldUpload, Submission
from onestop.catalog.models import Matter
from onestop.core.dates import format_local_datetime as local_time
from onestop.portal.tests.test_pages import FOOD, submit
from onestop.testing import PNG_BYTES, material_files, upload, valid_form

pytestmark = pytest.mark.django_db


def apply_url(demo, prefix="/portal"):
    return f"{prefix}/{demo.centre.slug}/matters/{FOOD}/apply/"


def second_form(demo, key="second-key", **extra):
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    data = {"idempotency_key": key, **valid_form(matter), **material_files(matter)}
    data.update(extra)
    return data


def test_form_after_submission_names_open_case(demo):
    client = demo.client("applicant")
    submit(demo, client)
    case = Case.objects.get()

    page = client.get(apply_url(demo), headers={"Accept-Language": "en"})

    text = page.content.decode()
    assert 'id="recent-application"' in text
    assert f'href="/portal/cases/{case.number}/"' in text
    assert 'name="repeat"' in text


def test_second_submission_rejected_without_tick(demo):
    client = demo.client("applicant")
    submit(demo, client)
    first = Case.objects.get()

    response = client.post(
        apply_url(demo), second_form(demo), headers={"Accept-Language": "zh-hans"}
    )

    text = response.content.decode()
    assert response.status_code == 409
    assert 'data-code="case.recent_application"' in text
    assert first.number in text
    assert "提交另一份申请" in text
    assert f"办件编号 {first.number}，该办件仍在办理中" in text
    assert "案件" not in text
    assert Case.objects.count() == 1


def test_ticked_second_application_is_filed(demo):
    client = demo.client("applicant")
    submit(demo, client)
    response = client.post(apply_url(demo), second_form(demo, repeat="on"))
    assert response.status_code == 302, response.content
    assert Case.objects.count() == 2


def test_same_form_sent_again_returns_first_case(demo):
    client = demo.client("applicant")
    submit(demo, client)
    response = submit(demo, client)
    assert response.status_code == 302
    assert response["Location"] == f"/portal/cases/{Case.objects.get().number}/"


def test_kiosk_warns_too(demo):
    client = demo.client("applicant")
    submit(demo, client, path_prefix="/kiosk")
    response = client.post(apply_url(demo, "/kiosk"), second_form(demo))
    assert response.status_code == 409
    assert Case.objects.count() == 1


def test_application_after_a_day_is_not_questioned(demo):
    client = demo.client("applicant")
    submit(demo, client)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        client = demo.client("applicant")
        page = client.get(apply_url(demo)).content.decode()
        response = client.post(apply_url(demo), second_form(demo))
    assert 'id="recent-application"' not in page
    assert response.status_code == 302, response.content
    assert Case.objects.count() == 2


def test_withdrawn_case_is_not_questioned(demo):
    client = demo.client("applicant")
    submit(demo, client)
    Case.objects.update(state="withdrawn")
    response = client.post(apply_url(demo), second_form(demo))
    assert response.status_code == 302, response.content


ID_CARD = "id-card-renewal"

# A file that each upload check rejects, with the error's code and status and the start
# of its zh-Hans message at the material.
REJECTED_FILES = [
    pytest.param(
        "png-renamed.pdf",
        PNG_BYTES,
        "upload.disguised",
        415,
        "用于“居民户口簿”的文件 png-renamed.pdf 的名称与内容不符",
        id="disguised",
    ),
    pytest.param(
        "empty.pdf",
        b"",
        "upload.empty",
        400,
        "用于“居民户口簿”的文件 empty.pdf 为空（0 字节）",
        id="empty",
    ),
]


def id_card_form(demo, key, **files):
    matter = Matter.objects.get(centre=demo.centre, pack_id=ID_CARD)
    data = {"idempotency_key": key, **valid_form(matter), **material_files(matter)}
    data.update(files)
    return data


def apply_for_id_card(client, demo, data):
    return client.post(
        f"/portal/{demo.centre.slug}/matters/{ID_CARD}/apply/",
        data,
        headers={"Accept-Language": "zh-hans"},
    )


@pytest.mark.parametrize(
    ("name", "content", "code", "status", "message"), REJECTED_FILES
)
def test_rejected_file_shown_with_open_case(demo, name, content, code, status, message):
    client = demo.client("applicant")
    first = apply_for_id_card(client, demo, id_card_form(demo, "first-key"))
    assert first.status_code == 302, first.content
    open_case = Case.objects.get()
    submissions = Submission.objects.count()
    bad_file = {"material.household_register": upload(name, content)}

    response = apply_for_id_card(
        client, demo, id_card_form(demo, "second-key", **bad_file)
    )

    text = response.content.decode()
    assert response.status_code == status
    assert f'data-code="{code}"' in text
    assert response.context["upload_errors"]["household_register"][0].startswith(
        message
    )
    assert f"另外，您已于 {local_time(open_case.created_at)} 申请本事项" in text
    assert f"办件编号 {open_case.number}，该办件仍在办理中" in text
    assert 'id="recent-application"' in text
    assert '<a href="#material-household_register">居民户口簿</a>' in text
    assert '<a href="#repeat-choice">提交另一份申请</a>' in text
    assert "已填写的内容和通过检查的文件已保留，只需重新选择上面指出的文件。" in text
    assert "已填写的内容和已选择的文件已保留。" not in text
    assert Case.objects.count() == 1
    assert Submission.objects.count() == submissions
    held_keys = set(HeldUpload.objects.values_list("material_key", flat=True))
    assert held_keys == {"old_id_card", "photo", "fingerprint"}


def test_invalid_field_shown_with_open_case(demo):
    client = demo.client("applicant")
    apply_for_id_card(client, demo, id_card_form(demo, "first-key"))
    data = id_card_form(demo, "second-key")
    data["field.contact_phone"] = ""

    response = apply_for_id_card(client, demo, data)

    text = response.content.decode()
    assert response.status_code == 400
    assert 'data-code="form.invalid"' in text
    assert "contact_phone" in response.context["field_errors"]
    assert f"办件编号 {Case.objects.get().number}，该办件仍在办理中" in text
    assert Case.objects.count() == 1


def test_ticked_second_application_names_only_file(demo):
    client = demo.client("applicant")
    apply_for_id_card(client, demo, id_card_form(demo, "first-key"))
    bad_file = {"material.household_register": upload("png-renamed.pdf", PNG_BYTES)}

    response = apply_for_id_card(
        client, demo, id_card_form(demo, "second-key", repeat="on", **bad_file)
    )

    text = response.content.decode()
    assert response.status_code == 415
    assert 'data-code="upload.disguised"' in text
    assert "该办件仍在办理中" not in text
    assert Case.objects.count() == 1
