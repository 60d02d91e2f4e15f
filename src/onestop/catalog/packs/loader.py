"""Load a valid catalogue pack into plain data with every optional key filled in."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from onestop.core.logging import get_logger
from onestop.core.progress import ProgressCallback

from .errors import InvalidPack
from .validate import check_pack

logger = get_logger(__name__)

MATTER_DEFAULTS: dict[str, Any] = {
    "guide_only": False,
    "basic_code": None,
    "implementation_code": None,
    "business_item_code": None,
    "version": None,
    "status": "active",
    "power_source": "statutory",
    "exercise_levels": [],
    "implementing_body_nature": "statutory_body",
    "entrusted_department": None,
    "joint_bodies": [],
    "main_item": None,
    "service_objects": [],
    "handling_type": "commitment",
    "time_limits": None,
    "visits": {"count": 1, "reason": None},
    "handling_forms": ["window"],
    "online_depth": "information",
    "supports": {},
    "scope": {"range": "county", "form": None},
    "conditions": "",
    "legal_basis": [],
    "location": "",
    "hours": "",
    "consultation": "",
    "complaint": "",
    "special_procedures": [],
    "quantity_limit": None,
    "materials": [],
    "fees": {"charged": False, "items": [], "waivable": False},
    "steps": [],
    "result": None,
    "form_fields": [],
    "faqs": [],
    "sources": [],
    "local_practice": [],
}
SUPPORTS_DEFAULTS = {
    "appointment": False,
    "express_delivery": False,
    "online_payment": False,
}
MATERIAL_DEFAULTS: dict[str, Any] = {
    "copies": 1,
    "spec": None,
    "source_detail": None,
    "certificate_type": None,
    "blank_form": None,
    "sample": None,
    "notes": None,
    "acceptance_standard": None,
}
FORM_FIELD_DEFAULTS: dict[str, Any] = {
    "required": False,
    "max_length": None,
    "min": None,
    "max": None,
    "pattern": None,
    "choices": [],
    "help": None,
    "applicant_id": False,
    "applicant_name": False,
    "enterprise_uscc": False,
    "enterprise_name": False,
    "enterprise_legal_representative": False,
}
STEP_DEFAULTS: dict[str, Any] = {"limit": None, "standard": "", "outcome": ""}


@dataclass
class Pack:
    """A loaded pack: its metadata, department roles, certificate types and matters.

    Change a copy of a loaded pack, not the pack itself, because `matter_json` keeps the
    JSON text of each matter dict it serialised. `copy.deepcopy` and pickle leave that
    cache out.
    """

    metadata: dict[str, Any]
    departments: dict[str, dict[str, Any]]
    certificate_types: list[dict[str, Any]]
    matters: list[dict[str, Any]]
    bundles: list[dict[str, Any]] = field(default_factory=list)
    _matter_json: dict[str, tuple[dict[str, Any], str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_matter_json": {}}

    def matter_json(self, matter: dict[str, Any]) -> str:
        """Return `json.dumps(matter)` for one of the pack's matters, serialised once.

        The cached text is used only for the same dict object, so another dict with the
        same id, such as the matter with an overlay applied, is serialised again.
        """
        cached = self._matter_json.get(matter["id"])
        if cached is not None and cached[0] is matter:
            return cached[1]
        text = json.dumps(matter)
        self._matter_json[matter["id"]] = (matter, text)
        return text

    def matter(self, matter_id: str) -> dict[str, Any] | None:
        """Return the matter with this id, or None."""
        return next((item for item in self.matters if item["id"] == matter_id), None)

    def certificate_type(self, code: str) -> dict[str, Any] | None:
        """Return the certificate type with this code, or None."""
        return next(
            (item for item in self.certificate_types if item["code"] == code), None
        )


def load_pack(path: str | Path, progress: ProgressCallback | None = None) -> Pack:
    """Load the pack folder or .zip at `path`.

    `progress` is called with the count of files checked and the file count.
    Raises InvalidPack, which carries the full list of errors, unless the pack is valid.
    Matters come sorted by id, with every optional key present (see MATTER_DEFAULTS).
    """
    checked = check_pack(path, progress)
    if checked.errors:
        logger.info("catalog_pack.invalid", error_count=len(checked.errors))
        raise InvalidPack(str(path), checked.errors)

    metadata = dict(checked.fixed["pack"].data)
    bundles = list(metadata.pop("bundles", None) or [])
    departments = checked.fixed["departments"].data["departments"]
    certificate_types = checked.fixed["certificate_types"].data["certificate_types"]
    matters = sorted(
        (fill_matter_defaults(document.data) for document in checked.matters),
        key=lambda matter: matter["id"],
    )

    logger.info(
        "catalog_pack.loaded",
        pack_id=metadata["id"],
        pack_version=metadata["version"],
        matter_count=len(matters),
    )
    return Pack(metadata, departments, certificate_types, matters, bundles)


def fill_matter_defaults(matter: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of `matter` with every optional key present."""
    filled = copy.deepcopy(MATTER_DEFAULTS)
    filled.update(copy.deepcopy(matter))

    filled["supports"] = {**SUPPORTS_DEFAULTS, **filled["supports"]}
    filled["fees"] = {"items": [], "waivable": False, **filled["fees"]}
    filled["visits"] = {"reason": None, **filled["visits"]}
    filled["materials"] = [
        {**MATERIAL_DEFAULTS, **item} for item in filled["materials"]
    ]
    filled["form_fields"] = [
        {**FORM_FIELD_DEFAULTS, **item} for item in filled["form_fields"]
    ]
    filled["steps"] = [{**STEP_DEFAULTS, **item} for item in filled["steps"]]
    filled["legal_basis"] = [
        {"article": None, "excerpt": None, **item} for item in filled["legal_basis"]
    ]
    if isinstance(filled["result"], dict):
        filled["result"] = {"certificate_type": None, **filled["result"]}
    return filled


# The keys that fill_matter_defaults sets to null when they are absent: at the top of
# a matter, in its objects and in each item of its lists.
_NULL_DEFAULTS_AT_TOP = {key for key, value in MATTER_DEFAULTS.items() if value is None}
_NULL_DEFAULTS_IN_OBJECTS = {
    "visits": {"reason"},
    "scope": {"form"},
    "result": {"certificate_type"},
}
_NULL_DEFAULTS_IN_ITEMS = {
    "materials": {key for key, value in MATERIAL_DEFAULTS.items() if value is None},
    "form_fields": {key for key, value in FORM_FIELD_DEFAULTS.items() if value is None},
    "steps": {key for key, value in STEP_DEFAULTS.items() if value is None},
    "legal_basis": {"article", "excerpt"},
}


def drop_null_defaults(matter: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of `matter` without the null keys that fill_matter_defaults adds.

    A filled matter writes an absent optional key as null, which the matter schema
    rejects for most keys, so a filled matter is checked in this form. A key the author
    wrote as null is dropped too, because it means the same as an absent one.
    """
    result = _without_nulls(matter, _NULL_DEFAULTS_AT_TOP)
    for key, nullable in _NULL_DEFAULTS_IN_OBJECTS.items():
        if isinstance(result.get(key), dict):
            result[key] = _without_nulls(result[key], nullable)
    for key, nullable in _NULL_DEFAULTS_IN_ITEMS.items():
        if isinstance(result.get(key), list):
            result[key] = [
                _without_nulls(item, nullable) if isinstance(item, dict) else item
                for item in result[key]
            ]
    return result


def _without_nulls(data: dict[str, Any], keys: set[str]) -> dict[str, Any]:
    return {
        key: value for key, value in data.items() if not (value is None and key in keys)
    }
