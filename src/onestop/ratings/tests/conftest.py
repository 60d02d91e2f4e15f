"""Cases with an issued result, ready to be rated, for the rating tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from onestop.cases.actions import (
    Application,
    MaterialCheck,
    approve_case,
    create_window_case,
)
from onestop.cases.models import Case
from onestop.catalog.models import Matter
from onestop.identity.models import Person
from onestop.testing import valid_form

FOOD = "food-business-licence"


@pytest.fixture
def issued_case(demo: Any) -> Callable[..., Case]:
    """Return a factory of window cases of the applicant, approved and with the result issued."""

    def make(*, window: str = "3", username: str = "applicant") -> Case:
        matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
        form = {
            key.removeprefix("field."): value
            for key, value in valid_form(matter).items()
        }
        checklist = {
            material["key"]: MaterialCheck(original_seen=True)
            for material in matter.current_version.guide.materials
        }
        case = create_window_case(
            actor=demo.user("clerk"),
            matter=matter,
            person=Person.objects.get(user__username=username),
            application=Application(form_data=form, checklist=checklist),
            window=window,
        )
        return approve_case(actor=demo.user("reviewer"), case=case, opinion="准予许可")

    return make
