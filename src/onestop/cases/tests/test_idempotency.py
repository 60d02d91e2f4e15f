"""Idempotency keys at the window and online: one case per key, and no silent mismatch."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from onestop.cases.actions import filing
from onestop.cases.models import Case, CaseCounter, Submission
from onestop.cases.tests.test_receipts import (
    FOOD,
    apply_online,
    food_matter,
    receipts_of,
    window_data,
)
from onestop.catalog.models import Matter
from onestop.core import outbox
from onestop.core.models import Membership, Role
from onestop.portal.demo import PASSWORD
from onestop.testing import current_version, material_files, valid_form

pytestmark = pytest.mark.django_db


def post_window(client, data, key):
    return client.post("/api/v1/cases/window", data, headers={"Idempotency-Key": key})


def test_window_retry_returns_first_case(demo):
    clerk = demo.client("clerk")
    first = post_window(clerk, window_data(demo), "desk-3-0001")
    again = post_window(clerk, window_data(demo), "desk-3-0001")

    assert first.status_code == 201, first.content
    assert again.status_code == 200, again.content
    assert again.json()["number"] == first.json()["number"]
    assert Case.objects.filter(centre=demo.centre).count() == 1


def test_window_key_reused_is_rejected(demo):
    clerk = demo.client("clerk")
    first = post_window(clerk, window_data(demo), "desk-3-0002")
    changed = {**window_data(demo), "window": "6"}
    response = post_window(clerk, changed, "desk-3-0002")

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "case.idempotency_key_reused"
    number = first.json()["number"]
    assert body["details"]["differs"] == []
    assert body["message"] == (
        f"The Idempotency-Key desk-3-0002 was already used for case {number} with a "
        "different application: the service centre, the matter and the enterprise are "
        "the same, so the form, the materials or the window differ. Send a new key "
        "with a new application, or repeat the first request unchanged to get case "
        f"{number} again."
    )
    assert Case.objects.filter(centre=demo.centre).count() == 1


def test_online_key_reused_is_rejected(demo):
    applicant = demo.client("applicant")
    matter = food_matter(demo)
    data = {"centre": demo.centre.slug, "matter": FOOD, **valid_form(matter)}
    first = applicant.post(
        "/api/v1/cases",
        {**data, **material_files(matter)},
        headers={"Idempotency-Key": "k-online"},
    )
    assert first.status_code == 201, first.content
    field = next(iter(valid_form(matter)))
    response = applicant.post(
        "/api/v1/cases",
        {**data, field: data[field] + "X", **material_files(matter)},
        headers={"Idempotency-Key": "k-online"},
    )

    assert response.status_code == 422
    assert response.json()["code"] == "case.idempotency_key_reused"
    assert Case.objects.filter(centre=demo.centre).count() == 1


def test_key_reused_for_other_matter_names_it(demo):
    applicant = demo.client("applicant")
    first = apply_online_with_key(demo, "k-matter")
    other = Matter.objects.get(centre=demo.centre, pack_id="vat-invoice-on-behalf")
    data = {"centre": demo.centre.slug, "matter": other.pack_id, **valid_form(other)}

    response = applicant.post(
        "/api/v1/cases",
        {**data, **material_files(other)},
        headers={"Idempotency-Key": "k-matter", "Accept-Language": "zh-hans"},
    )

    assert first.status_code == 201, first.content
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["details"]["differs"] == ["matter"]
    assert "但当时的申请与本次不同：事项不一致。" in body["message"]
    assert Case.objects.filter(centre=demo.centre).count() == 1


def apply_online_with_key(demo, key):
    matter = food_matter(demo)
    data = {"centre": demo.centre.slug, "matter": FOOD, **valid_form(matter)}
    return demo.client("applicant").post(
        "/api/v1/cases",
        {**data, **material_files(matter)},
        headers={"Idempotency-Key": key},
    )


def apply_online_in(demo, centre, key):
    matter = food_matter(demo)
    data = {"centre": centre.slug, "matter": FOOD, **valid_form(matter)}
    return demo.client("applicant").post(
        "/api/v1/cases",
        {**data, **material_files(matter)},
        headers={"Idempotency-Key": key, "Accept-Language": "en"},
    )


def test_key_resent_to_other_centre_rejected(demo, other_centre):
    first = apply_online_in(demo, demo.centre, "3f6c1e2a-0001")
    again = apply_online_in(demo, other_centre, "3f6c1e2a-0001")

    assert first.status_code == 201, first.content
    assert again.status_code == 422, again.content
    body = again.json()
    assert body["code"] == "case.idempotency_key_reused"
    number = first.json()["number"]
    assert body["details"] == {
        "key": "3f6c1e2a-0001",
        "number": number,
        "differs": ["centre"],
    }
    assert body["message"] == (
        f"The Idempotency-Key 3f6c1e2a-0001 was already used for case {number} with "
        "a different application, which differs from this one in the service centre. "
        "Send a new key with a new application, or repeat the first request unchanged "
        f"to get case {number} again."
    )
    assert Case.objects.count() == 1
    assert not Case.objects.filter(centre=other_centre).exists()


def test_retry_after_other_centre_returns_case(demo, other_centre):
    first = apply_online_in(demo, demo.centre, "3f6c1e2a-0002")
    apply_online_in(demo, other_centre, "3f6c1e2a-0002")
    again = apply_online_in(demo, demo.centre, "3f6c1e2a-0002")

    assert again.status_code == 200, again.content
    assert again.json()["number"] == first.json()["number"]


def test_new_key_files_in_other_centre(demo, other_centre):
    apply_online_in(demo, demo.centre, "3f6c1e2a-0003")
    response = apply_online_in(demo, other_centre, "3f6c1e2a-0004")

    assert response.status_code == 201, response.content
    assert response.json()["number"].startswith("440605")
    assert Case.objects.filter(centre=other_centre).count() == 1


def test_clerk_key_ignores_online_case(demo):
    """A clerk's key that equals the applicant's own online key files a new case."""
    online = apply_online_with_key(demo, "shared-key-1")
    assert online.status_code == 201, online.content

    clerk = demo.client("clerk")
    window = post_window(clerk, window_data(demo), "shared-key-1")
    again = post_window(clerk, window_data(demo), "shared-key-1")

    assert window.status_code == 201, window.content
    assert window.json()["number"] != online.json()["number"]
    assert window.json()["state"] == "accepted"
    assert again.status_code == 200
    assert again.json()["number"] == window.json()["number"]
    assert Case.objects.filter(centre=demo.centre).count() == 2


def test_online_key_ignores_window_case(demo):
    window = post_window(demo.client("clerk"), window_data(demo), "shared-key-2")
    assert window.status_code == 201, window.content

    online = apply_online_with_key(demo, "shared-key-2")
    retried = apply_online_with_key(demo, "shared-key-2")

    assert online.status_code == 201, online.content
    assert online.json()["state"] == "submitted"
    assert retried.status_code == 200
    assert retried.json()["number"] == online.json()["number"]
    assert Case.objects.filter(centre=demo.centre).count() == 2


def test_other_clerk_key_files_new_case(demo):
    other = get_user_model().objects.create_user("clerk-2", password=PASSWORD)
    Membership.objects.create(user=other, centre=demo.centre, role=Role.CLERK)
    first = post_window(demo.client("clerk"), window_data(demo), "desk-key")
    second = post_window(demo.client("clerk-2"), window_data(demo), "desk-key")

    assert first.status_code == 201, first.content
    assert second.status_code == 201, second.content
    assert second.json()["number"] != first.json()["number"]
    assert Case.objects.filter(centre=demo.centre).count() == 2


def test_rejected_application_frees_number(demo):
    """On SQLite the number is taken in the case's transaction, so a rejection frees it."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL takes numbers in their own transaction, gaps allowed")
    clerk = demo.client("clerk")
    bad = {**window_data(demo), "id_number": "440604198503150024"}
    bad.pop(next(key for key in bad if key.startswith("field.")))
    assert post_window(clerk, bad, "bad-1").status_code == 400
    body = post_window(clerk, window_data(demo), "good-1").json()
    assert body["number"].endswith("00001")


