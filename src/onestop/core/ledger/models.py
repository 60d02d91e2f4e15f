"""Tables of the ledger: log head, entries, tiles of subtree hashes, checkpoints, keys.

The deployment has one log. Entries keep the centre as a plain id, not a foreign key, so
that no tenant change or deletion can cascade into the ledger, and the ledger does not
depend on any other app's migrations.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The tree is stored in tiles (C2SP tlog-tiles style, with a smaller height). Band b
# contains the hashes of tree level b * TILE_HEIGHT. Tile (b, t) contains up to
# TILE_WIDTH of them, for nodes t * TILE_WIDTH onwards. Every level inside a band is
# computed from the tile. A tile row of 16 hashes (512 bytes) stays below PostgreSQL's
# TOAST threshold of about 2 KB, so it is read without a second lookup.
TILE_HEIGHT = 4
TILE_WIDTH = 1 << TILE_HEIGHT
# Levels stay below 64, so bands stay below 16. The key puts the band in the top bits,
# so that the tiles of one band are neighbours in the primary key.
TILE_BANDS = 64 // TILE_HEIGHT
TILE_KEY_INDEX_BITS = 59


def tile_key(band: int, index: int) -> int:
    """Return the primary key of tile `index` of band `band`."""
    return (band << TILE_KEY_INDEX_BITS) | index


class LogHead(models.Model):
    """The single row that the sequencer locks; `size` counts the integrated entries."""

    size = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ledger head")

    def __str__(self) -> str:
        return f"ledger head at size {self.size}"


# Columns of LedgerEntry that repeat a field of the canonical document, for filtering.
DOCUMENT_COLUMNS = ("kind", "centre_id", "queued_at")


def document_columns(document: dict[str, Any]) -> dict[str, Any]:
    """Return the values of DOCUMENT_COLUMNS that an entry's canonical document fixes.

    Raises KeyError, TypeError or ValueError when `document` is not an entry document.
    """
    return {
        "kind": document["kind"],
        "centre_id": document["centre"],
        "queued_at": dt.datetime.fromisoformat(document["queued_at"]),
    }


class LedgerEntry(models.Model):
    """One record of the log (存证记录), queued in the caller's transaction.

    `data` contains the canonical JSON bytes that the leaf hash covers. A pending entry
    has neither `index` nor `leaf_hash`.
    """

    kind = models.CharField(_("kind"), max_length=80)
    centre_id = models.BigIntegerField(
        _("centre id"), null=True, blank=True, db_index=True
    )
    data = models.BinaryField(_("canonical entry"))
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    index = models.BigIntegerField(_("log index"), null=True, blank=True, unique=True)
    leaf_hash = models.BinaryField(_("leaf hash"), max_length=32, null=True, blank=True)
    integrated_at = models.DateTimeField(_("integrated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(index__isnull=True),
                name="ledger_entry_pending",
            ),
            models.Index(fields=["centre_id", "kind"], name="ledger_entry_centre_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}#{self.index if self.index is not None else 'pending'}"


class LedgerTile(models.Model):
    """Up to TILE_WIDTH hashes of tree level `band * TILE_HEIGHT`, left to right.

    Tile `index` of band `band` contains the hashes of nodes `index * TILE_WIDTH` onwards
    at that level; a node of that level covers `2**(band * TILE_HEIGHT)` leaves. Band 0
    contains leaf hashes. The rightmost tile of a band may contain fewer hashes, and the
    sequencer extends it as the log grows. The primary key is `tile_key(band, index)`.
    """

    key = models.BigIntegerField(primary_key=True)
    band = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hashes = models.BinaryField(max_length=TILE_WIDTH * 32)

    class Meta:
        verbose_name = _("ledger tree tile")

    def __str__(self) -> str:
        return f"tile {self.band}/{self.index}"


class Checkpoint(models.Model):
    """A signed tree head (签名树头): a C2SP tlog-checkpoint as a signed note."""

    size = models.BigIntegerField(_("tree size"), unique=True)
    root_hash = models.BinaryField(_("root hash"), max_length=32)
    note = models.TextField(_("signed note"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)

    class Meta:
        verbose_name = _("ledger checkpoint")
        verbose_name_plural = _("ledger checkpoints")
        ordering = ["size"]

    def __str__(self) -> str:
        return f"checkpoint {self.pk} at size {self.size}"


class LedgerKey(models.Model):
    """The Ed25519 key that signs checkpoints; `name` is the signed-note key name.

    `private_key_encrypted` is the output of `core.signing.encrypt_private_key`, bound
    to the key name. `core.ledger.checkpoint` is the only module that opens it.
    """

    name = models.CharField(max_length=200, unique=True)
    private_key_encrypted = models.BinaryField()
    # The raw 32-byte Ed25519 public key, so that verifying checkpoints needs neither
    # the private key nor the secret key that encrypts it. Empty for a key stored before
    # this column, until `checkpoint.verifier_key` fills it in once.
    public_key = models.BinaryField(default=b"", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ledger signing key")

    def __str__(self) -> str:
        return self.name
