"""A form that comes back with an error keeps the files that passed their checks.

The application form, its kiosk copy and the correction form hold each such file
server-side, list it with a remove box, and use it with the next POST.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.utils import timezone

from onestop.cases.held_uploads import delete_expired_held_uploads
from onestop.cases.models import Case, HeldUpload, Submission, SubmissionKind
from onestop.cases.tests.test_resubmission_messages import case_awaiting_correction
from onestop.catalog.models import Matter
from onestop.testing import PDF_BYTES, PNG_BYTES, material_files, upload, valid_form

pytestmark = pytest.mark.django_db

FOOD = "food-business-licence"
# A second PDF, so that a replacement has another SHA-256 than the held file.
OTHER_PDF = PDF_BYTES.replace(b"1 0 obj", b"2 0 obj")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run the callbacks that a block schedules for after commit, such as deleting the
    files of used and removed held uploads, which the test's transaction never reaches."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def food(demo):
    return Matter.objects.get(centre=demo.centre, pack_id=FOOD)


def apply_url(demo, prefix="/portal"):
    return f"{prefix}/{demo.centre.slug}/matters/{FOOD}/apply/"


def required_keys(matter):
    return [
        m["key"]
        for m in matter.current_version.guide.materials
        if m.get("necessity", "required") == "required"
    ]


def failing_form(demo, key="held-key"):
    """Return a valid form with every required file but without the organisation name."""
    matter = food(demo)
    data = {"idempotency_key": key, **valid_form(matter), **material_files(matter)}
    data["field.organisation_name"] = ""
    return data


def fixed_form(demo, tokens, key="held-key", **extra):
    """Return the corrected form that sends the held tokens instead of files."""
    data = {"idempotency_key": key, **valid_form(food(demo)), "held": tokens}
    data.update(extra)
    return data


def tokens_on(page) -> list[str]:
    return re.findall(r'name="held" value="([^"]+)"', page.content.decode())


def stored(media, row) -> bool:
    return bool(row.file) and (media / row.file.name).exists()


def test_failed_post_holds_checked_files(demo, media):
    client = demo.client("applicant")
    keys = required_keys(food(demo))

    response = client.post(apply_url(demo), failing_form(demo))

    assert response.status_code == 400
    rows = list(HeldUpload.objects.order_by("pk"))
    assert sorted(row.material_key for row in rows) == sorted(keys)
    row = rows[0]
    assert row.owner == demo.user("applicant")
    assert row.centre == demo.centre
    assert row.matter == food(demo)
    assert row.case is None
    assert row.content_type == "application/pdf"
    assert row.size == len(PDF_BYTES)
    assert row.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert row.original_name == f"{row.material_key}.pdf"
    assert row.file.name.startswith("submissions/")
    assert (media / row.file.name).read_bytes() == PDF_BYTES
    text = response.content.decode()
    assert sorted(tokens_on(response)) == sorted(r.token for r in rows)
    assert f'name="held_remove" value="{row.token}"' in text
    assert f"{row.material_key}.pdf" in text
    assert kept_notice(response) == KEPT_WITH_NO_FILE_NAMED


def test_error_then_success_uses_held_files(demo, media, commits):
    client = demo.client("applicant")
    tokens = tokens_on(client.post(apply_url(demo), failing_form(demo)))
    held = list(HeldUpload.objects.all())
    paths = [media / row.file.name for row in held]

    with commits():
        response = client.post(apply_url(demo), fixed_form(demo, tokens))

    assert response.status_code == 302, response.content.decode()
    case = Case.objects.get()
    uploads = case.submissions.filter(kind=SubmissionKind.UPLOAD)
    assert sorted(s.material_key for s in uploads) == sorted(required_keys(food(demo)))
    for submission in uploads:
        assert submission.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
        assert submission.file.name.startswith("submissions/")
        assert case.number in submission.file.name
        assert (media / submission.file.name).read_bytes() == PDF_BYTES
    for row in HeldUpload.objects.all():
        assert row.used_for == case
        assert row.used_at is not None
        assert not row.file
    for path in paths:
        assert not path.exists()


def test_same_form_sent_twice_gives_one_case(demo):
    client = demo.client("applicant")
    tokens = tokens_on(client.post(apply_url(demo), failing_form(demo)))

    first = client.post(apply_url(demo), fixed_form(demo, tokens))
    second = client.post(apply_url(demo), fixed_form(demo, tokens))

    assert first.status_code == 302
    assert second.status_code == 302, second.content.decode()
    assert second["Location"] == first["Location"]
    assert Case.objects.count() == 1


def test_used_token_rejected_in_new_application(demo):
    client = demo.client("applicant")
    tokens = tokens_on(client.post(apply_url(demo), failing_form(demo)))
    client.post(apply_url(demo), fixed_form(demo, tokens))
    number = Case.objects.get().number

    response = client.post(
        apply_url(demo), fixed_form(demo, tokens, key="other-key", repeat="on")
    )

    assert response.status_code == 409
    text = response.content.decode()
    assert 'data-code="upload.held_used"' in text
    assert f"was already submitted with case {number}" in text
    assert Case.objects.count() == 1


def test_forged_token_rejected(demo):
    client = demo.client("applicant")

    response = client.post(
        apply_url(demo),
        fixed_form(demo, ["forged-token"]),
        headers={"Accept-Language": "zh-hans"},
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert 'data-code="upload.held_not_found"' in text
    assert "forged-token" in text
    assert "保留的文件" in text
    assert Case.objects.count() == 0


def test_token_with_nul_rejected(demo):
    response = demo.client("applicant").post(
        apply_url(demo), fixed_form(demo, ["bad\x00token"])
    )

    assert response.status_code == 400
    assert Case.objects.count() == 0


def test_forged_token_message_in_english(demo):
    response = demo.client("applicant").post(
        apply_url(demo), fixed_form(demo, ["forged-token"])
    )

    assert response.status_code == 400
    assert "The kept file forged-token was not found." in response.content.decode()


def test_foreign_token_rejected(demo):
    tokens = tokens_on(
        demo.client("applicant").post(apply_url(demo), failing_form(demo))
    )

    response = demo.client("agent").post(apply_url(demo), fixed_form(demo, tokens))

    assert response.status_code == 400
    assert 'data-code="upload.held_not_found"' in response.content.decode()
    assert Case.objects.count() == 0
    assert HeldUpload.objects.filter(used_at__isnull=True).count() == len(tokens)


def test_token_of_other_matter_rejected(demo):
    client = demo.client("applicant")
    tokens = tokens_on(client.post(apply_url(demo), failing_form(demo)))
    other = Matter.objects.filter(centre=demo.centre).exclude(pack_id=FOOD).first()
    url = f"/portal/{demo.centre.slug}/matters/{other.pack_id}/apply/"

    response = client.post(url, {"held": tokens, **valid_form(other)})

    assert response.status_code == 400
    assert 'data-code="upload.held_not_found"' in response.content.decode()


def test_expired_token_rejected(demo):
    client = demo.client("applicant")
    tokens = tokens_on(client.post(apply_url(demo), failing_form(demo)))
    HeldUpload.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    response = client.post(apply_url(demo), fixed_form(demo, tokens))

    assert response.status_code == 410
    assert 'data-code="upload.held_expired"' in response.content.decode()
    assert Case.objects.count() == 0


def test_held_files_expire_after_setting(demo, settings):
    settings.ONESTOP_HELD_UPLOAD_SECONDS = 3600
    before = timezone.now()

    demo.client("applicant").post(apply_url(demo), failing_form(demo))

    row = HeldUpload.objects.first()
    assert before + dt.timedelta(seconds=3600) <= row.expires_at
    assert row.expires_at <= timezone.now() + dt.timedelta(seconds=3600)


def test_remove_drops_held_file(demo, media, commits):
    client = demo.client("applicant")
    tokens = tokens_on(client.post(apply_url(demo), failing_form(demo)))
    removed = HeldUpload.objects.get(token=tokens[0])
    path = media / removed.file.name
    data = fixed_form(demo, tokens, held_remove=[tokens[0]])
    data["field.organisation_name"] = ""

    with commits():
        response = client.post(apply_url(demo), data)

    assert response.status_code == 400
    assert tokens[0] not in tokens_on(response)
    assert sorted(tokens_on(response)) == sorted(tokens[1:])
    removed.refresh_from_db()
    assert removed.removed_at is not None
    assert not path.exists()


def test_removed_required_file_is_missing(demo):
    client = demo.client("applicant")
    tokens = tokens_on(client.post(apply_url(demo), failing_form(demo)))
    removed = HeldUpload.objects.get(token=tokens[0])

    response = client.post(
        apply_url(demo), fixed_form(demo, tokens, held_remove=[tokens[0]])
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert f'id="material-error-{removed.material_key}"' in text
    assert Case.objects.count() == 0


def test_new_file_replaces_single_held_file(demo, media, commits):
    matter = food(demo)
    version = matter.current_version
    key = required_keys(matter)[0]
    for material in version.definition["materials"]:
        if material["key"] == key:
            material["max_files"] = 1
    version.save(update_fields=["definition"])
    client = demo.client("applicant")
    first = client.post(apply_url(demo), failing_form(demo))
    # The file input of a material with one file takes one file only.
    file_input = re.search(
        rf'<input id="material-{key}" type="file"[^>]*>', first.content.decode()
    )
    assert file_input is not None
    assert " multiple" not in file_input.group(0)
    tokens = tokens_on(first)
    replaced = HeldUpload.objects.get(material_key=key)
    path = media / replaced.file.name
    data = fixed_form(demo, tokens)
    data[f"material.{key}"] = upload(f"{key}-new.pdf", OTHER_PDF)

    with commits():
        response = client.post(apply_url(demo), data)

    assert response.status_code == 302, response.content.decode()
    submission = Submission.objects.get(material_key=key)
    assert submission.sha256 == hashlib.sha256(OTHER_PDF).hexdigest()
    assert submission.original_name == f"{key}-new.pdf"
    replaced.refresh_from_db()
    assert replaced.removed_at is not None
    assert replaced.used_at is None
    assert not path.exists()


def test_new_file_adds_to_held_files(demo):
    client = demo.client("applicant")
    tokens = tokens_on(client.post(apply_url(demo), failing_form(demo)))
    key = required_keys(food(demo))[0]
    data = fixed_form(demo, tokens)
    data[f"material.{key}"] = upload(f"{key}-page-2.png", PNG_BYTES)

    response = client.post(apply_url(demo), data)

    assert response.status_code == 302, response.content.decode()
    names = sorted(
        Submission.objects.filter(material_key=key).values_list(
            "original_name", flat=True
        )
    )
    assert names == [f"{key}-page-2.png", f"{key}.pdf"]


def test_rejected_file_not_held_but_named(demo, settings):
    settings.ONESTOP_MAX_UPLOAD_BYTES = 1000
    keys = required_keys(food(demo))
    data = failing_form(demo)
    data[f"material.{keys[0]}"] = upload(f"{keys[0]}.pdf", PDF_BYTES + b" " * 2000)

    response = demo.client("applicant").post(apply_url(demo), data)

    assert response.status_code in (400, 413)
    assert not HeldUpload.objects.filter(material_key=keys[0]).exists()
    assert HeldUpload.objects.count() == len(keys) - 1
    assert f"{keys[0]}.pdf" in response.content.decode()
    assert kept_notice(response) == KEPT_WITH_FILES_NAMED


def test_one_rejected_file_message_says_others_kept(demo, settings):
    settings.ONESTOP_MAX_UPLOAD_BYTES = 1000
    keys = required_keys(food(demo))
    matter = food(demo)
    data = {"idempotency_key": "key", **valid_form(matter), **material_files(matter)}
    data[f"material.{keys[0]}"] = upload(f"{keys[0]}.pdf", PDF_BYTES + b" " * 2000)

    response = demo.client("applicant").post(apply_url(demo), data)

    assert response.status_code == 413
    text = response.content.decode()
    assert "the form keeps its files that passed their checks" in text
    assert "send all its files again" not in text
    assert HeldUpload.objects.count() == len(keys) - 1


def second_application(demo):
    """Apply, then send a second application with every file, which is rejected as
    the applicant already has an open case of the matter."""
    client = demo.client("applicant")
    tokens = tokens_on(client.post(apply_url(demo), failing_form(demo)))
    client.post(apply_url(demo), fixed_form(demo, tokens))
    data = failing_form(demo, key="second-key")
    data.update(valid_form(food(demo)))
    return client.post(apply_url(demo), data)


def test_recent_application_error_holds_files(demo):
    response = second_application(demo)

    assert response.status_code == 409
    assert len(tokens_on(response)) == len(required_keys(food(demo)))


KEPT_WITH_FILES_NAMED = (
    "Your entries and the files that passed their checks are kept; choose again "
    "only the files named above."
)
KEPT_WITH_NO_FILE_NAMED = "Your entries and the files you chose are kept."


def kept_notice(response):
    match = re.search(
        r'<p class="muted" id="kept-notice">([^<]*)</p>', response.content.decode()
    )
    assert match is not None
    return match.group(1)


def test_recent_application_names_no_file(demo):
    response = second_application(demo)

    assert response.status_code == 409
    assert kept_notice(response) == KEPT_WITH_NO_FILE_NAMED


def test_language_switch_keeps_held_files(demo):
    client = demo.client("applicant")
    response = client.post(apply_url(demo), failing_form(demo))
    tokens = tokens_on(response)
    match = re.search(
        r'name="next" type="hidden" value="([^"]+)"', response.content.decode()
    )
    next_url = match.group(1).replace("&amp;", "&")
    assert next_url.startswith(apply_url(demo) + "?held=")

    switched = client.post("/i18n/setlang/", {"language": "zh-hans", "next": next_url})
    page = client.get(switched["Location"])

    assert page.status_code == 200
    assert sorted(tokens_on(page)) == sorted(tokens)
    assert "提交申请" in page.content.decode()


def test_page_with_foreign_held_token_is_rejected(demo):
    tokens = tokens_on(
        demo.client("applicant").post(apply_url(demo), failing_form(demo))
    )

    page = demo.client("agent").get(apply_url(demo), {"held": ".".join(tokens)})

    assert page.status_code == 400
    assert 'data-code="upload.held_not_found"' in page.content.decode()
    assert tokens_on(page) == []


def test_expiry_cleanup_deletes_rows_and_files(demo, media):
    client = demo.client("applicant")
    client.post(apply_url(demo), failing_form(demo))
    client.post(apply_url(demo), failing_form(demo, key="other-key"))
    rows = list(HeldUpload.objects.order_by("pk"))
    expired, fresh = rows[: len(rows) // 2], rows[len(rows) // 2 :]
    HeldUpload.objects.filter(pk__in=[r.pk for r in expired]).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )

    deleted = delete_expired_held_uploads(batch_size=1)

    assert deleted == len(expired)
    assert not HeldUpload.objects.filter(pk__in=[r.pk for r in expired]).exists()
    for row in expired:
        assert not (media / row.file.name).exists()
    for row in fresh:
        assert stored(media, row)


def test_kiosk_sign_out_forgets_held_files(demo, media, commits):
    client = demo.client("applicant")
    response = client.post(apply_url(demo, "/kiosk"), failing_form(demo))
    tokens = tokens_on(response)
    rows = list(HeldUpload.objects.all())
    assert rows
    assert all(row.session_digest for row in rows)
    paths = [media / row.file.name for row in rows]

    with commits():
        client.post("/accounts/logout/", {"next": "/kiosk/"})

    for row in rows:
        row.refresh_from_db()
        assert row.removed_at is not None
    for path in paths:
        assert not path.exists()
    again = demo.client("applicant")
    again.get("/kiosk/")
    retry = again.post(apply_url(demo, "/kiosk"), fixed_form(demo, tokens))
    assert retry.status_code == 400
    assert Case.objects.count() == 0


def test_kiosk_held_files_last_idle_period(demo, settings):
    settings.ONESTOP_KIOSK_IDLE_SECONDS = 120

    demo.client("applicant").post(apply_url(demo, "/kiosk"), failing_form(demo))

    row = HeldUpload.objects.first()
    assert row.expires_at <= timezone.now() + dt.timedelta(seconds=120)


def test_kiosk_tokens_not_usable_on_portal(demo):
    client = demo.client("applicant")
    tokens = tokens_on(client.post(apply_url(demo, "/kiosk"), failing_form(demo)))
    portal = demo.client("applicant")

    response = portal.post(apply_url(demo), fixed_form(demo, tokens))

    assert response.status_code == 400
    assert Case.objects.count() == 0


def test_correction_form_holds_and_uses_files(demo):
    number = case_awaiting_correction(
        demo,
        [{"material": "premises_layout"}, {"field": "organisation_name"}],
    )
    client = demo.client("applicant")
    url = f"/portal/cases/{number}/"
    first = client.post(
        url,
        {
            "action": "resubmit",
            "material.premises_layout": upload("layout.pdf", OTHER_PDF),
        },
    )
    assert first.status_code == 400, first.content.decode()
    tokens = tokens_on(first)
    assert len(tokens) == 1
    held = HeldUpload.objects.get()
    assert held.case.number == number

    response = client.post(
        url,
        {
            "action": "resubmit",
            "held": tokens,
            "field.organisation_name": "佛山市禅城区新名字餐饮店",
        },
    )

    assert response.status_code == 302, response.content.decode()
    latest = Submission.objects.filter(
        case__number=number, material_key="premises_layout", superseded=False
    ).get()
    assert latest.sha256 == hashlib.sha256(OTHER_PDF).hexdigest()
    held.refresh_from_db()
    assert held.used_for.number == number


def test_correction_token_not_usable_for_new_application(demo):
    number = case_awaiting_correction(
        demo, [{"material": "premises_layout"}, {"field": "organisation_name"}]
    )
    client = demo.client("applicant")
    first = client.post(
        f"/portal/cases/{number}/",
        {"action": "resubmit", "material.premises_layout": upload("layout.pdf")},
    )
    tokens = tokens_on(first)

    response = client.post(
        apply_url(demo), fixed_form(demo, tokens, key="new-key", repeat="on")
    )

    assert response.status_code == 400
    assert 'data-code="upload.held_not_found"' in response.content.decode()


# A form page that its session ended on opens itself again with ?held=<tokens> after the
# sign-in, so the query must list only uploads that the signed-in account may use.
@pytest.mark.parametrize("username", ["agent", "clerk", "centreadmin"])
def test_held_query_lists_nothing_of_other_account(demo, username):
    client = demo.client("applicant")
    tokens = tokens_on(client.post(apply_url(demo), failing_form(demo)))
    names = set(HeldUpload.objects.values_list("original_name", flat=True))

    page = demo.client(username).get(apply_url(demo), {"held": ".".join(tokens)})

    assert page.status_code in (400, 403)
    assert tokens_on(page) == []
    assert not any(name in page.content.decode() for name in names)
    assert sorted(
        tokens_on(client.get(apply_url(demo), {"held": ".".join(tokens)}))
    ) == (sorted(tokens))


def test_held_query_lists_nothing_in_other_centre(demo, other_centre):
    client = demo.client("applicant")
    tokens = tokens_on(client.post(apply_url(demo), failing_form(demo)))
    other_url = f"/portal/{other_centre.slug}/matters/{FOOD}/apply/"

    page = client.get(other_url, {"held": ".".join(tokens)})

    assert page.status_code == 400
    assert 'data-code="upload.held_not_found"' in page.content.decode()
    assert tokens_on(page) == []


def test_kiosk_held_query_lists_nothing_in_new_session(demo):
    tokens = tokens_on(
        demo.client("applicant").post(apply_url(demo, "/kiosk"), failing_form(demo))
    )

    page = demo.client("applicant").get(
        apply_url(demo, "/kiosk"), {"held": ".".join(tokens)}
    )

    assert page.status_code == 400
    assert tokens_on(page) == []
