"""Pack versions: Semantic Versioning order, and the version a centre is on."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _

from onestop.catalog.models import PackInstallation
from onestop.core.errors import InvalidInput, echoed
from onestop.core.models import Centre

_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$"
)


class PackNotNewer(InvalidInput):
    code = "pack_upgrade.not_newer"
    message = _(
        "The pack version %(version)s is not newer than %(installed)s, the version the "
        "centre is on. Give a pack with a higher version in pack.yaml."
    )


class PackOlderThanInstalled(PackNotNewer):
    code = "pack_upgrade.older_than_installed"
    message = _(
        "The pack %(pack)s version %(version)s is older than %(installed)s, the version "
        "%(centre)s is on, so provisioning it would put the matters back to the older "
        "definitions. Provision with version %(installed)s or newer, and move to a newer "
        "version with `onestop pack upgrade`."
    )


class VersionInvalid(InvalidInput):
    code = "pack_upgrade.version_invalid"
    message = _(
        "The version %(version)s is not a semantic version such as 1.2.0. Correct the "
        "version in pack.yaml."
    )


def parse_version(version: str) -> tuple[tuple[int, int, int], list[str]]:
    """Return ((major, minor, patch), pre-release identifiers) of a semantic version."""
    match = _SEMVER.match(str(version).strip())
    if match is None:
        raise VersionInvalid(version=echoed(version))
    numbers = (int(match.group(1)), int(match.group(2)), int(match.group(3)))
    return numbers, match.group(4).split(".") if match.group(4) else []


def compare_versions(left: str, right: str) -> int:
    """Return -1, 0 or 1 as `left` has lower, equal or higher precedence than `right`.

    Follows Semantic Versioning 2.0.0: a pre-release is lower than its release, and build
    metadata is ignored.
    """
    left_numbers, left_pre = parse_version(left)
    right_numbers, right_pre = parse_version(right)
    if left_numbers != right_numbers:
        return -1 if left_numbers < right_numbers else 1
    if left_pre == right_pre:
        return 0
    if not left_pre or not right_pre:
        return 1 if not left_pre else -1
    for a, b in zip(left_pre, right_pre, strict=False):
        if a != b:
            return -1 if _pre_key(a) < _pre_key(b) else 1
    return -1 if len(left_pre) < len(right_pre) else 1


def _pre_key(identifier: str) -> tuple[int, int, str]:
    if identifier.isdigit():
        return (0, int(identifier), "")
    return (1, 0, identifier)


def latest_installation(centre: Centre) -> PackInstallation | None:
    """Return the centre's latest pack installation, the pack version it is on."""
    return (
        PackInstallation.objects.for_centre(centre)
        .order_by("-installed_at", "-pk")
        .first()
    )


def newer_installed_version(centre: Centre, pack: Any) -> str | None:
    """Return the version of `pack` the centre is on when it is newer than `pack`'s.

    A centre on another pack, or on none, returns None: versions of different packs
    do not compare.
    """
    installed = latest_installation(centre)
    metadata = getattr(pack, "metadata", {}) or {}
    if installed is None or installed.pack_id != str(metadata.get("id", "pack")):
        return None
    if compare_versions(str(metadata.get("version", "")), installed.version) < 0:
        return installed.version
    return None


def check_not_older(centre: Centre, pack: Any) -> None:
    """Raise PackOlderThanInstalled when the centre is on a newer version of `pack`.

    Provisioning the same version again is allowed, because it applies changed
    bindings.
    """
    installed = newer_installed_version(centre, pack)
    if installed is not None:
        metadata = getattr(pack, "metadata", {}) or {}
        raise PackOlderThanInstalled(
            pack=str(metadata.get("id", "pack")),
            version=str(metadata.get("version", "")),
            installed=installed,
            centre=centre.name,
        )
