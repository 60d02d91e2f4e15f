"""The base of OneStop's management commands: output in the operator's language."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    SystemCheckError,
)
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext

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

    # The command's help, a lazy translation (gettext_lazy) that create_parser turns
    # into text in the operator's language.
    help: Any = ""

    def run_from_argv(self, argv: list[str]) -> None:
        with translation.override(command_language(os.environ)):
            super().run_from_argv(argv)

    def create_parser(
        self, prog_name: str, subcommand: str, **kwargs: Any
    ) -> CommandParser:
        """Return the parser, with the command's help (a lazy translation) as text.

        argparse formats the description with regular expressions, which take only
        text. run_from_argv creates the parser in the operator's language, so the
        help reads in it. Commands translate their option help as they add it, and
        `translate_option_help` translates the options that Django and argparse add.
        """
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        if isinstance(parser.description, Promise):
            parser.description = str(parser.description)
        translate_option_help(parser)
        return parser

    def check(self, *args: Any, **kwargs: Any) -> None:
        """Run the system checks, without those of the database when a command that
        only reads found no SQLite file.

        Django 6 checks every model field against every database, and the JSONField
        check opens a connection, so a missing database would fail a command that
        needs none, such as `ledger verify-bundle --vkey`.
        """
        if settings.ONESTOP_DATABASE_NOT_CREATED:
            kwargs["databases"] = []
        super().check(*args, **kwargs)

    def execute(self, *args: Any, **options: Any) -> Any:
        """Run the command, and name the database when a failure is a missing migration
        and the variable to set when the secret key is empty.

        From the command line, a CommandError prints as its message alone, without
        Django's "CommandError: " in front, and exits with its return code.
        """
        try:
            return self._execute(*args, **options)
        except CommandError as error:
            from_command_line = getattr(self, "_called_from_command_line", False)
            if (
                not from_command_line
                or options.get("traceback")
                or isinstance(error, SystemCheckError)
            ):
                raise
            self.stderr.write(str(error))
            sys.exit(error.returncode)

    def _execute(self, *args: Any, **options: Any) -> Any:
        from onestop.core.signing import SecretKeyMissing, secret_key_missing_line

        try:
            return super().execute(*args, **options)
        except DatabaseError as error:
            not_migrated = not_migrated_error(error)
            if not_migrated is None:
                raise
            raise not_migrated from None
        except (SecretKeyMissing, ImproperlyConfigured):
            # Django raises ImproperlyConfigured on every read of an empty SECRET_KEY.
            missing = secret_key_missing_line()
            if missing is None:
                raise
            raise CommandError(missing, returncode=1) from None


def translate_option_help(parser: argparse.ArgumentParser) -> None:
    """Translate the help of every option of `parser` and of its subcommands.

    Django's own options (--verbosity, --settings, …) and argparse's -h come with
    English help that OneStop's catalogue translates. Help that is translated
    already, or that the catalogue lacks, stays as it is.
    """
    # NOTE: argparse keeps options and subcommands in private attributes (_actions,
    # _choices_actions), read here as Python 3.13's argparse defines them. Its own
    # headings ("usage:", "options:") come from argparse's catalogue, which has no
    # Chinese, so they stay English.
    for action in parser._actions:
        if isinstance(action.help, str) and action.help:
            action.help = gettext(action.help)
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                if isinstance(choice.help, str) and choice.help:
                    choice.help = gettext(choice.help)
            for subparser in action.choices.values():
                translate_option_help(subparser)


def not_migrated_error(error: DatabaseError) -> CommandError | None:
    """Return the error that names the database and its unapplied migrations, if any.

    A command run on an empty or outdated database fails with "no such table" or
    "relation does not exist", which does not say which database or what to do.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    database = connection.settings_dict["NAME"]
    if settings.ONESTOP_DATABASE_NOT_CREATED:
        # No file: every migration is unapplied, which the loader counts without it.
        database = settings.VAR_DIR / "onestop.sqlite3"
        unapplied = len(MigrationLoader(None).graph.nodes)
    else:
        try:
            executor = MigrationExecutor(connection)
            graph = executor.loader.graph
            unapplied = len(executor.migration_plan(graph.leaf_nodes()))
        except DatabaseError:
            return None
    if not unapplied:
        return None
    message = ngettext(
        "The database %(database)s has %(count)s migration not applied, so the "
        "command failed (%(error)s). Run `onestop migrate`, or set ONESTOP_VAR_DIR or "
        "DATABASE_URL to the deployment's database.",
        "The database %(database)s has %(count)s migrations not applied, so the "
        "command failed (%(error)s). Run `onestop migrate`, or set ONESTOP_VAR_DIR or "
        "DATABASE_URL to the deployment's database.",
        unapplied,
    ) % {
        "database": database,
        "count": unapplied,
        "error": str(error).splitlines()[0] if str(error) else type(error).__name__,
    }
    return CommandError(f"database.not_migrated: {message}", returncode=1)
