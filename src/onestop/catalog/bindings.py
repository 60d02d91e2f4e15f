"""The bindings file of `onestop provision`: which real department plays each pack role.

```yaml
centre:
  name: 广安市广安区政务服务中心      # optional; default "<county name>政务服务中心"
departments:
  market_regulation:
    name: 广安市广安区市场监督管理局
    uscc: 11511602MB1C12345Y
    connector: worklist              # optional; worklist is the only kind allowed here
```

The file is parsed and checked as strictly as a pack file (schema/bindings.schema.json):
every error names the file, the line and column, the key and the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from onestop.catalog.actions import DepartmentBinding
from onestop.catalog.packs.characters import check_single_line_texts
from onestop.catalog.packs.documents import (
    Document,
    PathKey,
    format_path,
    parse_document,
)
from onestop.catalog.packs.errors import PackError, make_error
from onestop.catalog.packs.schemas import check_schema
from onestop.core.errors import InvalidInput, OneStopError
from onestop.identity.codes import parse_uscc

# A bindings file names a few dozen departments, so 1 MiB leaves ample room.
MAX_BINDINGS_BYTES = 1024 * 1024
# Every other connector kind needs the department's key, and webhook and amqp also an
# endpoint or a queue. The department admin enters those in /admin/exchange/, where
# the change is checked and audited, so a bindings file never carries them.
BINDABLE_CONNECTORS = ("worklist",)
# The names of a bindings file, which pages show on one line: the centre's and each
# department's.
NAME_TEXTS: list[PathKey] = [("centre", "name"), ("departments", "*", "name")]


class BindingsInvalid(InvalidInput):
    code = "provision.bindings_invalid"

    def __init__(self, path: Path, errors: list[PackError]) -> None:
        self.message = ngettext_lazy(
            "The bindings file %(path)s has %(count)s error, and nothing was "
            "written:\n%(errors)s",
            "The bindings file %(path)s has %(count)s errors, and nothing was "
            "written:\n%(errors)s",
            len(errors),
        )
        super().__init__(
            path=str(path),
            count=len(errors),
            errors="\n".join(f"  {error}" for error in errors),
        )
        self.errors = errors


@dataclass(frozen=True)
class Bindings:
    centre_name: str | None
    departments: dict[str, DepartmentBinding]


def read_bindings(
    path: Path, *, known_roles: set[str], required_roles: set[str]
) -> Bindings:
    """Read and check a bindings file, raising BindingsInvalid with every error.

    `known_roles` are the department roles of the pack (departments.yaml), and
    `required_roles` those that need a binding, such as the roles of its matters.
    """
    document = _parse(path)
    # The later checks run on the parts that the schema accepts, so that one run
    # reports every error of the file and not only the schema's.
    errors = check_schema(document, "bindings")
    schema_paths = {error.path for error in errors}
    errors += check_single_line_texts(document, NAME_TEXTS)

    data = document.data if isinstance(document.data, dict) else {}
    entries = data.get("departments")
    if not isinstance(entries, dict):
        entries = {}
    errors += _check_roles(document, entries, known_roles, required_roles)
    departments: dict[str, DepartmentBinding] = {}
    first_role_of_uscc: dict[str, str] = {}
    for role, entry in entries.items():
        if not isinstance(entry, dict):
            continue
        binding = _binding(document, role, entry, errors, schema_paths)
        if binding is None:
            continue
        other = first_role_of_uscc.setdefault(binding.uscc, role)
        if other != role:
            errors.append(_duplicate_uscc(document, role, other, binding.uscc))
        departments[role] = binding
    if errors:
        raise BindingsInvalid(path, sorted(errors, key=_line_order))

    centre = data.get("centre") or {}
    return Bindings(centre_name=centre.get("name"), departments=departments)


def _parse(path: Path) -> Document:
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_BINDINGS_BYTES + 1)
    except FileNotFoundError:
        missing = _file_error(path, _("The file does not exist."))
        raise BindingsInvalid(path, [missing]) from None
    except OSError as os_error:
        message = _("The file could not be read: %(error)s.")
        unreadable = _file_error(path, message, error=os_error.strerror)
        raise BindingsInvalid(path, [unreadable]) from None
    if len(raw) > MAX_BINDINGS_BYTES:
        message = _(
            "The file is larger than %(limit)s bytes. Check that it is the right file."
        )
        raise BindingsInvalid(
            path, [_file_error(path, message, limit=MAX_BINDINGS_BYTES)]
        )

    document, parse_error = parse_document(str(path), raw)
    if parse_error is not None:
        raise BindingsInvalid(path, [parse_error])
    return cast(Document, document)


def _file_error(path: Path, message: Any, **values: Any) -> PackError:
    return make_error(str(path), "", "file.unreadable", message, **values)


def _check_roles(
    document: Document,
    entries: dict[str, Any],
    known_roles: set[str],
    required_roles: set[str],
) -> list[PackError]:
    errors = [
        document.key_error(
            ("departments",),
            "bindings.role_missing",
            _(
                "The pack's department role %(role)s has no binding. Add it under departments."
            ),
            role=role,
        )
        for role in sorted(required_roles - set(entries))
    ]
    errors += [
        document.error(
            ("departments", role),
            "bindings.role_unknown",
            _(
                "The pack has no department role %(role)s. Check its spelling; the "
                "pack's roles are: %(roles)s."
            ),
            role=role,
            roles=", ".join(sorted(known_roles)),
        )
        for role in entries
        if role not in known_roles
    ]
    return errors


def _binding(
    document: Document,
    role: str,
    entry: dict[str, Any],
    errors: list[PackError],
    schema_paths: set[str],
) -> DepartmentBinding | None:
    """Check one role's entry and return its binding, or None when its code or its
    connector has an error.

    A key whose value the schema rejected, at a path in `schema_paths`, is not
    checked again.
    """
    uscc_path = ("departments", role, "uscc")
    raw_uscc = entry.get("uscc")
    if raw_uscc is None or format_path(uscc_path) in schema_paths:
        return None
    try:
        uscc = parse_uscc(str(raw_uscc)).code
    except OneStopError as error:
        errors.append(document.error(uscc_path, error.code, error.render()))
        return None

    connector_path = ("departments", role, "connector")
    if format_path(connector_path) in schema_paths:
        return None
    connector = entry.get("connector", "worklist")
    if connector not in BINDABLE_CONNECTORS:
        errors.append(
            document.error(
                ("departments", role, "connector"),
                "bindings.connector_not_configurable",
                _(
                    "The connector %(kind)s needs the department's key and, for "
                    "webhook and amqp, its endpoint or queue, which a bindings file "
                    "does not carry. Remove the connector key, and after provisioning "
                    "let the department admin set the connector in "
                    "/admin/exchange/connectorconfig/."
                ),
                kind=connector,
            )
        )
        return None

    name = entry.get("name")
    if not isinstance(name, str) or not name:
        # The schema check reports a missing or empty name. The code is still
        # returned for the check of codes bound twice.
        return DepartmentBinding(name="", uscc=uscc, connector_kind=connector)
    return DepartmentBinding(name=name, uscc=uscc, connector_kind=connector)


def _duplicate_uscc(document: Document, role: str, other: str, uscc: str) -> PackError:
    return document.error(
        ("departments", role, "uscc"),
        "bindings.duplicate_uscc",
        _(
            "The unified social credit code %(uscc)s is bound to %(other)s already. "
            "Give each department role its own department's code."
        ),
        uscc=uscc,
        other=other,
    )


def _line_order(error: PackError) -> tuple[int, int, str]:
    return (error.line or 0, error.column or 0, error.rule)
