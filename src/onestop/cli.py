"""The `onestop` console script: Django's management commands with OneStop's settings."""

from __future__ import annotations

import os
import sys

# Command names with a hyphen on the command line, and the module that implements each.
_ALIASES = {"dept-sim": "dept_sim"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    # An invalid environment variable stops the command with its message alone,
    # before Django would report it as a traceback or as "Unknown command".
    try:
        settings.INSTALLED_APPS  # noqa: B018  (loads the settings)
    except ImproperlyConfigured as error:
        sys.stderr.write(f"{error}\n")
        sys.exit(1)

    args = list(sys.argv if argv is None else argv)
    if len(args) > 1:
        args[1] = _ALIASES.get(args[1], args[1])
    args[0] = "onestop"
    try:
        execute_from_command_line(args)
    except ImproperlyConfigured:
        # Django's own commands (shell, createsuperuser, …) end here when they read
        # an empty SECRET_KEY. OneStop's commands print the same line themselves.
        _exit_if_secret_key_missing()
        raise


def _exit_if_secret_key_missing() -> None:
    from django.utils import translation

    from onestop.core.management.base import command_language
    from onestop.core.signing import secret_key_missing_line

    with translation.override(command_language(os.environ)):
        missing = secret_key_missing_line()
    if missing is not None:
        sys.stderr.write(f"{missing}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
