"""`onestop serve`: serve OneStop with waitress, with an outbox worker in the same process.

With ONESTOP_DEPT_SIM=1 (as `make run` sets) it also starts the department-system simulator
that plays the demo centre's webhook, pull and AMQP departments.
"""

from __future__ import annotations

import os
import signal
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from waitress.server import create_server

from onestop.core.errors import OneStopError
from onestop.core.logging import get_logger
from onestop.core.management.base import OneStopCommand
from onestop.core.outbox import Worker
from onestop.core.ports import check_port, port_unavailable
from onestop.core.signing import secret_key

log = get_logger(__name__)

WORKER_STOP_SECONDS = 10


class Command(OneStopCommand):
    help = gettext_lazy(
        "Serve the web application and, unless disabled, one background outbox worker."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--host",
            default=os.environ.get("HOST", "127.0.0.1"),
            help=_("address to listen on (default: HOST, or 127.0.0.1)"),
        )
        parser.add_argument(
            "--port",
            help=_("TCP port to listen on (default: PORT, or 8000)"),
        )
        parser.add_argument("--threads", type=int, default=8, help=_("request threads"))
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help=_("do not run an outbox worker in-process"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from onestop.certificates.fonts import missing_fonts_warning
        from onestop.wsgi import application

        host = options["host"]
        source = "--port" if options["port"] is not None else "PORT"
        # Installed before the socket listens, so that a signal that comes as soon as
        # the port accepts connections stops the server cleanly too.
        stop_signal = StopSignal()
        try:
            secret_key()
            port = check_port(
                options["port"] or settings.ONESTOP_WEB_PORT, source=source
            )
            server = self._create_server(application, host, port, options, source)
        except OneStopError as error:
            raise CommandError(f"{error.code}: {error.render_for_command()}") from None

        worker = None
        reason = "returned"
        try:
            font_warning = missing_fonts_warning()
            if font_warning:
                self.stderr.write(font_warning)
            if settings.ONESTOP_RUN_WORKER_IN_PROCESS and not options["no_worker"]:
                worker = Worker(name="outbox-web")
                worker.start()
            self._start_simulator(port)
            self.stdout.write(
                _("Serving OneStop on %(url)s (Ctrl-C stops it)")
                % {"url": f"http://{host}:{port}/"}
            )
            log.info("server.started", host=host, port=port)
            if stop_signal.arm():
                server.run()
            else:
                server.close()
            reason = stop_signal.name or reason
        except KeyboardInterrupt:
            # A signal between arming and waitress's loop, which catches it itself.
            reason = stop_signal.name or "KeyboardInterrupt"
        except Exception as error:
            reason = f"error: {type(error).__name__}"
            raise
        finally:
            if worker is not None:
                worker.stop()
                worker.join(timeout=WORKER_STOP_SECONDS)
            log.info("server.stopped", reason=reason, port=port)

    def _create_server(
        self, application: Any, host: str, port: int, options: Any, source: str
    ) -> Any:
        """Bind waitress to host:port, or raise PortUnavailable naming `source`."""
        try:
            return create_server(
                application,
                host=host,
                port=port,
                threads=options["threads"],
                ident="OneStop",
                # Above the application's own limit, so that the application rejects an
                # oversize request with its usual error instead of waitress's bare page.
                max_request_body_size=4 * settings.ONESTOP_MAX_REQUEST_BYTES,
            )
        except OSError as error:
            raise port_unavailable(error, host=host, port=port, source=source) from None

    def _start_simulator(self, web_port: int) -> None:
        from onestop.exchange.demo import start_demo_simulator
        from onestop.exchange.errors import SimulatorPortUnavailable

        try:
            simulator = start_demo_simulator(web_port)
        except SimulatorPortUnavailable as error:
            self.stderr.write(error.render_for_command())
            return
        if simulator is not None:
            self.stdout.write(
                _(
                    "Department-system simulator for the demo connectors on "
                    "%(endpoint)s (set ONESTOP_DEPT_SIM_PORT to move it)"
                )
                % {"endpoint": simulator.endpoint}
            )


class StopSignal:
    """Record SIGINT and SIGTERM; once armed, turn them into KeyboardInterrupt.

    waitress's loop stops on KeyboardInterrupt and returns, so `name` keeps which signal
    it was. Before `arm` a signal is only recorded. Raised during start-up, it could land
    in a callback of the import machinery or the garbage collector, which prints the
    exception and drops it, so the server would run on after the signal.
    """

    def __init__(self) -> None:
        self.name = ""
        self._armed = False
        signal.signal(signal.SIGINT, self._stop)
        signal.signal(signal.SIGTERM, self._stop)

    def arm(self) -> bool:
        """Make later signals raise KeyboardInterrupt. Return False if one was received."""
        self._armed = True
        return not self.name

    def _stop(self, number: int, _frame: FrameType | None) -> None:
        if self.name:
            # Already stopping: a second signal must not break off the clean stop,
            # which would end the process by SIGINT instead of with status 0.
            return
        self.name = signal.Signals(number).name
        if self._armed:
            raise KeyboardInterrupt
