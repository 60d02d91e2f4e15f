"""Read the files of a pack from a folder or a .zip, within fixed size limits.

Only YAML files are returned. Every member name of a .zip is checked, so a name that
would land outside the pack folder (zip-slip) or a member larger than the limit is
reported as an error and never read into memory whole.
"""

from __future__ import annotations

import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext_lazy as _

from .errors import PackError, make_error

# A standard matter file has a few kilobytes, and a county catalogue has about 1,200
# matters, so these limits leave room for a province-wide pack.
MAX_FILE_BYTES = 1024 * 1024
MAX_FILES = 20_000
MAX_TOTAL_BYTES = 256 * 1024 * 1024
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class PackFiles:
    """The YAML files of a pack by relative POSIX path, and the errors of reading them.

    `present` names every YAML file of the pack, also one that was not read because
    `errors` reports it as too large, unreadable or past a limit of the whole pack.
    `found` is False when no folder or readable .zip exists at the path.
    """

    files: dict[str, bytes] = field(default_factory=dict)
    errors: list[PackError] = field(default_factory=list)
    present: set[str] = field(default_factory=set)
    found: bool = True


def read_pack_files(path: str | Path) -> PackFiles:
    """Read the YAML files of the pack folder or .zip at `path`."""
    source = Path(path)
    if source.is_dir():
        return _read_folder(source)

    if source.is_file() and zipfile.is_zipfile(source):
        return _read_zip(source)

    result = PackFiles(found=False)
    result.errors.append(
        make_error(
            str(source),
            "",
            "pack.not_found",
            _(
                "No pack folder or .zip file was found at %(path)s. Give the path of a "
                "folder that contains pack.yaml, or of a .zip of that folder."
            ),
            path=str(source),
        )
    )
    return result


def _read_folder(root: Path) -> PackFiles:
    result = PackFiles()
    resolved_root = root.resolve()
    total = 0
    # Set once a limit of the whole pack is passed. The later files are then only
    # named in `present`, not read.
    stopped = False

    for file_path in sorted(root.rglob("*")):
        name = file_path.relative_to(root).as_posix()
        if not file_path.resolve().is_relative_to(resolved_root):
            result.errors.append(_escape_error(name))
            continue

        if not file_path.is_file() or not name.endswith(YAML_SUFFIXES):
            continue

        result.present.add(name)
        if stopped:
            continue

        if len(result.files) >= MAX_FILES:
            result.errors.append(_too_many_error(name))
            stopped = True
            continue

        size = file_path.stat().st_size
        if size > MAX_FILE_BYTES:
            result.errors.append(_too_large_error(name, size))
            continue

        total += size
        if total > MAX_TOTAL_BYTES:
            result.errors.append(_total_too_large_error(name))
            stopped = True
            continue

        result.files[name] = file_path.read_bytes()

    return result


def _read_zip(archive_path: Path) -> PackFiles:
    result = PackFiles()
    try:
        with zipfile.ZipFile(archive_path) as archive:
            members = archive.infolist()
            prefix = _common_folder(members)
            _read_members(archive, members, prefix, result)
    except zipfile.BadZipFile as error:
        result.found = False
        result.errors.append(
            make_error(
                archive_path.name,
                "",
                "zip.invalid",
                _("The .zip file is damaged: %(error)s. Create the archive again."),
                error=str(error),
            )
        )
    return result


def _read_members(
    archive: zipfile.ZipFile,
    members: list[zipfile.ZipInfo],
    prefix: str,
    result: PackFiles,
) -> None:
    total = 0
    # Set once a limit of the whole pack is passed. The later members are then only
    # named in `present`, not read.
    stopped = False
    for info in members:
        name = info.filename
        if not _is_safe_member_name(name):
            result.errors.append(_escape_error(name))
            continue

        if _is_symlink(info):
            result.errors.append(
                make_error(
                    name,
                    "",
                    "zip.symlink",
                    _(
                        "The .zip member %(name)s is a symbolic link. A pack contains "
                        "regular files only; replace the link with the file itself."
                    ),
                    name=name,
                )
            )
            continue

        relative = name[len(prefix) :]
        if info.is_dir() or not relative.endswith(YAML_SUFFIXES):
            continue

        if relative in result.present:
            result.errors.append(
                make_error(
                    relative,
                    "",
                    "zip.duplicate_member",
                    _(
                        "The .zip contains %(name)s more than once. Keep one copy of "
                        "each file."
                    ),
                    name=relative,
                )
            )
            continue

        result.present.add(relative)
        if stopped:
            continue

        if len(result.files) >= MAX_FILES:
            result.errors.append(_too_many_error(relative))
            stopped = True
            continue

        if info.file_size > MAX_FILE_BYTES:
            result.errors.append(_too_large_error(relative, info.file_size))
            continue

        data = _read_bounded(archive, info, relative, result)
        if data is None:
            continue

        total += len(data)
        if total > MAX_TOTAL_BYTES:
            result.errors.append(_total_too_large_error(relative))
            stopped = True
            continue

        result.files[relative] = data


def _read_bounded(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, relative: str, result: PackFiles
) -> bytes | None:
    """Read one member, but never more than the limit even if its header lies."""
    try:
        with archive.open(info) as member:
            data = member.read(MAX_FILE_BYTES + 1)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError) as error:
        result.errors.append(
            make_error(
                relative,
                "",
                "zip.unreadable_member",
                _(
                    "The .zip member %(name)s could not be read: %(error)s. Store it "
                    "unencrypted with the deflate method."
                ),
                name=relative,
                error=str(error),
            )
        )
        return None

    if len(data) > MAX_FILE_BYTES:
        result.errors.append(_too_large_error(relative, len(data)))
        return None
    return data


def _common_folder(members: list[zipfile.ZipInfo]) -> str:
    """Return "name/" when all members sit in one top folder that contains pack.yaml."""
    names = [info.filename for info in members if _is_safe_member_name(info.filename)]
    if not names or "pack.yaml" in names:
        return ""

    tops = {name.split("/", 1)[0] for name in names}
    if len(tops) == 1:
        top = tops.pop()
        if f"{top}/pack.yaml" in names:
            return f"{top}/"
    return ""


def _is_safe_member_name(name: str) -> bool:
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return False

    parts = PurePosixPath(name).parts
    if parts and ":" in parts[0]:
        return False
    return ".." not in parts


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return stat.S_ISLNK(mode)


def _escape_error(name: str) -> PackError:
    return make_error(
        name,
        "",
        "path.escape",
        _(
            "The path %(name)s leads outside the pack folder. Use relative paths "
            "without '..', a leading '/', a drive letter or backslashes."
        ),
        name=name,
    )


def _too_large_error(name: str, size: int) -> PackError:
    return make_error(
        name,
        "",
        "file.too_large",
        _(
            "The file %(name)s has %(size)s bytes, more than the limit of %(limit)s. "
            "Split it or remove unneeded text."
        ),
        name=name,
        size=size,
        limit=MAX_FILE_BYTES,
    )


def _too_many_error(name: str) -> PackError:
    return make_error(
        name,
        "",
        "pack.too_many_files",
        _(
            "The pack has more than %(limit)s YAML files; %(name)s and later were "
            "not read."
        ),
        name=name,
        limit=MAX_FILES,
    )


def _total_too_large_error(name: str) -> PackError:
    return make_error(
        name,
        "",
        "pack.too_large",
        _(
            "The YAML files of the pack add up to more than %(limit)s bytes; %(name)s "
            "and later were not read."
        ),
        name=name,
        limit=MAX_TOTAL_BYTES,
    )
