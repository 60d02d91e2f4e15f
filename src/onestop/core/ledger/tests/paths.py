"""Locations of the repository and of the known-answer ledger vectors beside it."""

from __future__ import annotations

from pathlib import Path

from onestop.testing import shared_data

REPO = Path(__file__).resolve().parents[5]
VECTORS = shared_data("ledger-vectors")