@pytest.mark.postgres
def test_counter_commit_keeps_session_setting(demo):
    """The counter's commit skips the flush for itself only, not for the session."""
    post_window(demo.client("clerk"), window_data(demo), "sync-1")
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"


def advisory_locks(client, data, headers):
    """Send a window request and return its status and the advisory locks it took."""
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/api/v1/cases/window", data, headers=headers)
    locks = [q["sql"] for q in captured.captured_queries if "pg_advisory" in q["sql"]]
    return response.status_code, locks


@pytest.mark.postgres
def test_request_without_key_takes_no_lock(demo):
    clerk = demo.client("clerk")
    status, locks = advisory_locks(clerk, window_data(demo), {})

    assert status == 201
    assert locks == []


@pytest.mark.postgres
def test_request_with_key_takes_lock(demo):
    clerk = demo.client("clerk")
    headers = {"Idempotency-Key": "desk-3-lock"}
    status, locks = advisory_locks(clerk, window_data(demo), headers)

    assert status == 201
    # The test runs in a transaction, so the lock is one pg_advisory_xact_lock.
    assert len(locks) == 1
    assert "pg_advisory_xact_lock" in locks[0]


def test_failed_insert_without_key_frees_number(demo, monkeypatch):
    """Without a key, SQLite still takes the number in the case's transaction."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL takes numbers in their own transaction, gaps allowed")

    def fail(*args, **kwargs):
        raise RuntimeError("insert failed")

    monkeypatch.setattr(filing, "_store_new_materials", fail)
    response = demo.client("clerk").post("/api/v1/cases/window", window_data(demo))

    assert response.status_code == 500
    assert not CaseCounter.objects.filter(centre=demo.centre).exists()
    assert not Case.objects.filter(centre=demo.centre).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_same_key_uses_one_number(demo):
    data = window_data(demo)

    def accept(client):
        response = post_window(client, data, "double-click")
        return response.status_code, response.json()["number"]

    results = run_in_parallel("clerk", accept)

    assert sorted(status for status, _number in results) == [200, 200, 200, 201]
    assert len({number for _status, number in results}) == 1
    assert Case.objects.filter(centre=demo.centre).count() == 1
    assert CaseCounter.objects.get(centre=demo.centre).last == 1


def run_in_parallel(username, request, count=4):
    """Send `request(client)` from `count` signed-in threads at once; return the results.

    Each thread has its own database connection, so the requests race as they would
    from separate web workers.
    """
    results = []
    barrier = threading.Barrier(count)

    def send() -> None:
        client = Client()
        assert client.login(username=username, password=PASSWORD)
        barrier.wait(timeout=10)
        results.append(request(client))
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_ticked_upload_listed_once(demo):
    number = apply_online(demo)
    matter = food_matter(demo)
    uploaded = next(
        m["key"]
        for m in current_version(matter).guide.materials
        if m.get("necessity", "required") == "required"
    )
    response = demo.client("clerk").post(
        f"/api/v1/cases/{number}/accept",
        {"checklist": {uploaded: {"original_seen": True}}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content

    rows = Submission.objects.filter(
        case__number=number, material_key=uploaded, superseded=False
    )
    assert [(row.kind, row.original_seen) for row in rows] == [("upload", True)]
    outbox.drain()
    listed = [m["material"] for m in receipts_of(number).get().data["materials"]]
    assert listed.count(uploaded) == 1


# --- the window's JSON request -------------------------------------------------------------


def window_json(demo) -> dict:
    matter = food_matter(demo)
    return {
        "centre": demo.centre.slug,
        "matter": FOOD,
        "id_number": "440604198503150024",
        "window": "2",
        "form": {
            key.removeprefix("field."): value
            for key, value in valid_form(matter).items()
        },
        "checklist": {
            m["key"]: {"original_seen": True}
            for m in current_version(matter).guide.materials
        },
    }


def test_window_accepts_a_json_request(demo):
    response = demo.client("clerk").post(
        "/api/v1/cases/window", window_json(demo), content_type="application/json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "accepted"
    assert body["promised_due"]
    case = Case.objects.get(number=body["number"])
    assert case.window == "综合窗口 2"
    assert case.window_record is not None
    assert case.window_record.code == "2"
    papers = case.submissions.filter(kind="paper", original_seen=True).count()
    assert papers == len(current_version(food_matter(demo)).guide.materials)


def test_json_member_of_wrong_type(demo):
    data = {**window_json(demo), "checklist": ["application_form"]}
    response = demo.client("clerk").post(
        "/api/v1/cases/window", data, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["code"] == "request.invalid"
    assert response.json()["details"]["errors"] == [
        {
            "location": ["body", "payload", "checklist"],
            "type": "dict_type",
            "input_type": "array",
        }
    ]
    assert (
        "checklist must be a JSON object, not a JSON array."
        in (response.json()["message"])
    )
    assert not Case.objects.filter(centre=demo.centre).exists()


def post_json(client, data):
    return client.post("/api/v1/cases/window", data, content_type="application/json")


@pytest.mark.parametrize(
    ("checklist", "location", "kind", "found"),
    [
        (
            {"application_form": {"original_seen": "false"}},
            ["application_form", "original_seen"],
            "bool_type",
            "string",
        ),
        (
            {"application_form": {"copy_taken": 0}},
            ["application_form", "copy_taken"],
            "bool_type",
            "number",
        ),
        (
            {"application_form": True},
            ["application_form"],
            "model_attributes_type",
            "boolean",
        ),
    ],
)
def test_json_checklist_flags_must_be_booleans(demo, checklist, location, kind, found):
    data = {**window_json(demo), "checklist": checklist}
    response = post_json(demo.client("clerk"), data)

    assert response.status_code == 422
    assert response.json()["code"] == "request.invalid"
    assert response.json()["details"]["errors"] == [
        {
            "location": ["body", "payload", "checklist", *location],
            "type": kind,
            "input_type": found,
        }
    ]
    assert not Case.objects.filter(centre=demo.centre).exists()


def test_json_checklist_unknown_flag(demo):
    data = {**window_json(demo), "checklist": {"application_form": {"seen": True}}}
    response = post_json(demo.client("clerk"), data)

    assert response.status_code == 422
    assert response.json()["code"] == "request.invalid"
    assert response.json()["details"]["errors"] == [
        {
            "location": ["body", "payload", "checklist", "application_form", "seen"],
            "type": "extra_forbidden",
            "input_type": "boolean",
        }
    ]
    assert (
        "checklist.application_form.seen is not a member of this request."
        in (response.json()["message"])
    )


def test_json_window_unknown_member(demo):
    data = {**window_json(demo), "centr": demo.centre.slug}
    response = post_json(demo.client("clerk"), data)

    assert response.status_code == 422
    assert response.json()["details"]["errors"][0]["location"] == [
        "body",
        "payload",
        "centr",
    ]
    assert not Case.objects.filter(centre=demo.centre).exists()


def test_json_form_value_of_wrong_type(demo):
    data = window_json(demo)
    first = next(iter(data["form"]))
    data["form"][first] = ["李秀英"]
    response = post_json(demo.client("clerk"), data)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "form.invalid"
    assert body["details"]["fields"][first] == {
        "code": "field.not_text",
        "type": "array",
    }
    assert "must be text, not a JSON array" in body["message"]
    assert not Case.objects.filter(centre=demo.centre).exists()


def test_json_window_body_not_json(demo):
    response = demo.client("clerk").generic(
        "POST",
        "/api/v1/cases/window",
        b'{"centre": "440604",',
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "request.body_invalid"


@pytest.mark.parametrize("body", [b"[1, 2]", b"null", b'"text"'])
def test_json_window_body_not_an_object(demo, body):
    window = demo.client("clerk").generic(
        "POST", "/api/v1/cases/window", body, content_type="application/json"
    )
    token = demo.client("clerk").generic(
        "POST", "/api/v1/auth/token", body, content_type="application/json"
    )

    assert window.status_code == 422
    assert window.json()["code"] == "request.invalid"
    assert token.status_code == window.status_code
    assert token.json()["code"] == window.json()["code"]
    assert window.json()["details"]["errors"][0]["type"] == "dict_type"


def test_window_request_without_centre(demo):
    data = {**window_json(demo), "centre": ""}
    response = post_json(demo.client("clerk"), data)

    assert response.status_code == 400
    assert response.json()["code"] == "request.member_missing"
    assert response.json()["message"] == (
        "The request has no centre. Send it with the request."
    )


def test_uploaded_and_ticked_material_stored_once(demo):
    matter = food_matter(demo)
    files = material_files(matter)
    name = next(iter(files))
    key = name.removeprefix("material.")
    data = {**window_data(demo), name: files[name]}
    response = demo.client("clerk").post("/api/v1/cases/window", data)
    assert response.status_code == 201, response.content

    rows = Submission.objects.filter(
        case__number=response.json()["number"], material_key=key
    )
    assert [(row.kind, row.original_seen) for row in rows] == [("upload", True)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_online_same_key_one_created(demo):
    matter = food_matter(demo)

    def submit(client):
        data = {"centre": demo.centre.slug, "matter": FOOD, **valid_form(matter)}
        data.update(material_files(matter))
        response = client.post(
            "/api/v1/cases", data, headers={"Idempotency-Key": "parallel-online"}
        )
        return response.status_code

    results = run_in_parallel("applicant", submit)

    assert sorted(results) == [200, 200, 200, 201]
    assert Case.objects.filter(centre=demo.centre).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_key_in_two_centres_one_case(demo, other_centre):
    matter = food_matter(demo)
    centres = iter([demo.centre, other_centre] * 2)
    picking = threading.Lock()

    def submit(client):
        with picking:
            centre = next(centres)
        data = {"centre": centre.slug, "matter": FOOD, **valid_form(matter)}
        data.update(material_files(matter))
        response = client.post(
            "/api/v1/cases", data, headers={"Idempotency-Key": "parallel-centres"}
        )
        return response.status_code

    results = run_in_parallel("applicant", submit)

    # The first request files the case; the other one to its centre gets it back, and
    # the two to the other centre are rejected.
    assert sorted(results) == [200, 201, 422, 422]
    assert Case.objects.count() == 1
