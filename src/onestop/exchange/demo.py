"""Connectors of the demo centre: one department on each connector kind.

The demo departments sign with keys derived from the deployment's secret key, so the
department simulator started by `onestop serve` (or `onestop dept-sim`) on the same
deployment has the matching private keys without any configuration. These keys are
for the demo only: a real department generates its own key pair.
"""

from __future__ import annotations

import atexit
import hashlib
import hmac
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import transaction

from onestop.core.logging import get_logger
from onestop.core.models import Centre, Department
from onestop.core.signing import b64url_encode, secret_key
from onestop.exchange.conf import setting
from onestop.exchange.connectors.amqp import broker_url, queue_prefix
from onestop.exchange.errors import SimulatorPortUnavailable
from onestop.exchange.models import ConnectorConfig, ConnectorKind, KeyAlgorithm
from onestop.exchange.simulator import DepartmentSimulator, SimulatorSettings

log = get_logger(__name__)

DEFAULT_WEB_PORT = 8000
SIMULATOR_PORT_OFFSET = 701
MAX_PORT = 65535
_SIMULATOR_ENDPOINT = re.compile(r"http://127\.0\.0\.1:[0-9]+/envelopes")


@dataclass(frozen=True)
class DemoConnector:
    role_key: str
    kind: str
    key_algorithm: str = KeyAlgorithm.ED25519


# Departments of the standard pack with few matters, so the built-in worklist stays in
# use for market regulation and the other departments that the demo's reviewers work.
DEMO_CONNECTORS = (
    DemoConnector("taxation", ConnectorKind.WEBHOOK),
    DemoConnector("forestry", ConnectorKind.WEBHOOK, KeyAlgorithm.HMAC_SHA256),
    DemoConnector("housing_provident_fund", ConnectorKind.PULL),
    DemoConnector("tobacco_monopoly", ConnectorKind.AMQP),
)


def _derive(label: bytes) -> bytes:
    return hmac.new(secret_key().encode(), label, hashlib.sha256).digest()


def demo_department_seed() -> bytes:
    """Return the 32-byte Ed25519 private key of the demo departments."""
    return _derive(b"onestop.exchange.demo-department-ed25519")


def demo_hmac_secret() -> str:
    """Return the HMAC secret of the demo departments that sign with HMAC-SHA256."""
    return b64url_encode(_derive(b"onestop.exchange.demo-department-hmac"))


def demo_public_key() -> str:
    """Return the base64url public key that belongs to `demo_department_seed`."""
    private_key = Ed25519PrivateKey.from_private_bytes(demo_department_seed())
    return b64url_encode(private_key.public_key().public_bytes_raw())


def simulator_port(web_port: int | None = None) -> int:
    """Return the simulator's port: ONESTOP_DEPT_SIM_PORT, else the web port + 701.

    The web port is `web_port`, else the setting ONESTOP_WEB_PORT (the PORT environment
    variable, else 8000), so the default is 8701. A web port above 64834 gets its
    port - 701 instead, which stays in the range of TCP ports.
    """
    configured = setting("ONESTOP_DEPT_SIM_PORT")
    if configured:
        return int(configured)
    if web_port is None:
        web_port = getattr(settings, "ONESTOP_WEB_PORT", DEFAULT_WEB_PORT)
    if web_port + SIMULATOR_PORT_OFFSET <= MAX_PORT:
        return web_port + SIMULATOR_PORT_OFFSET
    return web_port - SIMULATOR_PORT_OFFSET


def simulator_url(port: int | None = None) -> str:
    """Return the webhook endpoint of the simulator on `port` (default: simulator_port())."""
    return f"http://127.0.0.1:{port or simulator_port()}/envelopes"


def configure_demo_connectors(centre: Centre) -> list[ConnectorConfig]:
    """Put one department of the centre on each connector kind; running it again is safe.

    Departments of the centre that the pack does not have are skipped. The AMQP
    department stays on the worklist unless ONESTOP_AMQP_URL names a broker, so that a
    demo uses only a broker that its operator chose.
    """
    configured = []
    with transaction.atomic():
        for spec in DEMO_CONNECTORS:
            department = Department.objects.filter(
                centre=centre, role_key=spec.role_key
            ).first()
            if department is None:
                continue
            if spec.kind == ConnectorKind.AMQP and not setting("ONESTOP_AMQP_URL"):
                spec = DemoConnector(spec.role_key, ConnectorKind.WORKLIST)
            configured.append(_configure(department, spec))
    return configured


