"""An API application of a matter whose earlier case of the same applicant is still open.

The API files it, as it files any application with a new idempotency key, so a rejected
file of it is reported with its own error, and nothing of the request is saved.
"""

from __future__ import annotations

import pytest

from onestop.cases.models import Case, HeldUpload, Submission
from onestop.catalog.models import Matter
from onestop.portal.tests.test_recent_application import ID_CARD, REJECTED_FILES
from onestop.testing import material_files, upload, valid_form

pytestmark = pytest.mark.django_db


def apply_for_id_card(demo, key, **files):
    matter = Matter.objects.get(centre=demo.centre, pack_id=ID_CARD)
    data = {
        "centre": demo.centre.slug,
        "matter": ID_CARD,
        **valid_form(matter),
        **material_files(matter),
        **files,
    }
    return demo.client("applicant").post(
        "/api/v1/cases",
        data,
        headers={"Idempotency-Key": key, "Accept-Language": "zh-hans"},
    )


@pytest.mark.parametrize(
    ("name", "content", "code", "status", "message"), REJECTED_FILES
)
def test_rejected_file_reported_despite_open_case(
    demo, name, content, code, status, message
):
    first = apply_for_id_card(demo, "first-key")
    assert first.status_code == 201, first.content
    submissions = Submission.objects.count()

    response = apply_for_id_card(
        demo, "second-key", **{"material.household_register": upload(name, content)}
    )

    body = response.json()
    assert response.status_code == status
    assert body["code"] == code
    assert body["message"].startswith(message)
    assert body["details"]["material_key"] == "household_register"
    assert "recent_application" not in body["details"]
    assert Case.objects.count() == 1
    assert Submission.objects.count() == submissions
    assert not HeldUpload.objects.exists()


def test_second_application_filed_over_api(demo):
    apply_for_id_card(demo, "first-key")

    response = apply_for_id_card(demo, "second-key")

    assert response.status_code == 201, response.content
    assert Case.objects.count() == 2
