"""The `onestop` console script: Django's management commands with OneStop's settings."""

from __future__ import annotations

import os
import select
import signal
import sys

# Command names with a hyphen on the command line, and the module that implements each.
_ALIASES = {"dept-sim": "dept_sim"}
# The commands, with the subcommand where they have one, that only read the database
# and files, so that a run writes nothing to var/.
_READ_ONLY_COMMANDS = {
    ("centres",),
    ("certificates", "verify"),
    ("credit", "verify-report"),
    ("calendar", "missing"),
    ("help",),
    ("ledger", "verify"),
    ("ledger", "verify-bundle"),
    ("pack", "validate"),
    ("staff", "list"),
    ("version",),
}
_HELP_OPTIONS = {"-h", "--help", "--version"}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1:
        args[1] = _ALIASES.get(args[1], args[1])
    args[0] = "onestop"

    import onestop.environment

    onestop.environment.read_only_command = is_read_only(args[1:])
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

    try:
        execute_from_command_line(args)
        # Flushed here, a pipe closed early raises where it is caught below, and not
        # at exit, where Python would print "Exception ignored" and the traceback.
        sys.stdout.flush()
    except BrokenPipeError:
        if not stdout_closed():
            raise
        end_on_closed_stdout()
    except ImproperlyConfigured:
        # Django's own commands (shell, createsuperuser, …) end here when they read
        # an empty SECRET_KEY. OneStop's commands print the same line themselves.
        _exit_if_secret_key_missing()
        raise


def is_read_only(arguments: list[str]) -> bool:
    """Return whether the command line `arguments` (without the program) only read.

    No command at all, and any request for help or the version, print help and read
    nothing.
    """
    if not arguments or _HELP_OPTIONS.intersection(arguments):
        return True
    words = [argument for argument in arguments if not argument.startswith("-")]
    return tuple(words[:1]) in _READ_ONLY_COMMANDS or (
        tuple(words[:2]) in _READ_ONLY_COMMANDS
    )


def stdout_closed() -> bool:
    """Return whether the reader of standard output has closed it, as `| head` does.

    A BrokenPipeError can come from a socket too, such as a department connection of
    `onestop serve`, which must not end the command quietly.
    """
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    poll = select.poll()
    # Linux reports POLLERR on the write end of a pipe that has no reader.
    poll.register(descriptor, select.POLLOUT)
    return any(events & (select.POLLERR | select.POLLHUP) for _, events in poll.poll(0))


def end_on_closed_stdout() -> None:
    """Exit quietly, as a command killed by SIGPIPE would, with the status 128 + 13.

    Standard output is pointed at /dev/null first, so that Python's flush at exit
    does not fail again on the output still buffered.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    sys.exit(128 + signal.SIGPIPE)


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
