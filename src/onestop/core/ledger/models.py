"""Tables of the ledger: log head, entries, subtree hashes, checkpoints and keys.

The deployment has one log. Entries keep the centre as a plain id, not a foreign key, so
that no tenant change or deletion can cascade into the ledger, and the ledger does not
depend on any other app's migrations.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A node key packs (level, index) into one integer so a proof reads its nodes in one
# query. Levels stay below 64 and indices below 2**57, which fits a signed 64-bit
# column.
NODE_KEY_LEVEL_BITS = 6


def node_key(level: int, index: int) -> int:
    """Return the primary key of the stored subtree `(level, index)`."""
    return (index << NODE_KEY_LEVEL_BITS) | level


class LogHead(models.Model):
    """The single row that the sequencer locks; `size` counts the integrated entries."""

    size = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ledger head")

    def __str__(self) -> str:
        return f"ledger head at size {self.size}"


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


class LedgerNode(models.Model):
    """The hash of a perfect subtree: 2**level leaves from leaf index * 2**level on.

    Level 0 rows are the leaf hashes. The primary key is `node_key(level, index)`.
    """

    key = models.BigIntegerField(primary_key=True)
    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        verbose_name = _("ledger tree node")
        constraints = [
            models.UniqueConstraint(
                fields=["level", "index"], name="ledger_node_position"
            ),
        ]

    def __str__(self) -> str:
        return f"node {self.level}/{self.index}"


class Checkpoint(models.Model):
    """A signed tree head (签名树头): a C2SP tlog-checkpoint as a signed note."""

    size = models.BigIntegerField(_("tree size"), unique=True)
    root_hash = models.BinaryField(_("root hash"), max_length=32)
    note = models.TextField(_("signed note"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)

    class Meta:
        verbose_name = _("ledger checkpoint")
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
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ledger signing key")

    def __str__(self) -> str:
        return self.name
