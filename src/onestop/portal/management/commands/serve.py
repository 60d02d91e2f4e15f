"""`onestop serve`: serve OneStop with waitress, with an outbox worker in the same process.

With ONESTOP_DEPT_SIM=1 (as `make run` sets) it also starts the department-system simulator
that plays the demo centre's webhook, pull and AMQP departments.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from waitress import serve

from onestop.core.logging import get_logger
from onestop.core.outbox import Worker

log = get_logger(__name__)


class Command(BaseCommand):
    help = (
        "Serve the web application and, unless disabled, one background outbox worker."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("PORT", "8000"))
        )
        parser.add_argument("--threads", type=int, default=8, help="request threads")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not run an outbox worker in-process",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from onestop.exchange.demo import start_demo_simulator
        from onestop.wsgi import application

        worker = None
        if settings.ONESTOP_RUN_WORKER_IN_PROCESS and not options["no_worker"]:
            worker = Worker(name="outbox-web")
            worker.start()
        simulator = start_demo_simulator(options["port"])
        if simulator is not None:
            self.stdout.write(
                "Department-system simulator running for the demo connectors."
            )
        self.stdout.write(
            f"Serving OneStop on http://{options['host']}:{options['port']}/ (Ctrl-C stops it)"
        )
        log.info("server.started", host=options["host"], port=options["port"])
        try:
            serve(
                application,
                host=options["host"],
                port=options["port"],
                threads=options["threads"],
                ident="OneStop",
                # Above the application's own limit, so that the application rejects an
                # oversize request with its usual error instead of waitress's bare page.
                max_request_body_size=4 * settings.ONESTOP_MAX_REQUEST_BYTES,
            )
        finally:
            if worker is not None:
                worker.stop()
            log.info("server.stopped")
