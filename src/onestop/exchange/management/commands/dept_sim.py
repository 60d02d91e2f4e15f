"""`onestop dept-sim`: run the department system simulator until interrupted."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onestop.core.errors import OneStopError
from onestop.core.management.base import OneStopCommand
from onestop.core.ports import check_port, port_unavailable
from onestop.core.signing import b64url_decode
from onestop.exchange.conf import setting
from onestop.exchange.demo import (
    demo_department_seed,
    demo_hmac_secret,
    simulator_port,
)
from onestop.exchange.simulator import (
    DECISIONS,
    FAULTS,
    MAX_PULL_INTERVAL,
    MIN_PULL_INTERVAL,
    DepartmentSimulator,
    SimulatorSettings,
)

# The longest --delay or --hang, in seconds: one hour.
MAX_WAIT_SECONDS = 3600


class Command(OneStopCommand):
    help = gettext_lazy(
        "Simulate department systems: receive envelopes on 127.0.0.1 (POST /envelopes), "
        "from AMQP queues and by polling OneStop for pull departments, verify them, "
        "and send signed callbacks to OneStop."
    )

    def add_arguments(self, parser: Any) -> None:
        _add_connection_arguments(parser)
        _add_behaviour_arguments(parser)
        _add_key_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        source = "--port" if options["port"] is not None else "ONESTOP_DEPT_SIM_PORT"
        try:
            options["port"] = check_port(
                options["port"] or simulator_port(), source=source
            )
            simulator = _create_simulator(_settings(options), source).start()
        except OneStopError as error:
            raise CommandError(f"{error.code}: {error.render_for_command()}") from None
        self.stdout.write(
            _(
                "Department simulator on %(endpoint)s, sending callbacks to %(url)s; "
                "Ctrl-C stops it."
            )
            % {"endpoint": simulator.endpoint, "url": options["onestop_url"]}
        )
        stopped = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_args: stopped.set())
        try:
            while not stopped.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            simulator.stop()


def _add_connection_arguments(parser: Any) -> None:
    parser.add_argument(
        "--port",
        help=_(
            "TCP port on 127.0.0.1 for POST /envelopes (default: "
            "ONESTOP_DEPT_SIM_PORT, else the PORT environment variable + 701, else 8701)"
        ),
    )
    parser.add_argument(
        "--onestop-url",
        default="http://127.0.0.1:8000",
        help=_("base URL of OneStop: the key set and the callback endpoint"),
    )
    parser.add_argument(
        "--amqp-url",
        default=setting("ONESTOP_AMQP_URL"),
        help=_("AMQP broker URL, needed with --amqp-queue (default: ONESTOP_AMQP_URL)"),
    )
    parser.add_argument(
        "--amqp-queue",
        action="append",
        default=[],
        help=_("an AMQP queue to consume (repeatable)"),
    )
    parser.add_argument(
        "--pull-department",
        action="append",
        default=[],
        metavar="ID[:USCC]",
        help=_(
            "the id of a pull department to poll for (repeatable); add its USCC when "
            "it is also given with --hmac-department"
        ),
    )
    parser.add_argument(
        "--pull-interval",
        default="2",
        help=_("seconds between two polls, from %(min)s to %(max)s")
        % {"min": MIN_PULL_INTERVAL, "max": f"{MAX_PULL_INTERVAL:g}"},
    )


def _add_behaviour_arguments(parser: Any) -> None:
    parser.add_argument(
        "--delay",
        default="0.5",
        help=_("seconds before sending the callbacks"),
    )
    parser.add_argument(
        "--decision",
        choices=DECISIONS,
        default="approve",
        help=_("the decision sent for every envelope; mixed picks one by case number"),
    )
    parser.add_argument(
        "--no-received",
        action="store_true",
        help=_("send only the decision, no 'received'"),
    )
    parser.add_argument(
        "--fail-first",
        default="0",
        help=_("respond with 503 to the first N envelopes"),
    )
    parser.add_argument(
        "--fault", choices=FAULTS, default="none", help=_("kind of injected fault")
    )
    parser.add_argument(
        "--fault-rate",
        default="0",
        help=_("share of envelopes (0 to 1) given the fault"),
    )
    parser.add_argument(
        "--hang",
        default="15",
        help=_("seconds a 'timeout' fault delays the response"),
    )


def _add_key_arguments(parser: Any) -> None:
    parser.add_argument(
        "--ed25519-seed",
        default="",
        help=_(
            "base64url 32-byte Ed25519 private key (default: the demo departments' key)"
        ),
    )
    parser.add_argument(
        "--hmac-secret",
        default="",
        help=_("HMAC secret (default: the demo departments' secret)"),
    )
    parser.add_argument(
        "--hmac-department",
        action="append",
        default=[],
        metavar="USCC",
        help=_("a department that signs with the HMAC secret (repeatable)"),
    )


def _create_simulator(
    simulator_settings: SimulatorSettings, source: str
) -> DepartmentSimulator:
    """Create the simulator, which binds its port, or raise PortUnavailable."""
    try:
        return DepartmentSimulator(simulator_settings)
    except OSError as error:
        raise port_unavailable(
            error,
            host=simulator_settings.host,
            port=simulator_settings.port,
            source=source,
        ) from None


def _settings(options: dict[str, Any]) -> SimulatorSettings:
    pull_interval = _number(
        options["pull_interval"],
        "--pull-interval",
        MIN_PULL_INTERVAL,
        MAX_PULL_INTERVAL,
    )
    delay = _number(options["delay"], "--delay", 0, MAX_WAIT_SECONDS)
    fail_first = int(
        _number(options["fail_first"], "--fail-first", 0, 10**6, whole=True)
    )
    fault_rate = _number(options["fault_rate"], "--fault-rate", 0, 1)
    hang = _number(options["hang"], "--hang", 0, MAX_WAIT_SECONDS)
    seed = _seed(options["ed25519_seed"])
    if options["amqp_queue"] and not options["amqp_url"]:
        message = _(
            "--amqp-queue needs a broker: give --amqp-url or set ONESTOP_AMQP_URL."
        )
        raise CommandError(f"dept_sim.amqp_url_missing: {message}")
    return SimulatorSettings(
        onestop_url=options["onestop_url"],
        port=options["port"],
        delay=delay,
        decision=options["decision"],
        send_received=not options["no_received"],
        fail_first=fail_first,
        fault=options["fault"],
        fault_rate=fault_rate,
        hang_seconds=hang,
        ed25519_seed=seed or demo_department_seed(),
        hmac_secret=options["hmac_secret"] or demo_hmac_secret(),
        hmac_departments=set(options["hmac_department"]),
        amqp_url=options["amqp_url"],
        amqp_queues=options["amqp_queue"],
        pull_departments=_pull_departments(options["pull_department"]),
        pull_interval=pull_interval,
    )


def _pull_departments(values: list[str]) -> dict[int, str]:
    """Parse the --pull-department values ID or ID:USCC into {id: USCC}."""
    departments = {}
    for value in values:
        department_id, _colon, uscc = value.partition(":")
        if not department_id.isdecimal():
            message = _(
                "--pull-department %(value)s is invalid: give the department id (a "
                "number), optionally followed by :USCC."
            ) % {"value": _shown(value)}
            raise CommandError(f"dept_sim.pull_department_invalid: {message}")
        departments[int(department_id)] = uscc
    return departments


def _number(
    value: str, option: str, minimum: float, maximum: float, *, whole: bool = False
) -> float:
    """Return the option's `value` as a number from `minimum` to `maximum`.

    Raises CommandError naming the option, the value and the range.
    """
    try:
        number = int(value) if whole else float(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not minimum <= number <= maximum:  # NaN fails too
        if whole:
            rule = _("a whole number from %(min)s to %(max)s")
        else:
            rule = _("a number from %(min)s to %(max)s")
        message = _("%(option)s is %(value)s, but it must be %(rule)s.") % {
            "option": option,
            "value": _shown(str(value)),
            "rule": rule % {"min": _plain(minimum), "max": _plain(maximum)},
        }
        raise CommandError(f"dept_sim.option_invalid: {message}")
    return number


def _seed(text: str) -> bytes | None:
    """Return the Ed25519 seed that --ed25519-seed gives, or None for the demo key."""
    if not text:
        return None
    try:
        seed = b64url_decode(text)
    except ValueError:
        seed = b""
    if len(seed) != 32:
        message = _(
            "--ed25519-seed must be a 32-byte Ed25519 private key in base64url (43 "
            "characters)."
        )
        raise CommandError(f"dept_sim.seed_invalid: {message}")
    return seed


def _shown(value: str) -> str:
    """Return `value` quoted for a message, with control characters escaped."""
    return ascii(value) if not value.isprintable() else f"'{value}'"


def _plain(number: float) -> str:
    """Return `number` without a needless ".0" or an exponent: 0.2, 1, 1000000."""
    return str(int(number)) if number == int(number) else str(number)
