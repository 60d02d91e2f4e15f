"""Cases with an issued result, ready to be rated, for the rating tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from onestop.cases.models import Case
from onestop.testing import issued_window_case


@pytest.fixture
def issued_case(demo: Any) -> Callable[..., Case]:
    """Return a factory of window cases of the applicant, approved and with the result issued."""

    def make(*, window: str = "3", username: str = "applicant") -> Case:
        return issued_window_case(demo, username=username, window=window)

    return make
