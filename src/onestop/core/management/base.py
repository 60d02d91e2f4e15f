"""The base of OneStop's management commands: output in the operator's language."""

from __future__ import annotations

import os
from collections.abc import Mapping

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

# The variables that name the language of messages, in the order GNU gettext reads them.
LANGUAGE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def command_language(environ: Mapping[str, str]) -> str:
    """Return the language of command output from the locale variables in `environ`.

    The first variable that is set decides, and of LANGUAGE only its first entry: a
    value starting with "zh" gives Simplified Chinese, any other value (C and POSIX
    included) English. With none set, the site's LANGUAGE_CODE applies.
    """
    for name in LANGUAGE_VARIABLES:
        value = environ.get(name, "").split(":")[0].strip()
        if value:
            return "zh-hans" if value.lower().startswith("zh") else "en"
    return settings.LANGUAGE_CODE


class OneStopCommand(BaseCommand):
    """A management command that prints in the language of the operator's locale.

    Only a run from the command line reads the environment. call_command() keeps the
    active language, so tests and callers in code choose it themselves.
    """

    def run_from_argv(self, argv: list[str]) -> None:
        with translation.override(command_language(os.environ)):
            super().run_from_argv(argv)
