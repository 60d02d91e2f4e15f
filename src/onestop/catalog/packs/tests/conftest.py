"""Fixtures that copy small packs from the standard pack, to break one rule each."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from onestop.catalog.packs import STANDARD_PACK_DIR

SMALL_PACK_MATTERS = ["food-business-licence", "id-card-renewal"]


def read_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def write_yaml(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


@pytest.fixture
def small_pack(tmp_path: Path) -> Path:
    """Return a valid pack folder with the fixed files and two standard matters."""
    root = tmp_path / "pack"
    (root / "matters").mkdir(parents=True)
    for name in ["pack.yaml", "departments.yaml", "certificate_types.yaml"]:
        shutil.copy(STANDARD_PACK_DIR / name, root / name)
    for matter_id in SMALL_PACK_MATTERS:
        shutil.copy(
            STANDARD_PACK_DIR / "matters" / f"{matter_id}.yaml",
            root / "matters" / f"{matter_id}.yaml",
        )
    return root


@pytest.fixture
def edit_matter(small_pack: Path) -> Callable[[str, Callable[[dict], None]], Path]:
    """Return a function that changes one matter of the small pack in place."""

    def edit(matter_id: str, change: Callable[[dict], None]) -> Path:
        path = small_pack / "matters" / f"{matter_id}.yaml"
        data = read_yaml(path)
        change(data)
        write_yaml(path, data)
        return path

    return edit
