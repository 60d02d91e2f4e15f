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
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import transaction

from onestop.core.logging import get_logger
from onestop.core.models import Centre, Department, Membership, Role
from onestop.core.signing import b64url_encode
from onestop.exchange.conf import setting
from onestop.exchange.models import ConnectorConfig, ConnectorKind, KeyAlgorithm
from onestop.exchange.simulator import DepartmentSimulator, SimulatorSettings

log = get_logger(__name__)


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
    return hmac.new(settings.SECRET_KEY.encode(), label, hashlib.sha256).digest()


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


def simulator_url() -> str:
    """Return the webhook endpoint of the simulator started for the demo."""
    return f"http://127.0.0.1:{int(setting('ONESTOP_DEPT_SIM_PORT'))}/envelopes"


def configure_demo_connectors(centre: Centre) -> list[ConnectorConfig]:
    """Put one department of the centre on each connector kind; running it again is safe.

    Departments of the centre that the pack does not have are skipped. The centre's
    department admins get `is_staff`, because they edit their connector in Django admin.
    """
    configured = []
    with transaction.atomic():
        for spec in DEMO_CONNECTORS:
            department = Department.objects.filter(
                centre=centre, role_key=spec.role_key
            ).first()
            if department is None:
                continue
            configured.append(_configure(department, spec))
        _let_department_admins_into_admin(centre)
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
        values["endpoint"] = simulator_url()
    if spec.kind == ConnectorKind.AMQP:
        values["queue"] = f"onestop.department.{department.uscc}"
    config, _created = ConnectorConfig.objects.update_or_create(
        department=department, defaults=values
    )
    Department.objects.filter(pk=department.pk).update(connector_kind=spec.kind)
    return config


def _let_department_admins_into_admin(centre: Centre) -> None:
    memberships = Membership.objects.filter(centre=centre, role=Role.DEPARTMENT_ADMIN)
    for membership in memberships.select_related("user"):
        if not membership.user.is_staff:
            membership.user.is_staff = True
            membership.user.save(update_fields=["is_staff"])


def demo_simulator_settings(onestop_url: str) -> SimulatorSettings:
    """Return simulator settings that cover every demo connector of the deployment."""
    from onestop.exchange.connectors.amqp import broker_url

    configs = ConnectorConfig.objects.select_related("department")
    hmac_departments = {
        config.department.uscc
        for config in configs.filter(key_algorithm=KeyAlgorithm.HMAC_SHA256)
    }
    amqp = list(configs.filter(kind=ConnectorKind.AMQP))
    return SimulatorSettings(
        onestop_url=onestop_url,
        port=int(setting("ONESTOP_DEPT_SIM_PORT")),
        delay=1.0,
        decision="mixed",
        ed25519_seed=demo_department_seed(),
        hmac_secret=demo_hmac_secret(),
        hmac_departments=hmac_departments,
        amqp_url=broker_url(amqp[0]) if amqp else "",
        amqp_queues=sorted({config.queue for config in amqp}),
    )


def start_demo_simulator(port: int) -> DepartmentSimulator | None:
    """Start the simulator in this process when ONESTOP_DEPT_SIM is on; return it or None.

    `onestop serve` calls this with its own port. The simulator sends callbacks to
    127.0.0.1 at that port and stops when the process exits.
    """
    if not setting("ONESTOP_DEPT_SIM"):
        return None
    simulator_settings = demo_simulator_settings(f"http://127.0.0.1:{port}")
    try:
        simulator = DepartmentSimulator(simulator_settings).start()
    except OSError as error:
        log.warning(
            "dept_sim.start_failed", port=simulator_settings.port, error=str(error)
        )
        return None
    atexit.register(simulator.stop)
    return simulator
