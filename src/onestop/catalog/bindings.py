"""The bindings file of `onestop provision`: which real department plays each pack role.

```yaml
centre:
  name: 广安市广安区政务服务中心      # optional; default "<county name>政务服务中心"
departments:
  market_regulation:
    name: 广安市广安区市场监督管理局
    uscc: 11511602MB1C12345X
    connector: worklist              # optional: worklist (default), webhook, pull, amqp
```
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext_lazy as _

from onestop.catalog.actions import DepartmentBinding
from onestop.core.errors import InvalidInput, OneStopError
from onestop.identity.codes import parse_uscc

CONNECTOR_KINDS = ("worklist", "webhook", "pull", "amqp")


class BindingsInvalid(InvalidInput):
    code = "provision.bindings_invalid"
    message = _("The bindings file %(path)s has %(count)s errors: %(errors)s")


@dataclass(frozen=True)
class Bindings:
    centre_name: str | None
    departments: dict[str, DepartmentBinding]


def read_bindings(path: Path, roles: set[str]) -> Bindings:
    """Read and check a bindings file; report every error at once.

    Every role in `roles` (the pack's departments used by its matters) needs a binding.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise BindingsInvalid(path=str(path), count=1, errors=str(error)) from None
    if not isinstance(data, dict):
        raise BindingsInvalid(
            path=str(path), count=1, errors=_("the file is not a mapping")
        )

    errors: list[str] = []
    departments: dict[str, DepartmentBinding] = {}
    entries = data.get("departments") or {}
    for role in sorted(roles - set(entries)):
        errors.append(str(_("departments.%(role)s is missing") % {"role": role}))
    for role, entry in entries.items():
        binding = _binding(role, entry, errors)
        if binding is not None:
            departments[role] = binding
    if errors:
        raise BindingsInvalid(
            path=str(path), count=len(errors), errors="; ".join(errors)
        )
    centre = data.get("centre") or {}
    return Bindings(centre_name=centre.get("name"), departments=departments)


def _binding(role: str, entry: Any, errors: list[str]) -> DepartmentBinding | None:
    if not isinstance(entry, dict) or not entry.get("name") or not entry.get("uscc"):
        errors.append(
            str(_("departments.%(role)s needs a name and a uscc") % {"role": role})
        )
        return None
    try:
        uscc = parse_uscc(str(entry["uscc"])).code
    except OneStopError as error:
        errors.append(f"departments.{role}.uscc: {error.render()}")
        return None
    connector = entry.get("connector", "worklist")
    if connector not in CONNECTOR_KINDS:
        errors.append(
            str(
                _("departments.%(role)s.connector %(value)s is not one of %(kinds)s")
                % {
                    "role": role,
                    "value": connector,
                    "kinds": ", ".join(CONNECTOR_KINDS),
                }
            )
        )
        return None
    return DepartmentBinding(
        name=str(entry["name"]), uscc=uscc, connector_kind=connector
    )
