"""Store the tree in tiles of 16 hashes instead of one row per subtree.

A proof then reads one small row per band of four levels, and the table holds about
one row per 15 entries instead of two rows per entry. The conversion copies the
hashes of every fourth level (0, 4, 8, ...) into tiles, in batches; the levels in
between are computed from the tiles when they are read. Going back recomputes them.
"""

from django.db import migrations, models

# The values of models.TILE_HEIGHT and models.TILE_KEY_INDEX_BITS when this was written.
TILE_HEIGHT = 4
TILE_WIDTH = 1 << TILE_HEIGHT
TILE_KEY_INDEX_BITS = 59
NODE_KEY_LEVEL_BITS = 6
LEVELS = 64
BATCH = 1000


def _node_hash(left: bytes, right: bytes) -> bytes:
    import hashlib

    return hashlib.sha256(b"\x01" + left + right).digest()


def nodes_to_tiles(apps, schema_editor):
    node_model = apps.get_model("ledger", "LedgerNode")
    tile_model = apps.get_model("ledger", "LedgerTile")
    for band in range(LEVELS // TILE_HEIGHT):
        level = band * TILE_HEIGHT
        rows = (
            node_model.objects.filter(level=level)
            .order_by("index")
            .values_list("index", "hash")
            .iterator(chunk_size=BATCH * TILE_WIDTH)
        )
        tiles: dict[int, list[bytes]] = {}
        expected = 0
        for index, value in rows:
            if index != expected:
                raise ValueError(
                    f"ledger node {level}/{expected} is missing; run `onestop ledger "
                    "verify` on the previous version and repair the tree first"
                )
            expected += 1
            tile_index = index >> TILE_HEIGHT
            if tile_index not in tiles and len(tiles) >= BATCH:
                _write_tiles(tile_model, band, tiles)
                tiles = {}
            tiles.setdefault(tile_index, []).append(bytes(value))
        _write_tiles(tile_model, band, tiles)
        if expected == 0:
            break


def _write_tiles(tile_model, band: int, tiles: dict[int, list[bytes]]) -> None:
    tile_model.objects.bulk_create(
        [
            tile_model(
                key=(band << TILE_KEY_INDEX_BITS) | index,
                band=band,
                index=index,
                hashes=b"".join(values),
            )
            for index, values in tiles.items()
        ],
        batch_size=BATCH,
    )


def tiles_to_nodes(apps, schema_editor):
    node_model = apps.get_model("ledger", "LedgerNode")
    tile_model = apps.get_model("ledger", "LedgerTile")
    nodes = []
    rows = tile_model.objects.order_by("key").values_list("band", "index", "hashes")
    for band, tile_index, stored in rows.iterator(chunk_size=BATCH):
        data = bytes(stored)
        hashes = [data[at : at + 32] for at in range(0, len(data), 32)]
        first = tile_index * TILE_WIDTH
        for height in range(TILE_HEIGHT):
            level = band * TILE_HEIGHT + height
            for offset, value in enumerate(hashes):
                index = (first >> height) + offset
                nodes.append(
                    node_model(
                        key=(index << NODE_KEY_LEVEL_BITS) | level,
                        level=level,
                        index=index,
                        hash=value,
                    )
                )
            hashes = [
                _node_hash(hashes[at], hashes[at + 1])
                for at in range(0, len(hashes) - 1, 2)
            ]
        if len(nodes) >= BATCH * TILE_WIDTH:
            node_model.objects.bulk_create(nodes, batch_size=BATCH)
            nodes = []
    node_model.objects.bulk_create(nodes, batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_encrypt_ledger_key"),
    ]

    operations = [
        migrations.CreateModel(
            name="LedgerTile",
            fields=[
                ("key", models.BigIntegerField(primary_key=True, serialize=False)),
                ("band", models.PositiveSmallIntegerField()),
                ("index", models.BigIntegerField()),
                ("hashes", models.BinaryField(max_length=512)),
            ],
            options={
                "verbose_name": "ledger tree tile",
            },
        ),
        migrations.RunPython(nodes_to_tiles, tiles_to_nodes),
        migrations.RemoveConstraint(
            model_name="ledgernode",
            name="ledger_node_position",
        ),
        migrations.DeleteModel(
            name="LedgerNode",
        ),
    ]