def _configure(department: Department, spec: DemoConnector) -> ConnectorConfig:
    values = {
        "centre": department.centre,
        "kind": spec.kind,
        "key_algorithm": spec.key_algorithm,
        "public_key": demo_public_key(),
        "hmac_secret": "",
        "endpoint": "",
        "queue": "",
        "timeout_seconds": 5.0,
    }
    if spec.key_algorithm == KeyAlgorithm.HMAC_SHA256:
        values.update(public_key="", hmac_secret=demo_hmac_secret())
    if spec.kind == ConnectorKind.WEBHOOK:
        values["endpoint"] = _demo_endpoint(department)
    if spec.kind == ConnectorKind.AMQP:
        values["queue"] = f"{queue_prefix()}.department.{department.uscc}"
    config, _created = ConnectorConfig.objects.update_or_create(
        department=department, defaults=values
    )
    Department.objects.filter(pk=department.pk).update(connector_kind=spec.kind)
    return config


def _demo_endpoint(department: Department) -> str:
    """Return the webhook endpoint of a demo department: the simulator's, unless an
    admin set the department's endpoint to another address, which stays."""
    endpoint = (
        ConnectorConfig.objects.filter(department=department)
        .values_list("endpoint", flat=True)
        .first()
    )
    if endpoint and not _SIMULATOR_ENDPOINT.fullmatch(endpoint):
        return endpoint
    return simulator_url()


def point_demo_connectors_at(endpoint: str) -> int:
    """Point the demo's webhook connectors at `endpoint` and return how many changed.

    Only connectors whose endpoint is a simulator's on 127.0.0.1 change, so an endpoint
    that an admin set to a real department system stays as it is.
    """
    configs = ConnectorConfig.objects.filter(
        department__role_key__in={spec.role_key for spec in DEMO_CONNECTORS},
        kind=ConnectorKind.WEBHOOK,
    ).exclude(endpoint=endpoint)
    moved = [
        config.pk
        for config in configs
        if _SIMULATOR_ENDPOINT.fullmatch(config.endpoint)
    ]
    return ConnectorConfig.objects.filter(pk__in=moved).update(endpoint=endpoint)


def demo_simulator_settings(onestop_url: str, port: int) -> SimulatorSettings:
    """Return simulator settings that cover every demo connector of the deployment."""
    configs = ConnectorConfig.objects.select_related("department")
    hmac_departments = {
        config.department.uscc
        for config in configs.filter(key_algorithm=KeyAlgorithm.HMAC_SHA256)
    }
    amqp = [
        config
        for config in configs.filter(kind=ConnectorKind.AMQP)
        if broker_url(config)
    ]
    pull_departments = {
        config.department_id: config.department.uscc
        for config in configs.filter(kind=ConnectorKind.PULL)
        if _signs_with_demo_key(config)
    }
    return SimulatorSettings(
        onestop_url=onestop_url,
        port=port,
        delay=1.0,
        decision="mixed",
        ed25519_seed=demo_department_seed(),
        hmac_secret=demo_hmac_secret(),
        hmac_departments=hmac_departments,
        amqp_url=broker_url(amqp[0]) if amqp else "",
        amqp_queues=sorted({config.queue for config in amqp}),
        pull_departments=pull_departments,
    )


def _signs_with_demo_key(config: ConnectorConfig) -> bool:
    """Return whether the department signs with a demo key that the simulator holds."""
    if config.key_algorithm == KeyAlgorithm.HMAC_SHA256:
        return config.hmac_secret == demo_hmac_secret()
    return config.public_key == demo_public_key()


def start_demo_simulator(web_port: int) -> DepartmentSimulator | None:
    """Start the simulator in this process when ONESTOP_DEPT_SIM is on; return it or None.

    `onestop serve` calls this with its own port. The simulator listens on
    `simulator_port(web_port)`, sends callbacks to 127.0.0.1 at the web port, polls the
    pull endpoint there for the demo's pull departments, and stops when the process
    exits. The demo's webhook connectors are pointed at it. Raises
    SimulatorPortUnavailable when the port cannot be bound.
    """
    if not setting("ONESTOP_DEPT_SIM"):
        return None
    port = simulator_port(web_port)
    simulator_settings = demo_simulator_settings(f"http://127.0.0.1:{web_port}", port)
    try:
        simulator = DepartmentSimulator(simulator_settings).start()
    except OSError as error:
        log.warning("dept_sim.start_failed", port=port, error=str(error))
        raise SimulatorPortUnavailable(port=port) from error
    atexit.register(simulator.stop)

    moved = point_demo_connectors_at(simulator.endpoint)
    if moved:
        log.info("dept_sim.connectors_moved", count=moved, port=simulator.port)
    return simulator
