"""Locations of the repository and of the known-answer ledger vectors beside it."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[5]
VECTORS = REPO.parent / "shared" / "data" / "ledger-vectors"
