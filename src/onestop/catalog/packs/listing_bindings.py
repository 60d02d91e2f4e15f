"""Write the bindings file of `onestop provision` for the roles of a listing import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from onestop.core.errors import OneStopError
from onestop.identity.codes import parse_uscc

PLACEHOLDER_USCC = "待填写统一社会信用代码"
BINDINGS_HEADER = """\
# Bindings of `onestop provision` written from the listing %(listing)s.
# Department names are the listed names. A uscc is copied only where the listing gives
# a valid 18-character USCC for the department. The listing gives other departments a
# 9-character organisation code or an internal id, which is not a USCC, so their uscc
# is the placeholder %(placeholder)s and provisioning rejects the file until a real
# USCC replaces it. Roles with the placeholder:
%(roles)s
"""


def bindings_from_listing(
    listing_path: str | Path, mapping_path: str | Path, out_path: str | Path
) -> dict[str, Any]:
    """Write a bindings YAML for the roles of a listing import and return its data.

    Each role is bound to its listed department name and to the listing's dept_code
    when that is a valid USCC, else to PLACEHOLDER_USCC, named in the file's header.
    """
    listing = json.loads(Path(listing_path).read_text(encoding="utf-8"))
    mapping = yaml.safe_load(Path(mapping_path).read_text(encoding="utf-8"))
    codes: dict[str, set[str]] = {}
    for item in listing["items"]:
        codes.setdefault(item["department"], set()).add(str(item.get("dept_code", "")))

    departments: dict[str, dict[str, str]] = {}
    for listed_name, entry in mapping["departments"].items():
        if listed_name not in codes or entry["role"] in departments:
            continue
        departments[entry["role"]] = {
            "name": listed_name,
            "uscc": _valid_uscc(codes[listed_name]) or PLACEHOLDER_USCC,
        }

    placeholders = sorted(
        role for role, entry in departments.items() if entry["uscc"] == PLACEHOLDER_USCC
    )
    header = BINDINGS_HEADER % {
        "listing": Path(listing_path).name,
        "placeholder": PLACEHOLDER_USCC,
        "roles": "\n".join(f"#   {role}" for role in placeholders) or "#   none",
    }
    data = {"departments": departments}
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=88)
    Path(out_path).write_text(header + body, encoding="utf-8")
    return data


def _valid_uscc(candidates: set[str]) -> str | None:
    """Return the one valid USCC among a department's listed codes, if there is one."""
    valid = set()
    for candidate in candidates:
        try:
            valid.add(parse_uscc(candidate).code)
        except OneStopError:
            continue
    return valid.pop() if len(valid) == 1 else None
