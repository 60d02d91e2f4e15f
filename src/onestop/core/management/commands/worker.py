"""`onestop worker`: run outbox workers until interrupted."""

from __future__ import annotations

import signal
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from onestop.core.management.base import OneStopCommand
from onestop.core.outbox import Worker
from onestop.core.signing import secret_key


class Command(OneStopCommand):
    help = gettext_lazy(
        "Run outbox workers that deliver department envelopes, notifications and timers."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--workers", type=int, default=1, help=_("worker threads"))
        parser.add_argument(
            "--poll", type=float, default=1.0, help=_("seconds between polls")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from onestop.certificates.fonts import missing_fonts_warning

        check_options(options["workers"], options["poll"])
        # Workers sign receipts and derive links from the secret key, so they stop at
        # once without it.
        secret_key()

        # Workers render the receipts and certificates, so they need the fonts too.
        font_warning = missing_fonts_warning()
        if font_warning:
            self.stderr.write(font_warning)
        workers = [
            Worker(poll_seconds=options["poll"]) for _ in range(options["workers"])
        ]
        for worker in workers:
            worker.start()
        running = ngettext(
            "%(count)s outbox worker running; Ctrl-C stops it.",
            "%(count)s outbox workers running; Ctrl-C stops them.",
            len(workers),
        )
        self.stdout.write(running % {"count": len(workers)})

        def stop(*_args: Any) -> None:
            for worker in workers:
                worker.stop()

        signal.signal(signal.SIGTERM, stop)
        try:
            while any(worker.is_alive() for worker in workers):
                for worker in workers:
                    worker.join(timeout=0.5)
        except KeyboardInterrupt:
            stop()


def check_options(workers: int, poll: float) -> None:
    """Raise CommandError unless at least one worker polls at a positive interval."""
    if workers < 1:
        message = _(
            "--workers is %(value)s, but at least 1 worker thread must run. Give "
            "--workers 1 or more."
        ) % {"value": workers}
        raise CommandError(f"worker.workers_invalid: {message}")
    if not poll > 0:
        message = _(
            "--poll is %(value)s, but the seconds between polls must be more than 0. "
            "Give, for example, --poll 1."
        ) % {"value": poll}
        raise CommandError(f"worker.poll_invalid: {message}")
