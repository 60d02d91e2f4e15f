"""Catalogue packs (标准事项包): a portable, versioned folder of YAML files.

Call `validate_pack(path)` to list every error of a pack folder or .zip, and
`load_pack(path)` to read a valid one; docs/catalogue-packs.md describes the format.
"""

from pathlib import Path

from .errors import InvalidPack, PackError
from .loader import Pack, drop_null_defaults, fill_matter_defaults, load_pack
from .validate import validate_pack

STANDARD_PACK_DIR = Path(__file__).resolve().parent / "standard"

__all__ = [
    "STANDARD_PACK_DIR",
    "InvalidPack",
    "Pack",
    "PackError",
    "drop_null_defaults",
    "fill_matter_defaults",
    "load_pack",
    "validate_pack",
]
