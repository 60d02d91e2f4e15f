"""Fixtures of the rating tests that the window tests use too."""

from onestop.ratings.tests.conftest import issued_case  # noqa: F401
