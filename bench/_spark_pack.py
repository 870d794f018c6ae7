"""Spark: the check with its lines shuffled as Arrow IPC blobs (tried, not taken).

``codekit.spark.check_claims`` shuffles the lines row by row: Spark serialises every row
(``UnsafeRow``), writes, reads and hashes it in the JVM, then writes it again into the
Arrow batches its Python worker reads. This experiment moves them as a few large values
instead. A first ``mapInArrow`` takes each input partition's lines as Arrow, sorts them by
their bucket (Spark's own ``pmod(hash(scope), n)``, computed in the JVM) and writes each
bucket's slice as one Arrow IPC stream, one row ``(key, payload)`` per bucket and slice;
the shuffle then moves those rows, and the check's ``mapInArrow`` reads each bucket's
blobs back as Arrow without copying. ``key`` is chosen per bucket so that Spark's hash
partitioning (``pmod(murmur3(key, 42), n)``) sends bucket ``b`` to partition ``b``.

``python -m bench._spark_pack --lines 1000000`` (an experiment kept for the record, so
``python -m bench`` does not run it) checks that both ways give the same findings, then
measures them alternating, as ``bench/spark.py`` does: the JVM saves part of the row
shuffle, but the packing is a second Python stage, one more task per input partition, and
its Python worker costs more than the JVM saves (``docs/spark.md``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["main", "murmur3_int", "packer", "partition_keys", "unpack"]

#: The JVM-computed bucket column the packer reads (and drops).
BUCKET = "__codekit_bucket"
#: The packed lines: one row per bucket and input slice.
PACKED_DDL = "key int, payload binary"
#: An input partition is packed in slices of at most about this many lines (bounds the
#: worker's memory and each blob's size).
GATHER_ROWS = 500_000

_MASK = 0xFFFFFFFF


def _rotl(value: int, bits: int) -> int:
    return ((value << bits) | (value >> (32 - bits))) & _MASK


def murmur3_int(value: int, seed: int = 42) -> int:
    """Spark's ``Murmur3_x86_32.hashInt`` (the hash of an ``int`` column), signed."""
    k1 = (value & _MASK) * 0xCC9E2D51 & _MASK
    k1 = _rotl(k1, 15) * 0x1B873593 & _MASK
    h1 = _rotl(seed & _MASK ^ k1, 13)
    h1 = (h1 * 5 + 0xE6546B64) & _MASK
    h1 ^= 4
    h1 ^= h1 >> 16
    h1 = h1 * 0x85EBCA6B & _MASK
    h1 ^= h1 >> 13
    h1 = h1 * 0xC2B2AE35 & _MASK
    h1 ^= h1 >> 16
    return h1 - (1 << 32) if h1 & 0x80000000 else h1


def partition_keys(n: int) -> list[int]:
    """For each partition ``p`` of ``n``, the smallest non-negative ``int`` Spark's hash
    partitioning into ``n`` partitions sends to ``p``."""
    keys: list[int | None] = [None] * n
    missing, value = n, 0
    while missing:
        target = murmur3_int(value) % n
        if keys[target] is None:
            keys[target] = value
            missing -= 1
        value += 1
    return [k for k in keys if k is not None]


def _blob(table: Any, compression: str | None) -> bytes:
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression=compression)
    with pa.ipc.new_stream(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue())


def packer(
    buckets: int,
    *,
    gather: int = GATHER_ROWS,
    blob_rows: int | None = None,
    compression: str | None = None,
) -> Callable[[Iterator[Any]], Iterator[Any]]:
    """The first ``mapInArrow``: the lines of each slice of an input partition (batches
    gathered until they hold ``gather`` lines) as one blob per bucket present in it."""
    keys = partition_keys(buckets)

    def pack(batches: Iterator[Any]) -> Iterator[Any]:
        import numpy as np
        import pyarrow as pa

        def flush(gathered: list[Any]) -> Any:
            table = pa.Table.from_batches(gathered)
            bucket = table.column(BUCKET).to_numpy()
            table = table.drop_columns([BUCKET])
            order = np.argsort(bucket, kind="stable")
            counts = np.bincount(bucket, minlength=buckets)
            ordered = table.take(order)
            starts = np.concatenate([[0], np.cumsum(counts)])
            step = blob_rows or len(table) or 1
            found, payloads = [], []
            for b in np.flatnonzero(counts):
                for at in range(int(starts[b]), int(starts[b + 1]), step):
                    part = ordered.slice(at, min(step, int(starts[b + 1]) - at))
                    payloads.append(_blob(part.combine_chunks(), compression))
                    found.append(keys[b])
            return pa.RecordBatch.from_arrays(
                [
                    pa.array(found, type=pa.int32()),
                    pa.array(payloads, type=pa.binary()),
                ],
                names=["key", "payload"],
            )

        gathered: list[Any] = []
        rows = 0
        for batch in batches:
            if not batch.num_rows:
                continue
            gathered.append(batch)
            rows += batch.num_rows
            if rows >= gather:
                yield flush(gathered)
                gathered, rows = [], 0
        if gathered:
            yield flush(gathered)

    return pack


def unpack(batches: Iterator[Any]) -> Any:
    """The lines of one partition's blobs as one Arrow table (``None`` when there are none)."""
    import pyarrow as pa

    parts = [
        pa.ipc.open_stream(payload.as_buffer()).read_all()
        for batch in batches
        for payload in batch.column(1)
    ]
    if not parts:
        return None
    return pa.concat_tables(parts)


def _bucketed(lines: Any, buckets: int) -> Any:
    """``lines`` with each one's bucket, ``pmod(hash(scope), buckets)``, made in the JVM."""
    from pyspark.sql import functions as F

    from codekit._spark.check import SCOPE

    scope = [F.col(c) for c in SCOPE if c in lines.columns]
    return lines.withColumn(BUCKET, F.pmod(F.hash(*scope), F.lit(buckets)))


def plan(lines: Any, policy: Any, data: str, buckets: int) -> Any:
    """The packed check of ``lines``: bucket in the JVM, pack, shuffle the blobs, check."""
    from codekit._frames.convert import as_pandas_lines
    from codekit._frames.findings import findings_to_arrow, spark_ddl
    from codekit._spark.ship import activate

    def check(batches: Iterator[Any]) -> Iterator[Any]:
        import codekit

        table = unpack(batches)
        if table is None or not table.num_rows:
            return
        activate(data)
        found = codekit.check_claims(as_pandas_lines(table), policy=policy)
        yield from findings_to_arrow(found).to_batches()

    blobs = _bucketed(lines, buckets).mapInArrow(packer(buckets), PACKED_DDL)
    return blobs.repartition(buckets, "key").mapInArrow(check, spark_ddl())


def _same(one: Any, other: Any) -> bool:
    def rows(frame: Any) -> list[str]:
        return sorted(map(repr, frame.toArrow().to_pylist()))

    return rows(one) == rows(other)


def main(argv: list[str] | None = None) -> None:
    from bench import spark as bench

    parser = argparse.ArgumentParser(prog="python -m bench._spark_pack", description=__doc__)
    parser.add_argument("--lines", type=int, default=int(bench.LINES))
    parser.add_argument("--master", default="local[1]")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv if argv is not None else [])
    corpus = os.environ.get("CODEKIT_CMS_CORPUS")
    if not corpus or not Path(corpus).is_dir():
        print("skipped: set CODEKIT_CMS_CORPUS to the CMS corpus folder")
        return
    os.environ["CODEKIT_DATA_DIR"] = tempfile.mkdtemp(prefix="codekit-bench-pack-")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    import codekit.data
    import codekit.ncci
    import codekit.spark
    from codekit._frames.findings import spark_ddl

    folder = Path(corpus)
    codekit.data.install([folder / bench.PTP, folder / bench.MUE, folder / bench.AOC])
    policy = codekit.ncci.Policy(validate_codes=False)
    table = bench._lines_table(folder, args.lines)
    spark = bench._session(args.master, 100_000, 8)
    data = codekit.spark.ship_data(spark)
    lines = spark.createDataFrame(table).repartition(8).cache()
    lines.count()
    buckets = codekit.spark.default_buckets(lines)
    rows = codekit.spark.check_claims(lines, policy=policy, data=data)
    packed = plan(lines, policy, data, buckets)
    if not _same(rows, packed):  # a figure of a different computation would mean nothing
        raise SystemExit("the packed check's findings differ from check_claims's: not measured")
    print("the same findings both ways")
    scope = [c for c in codekit.spark.SCOPE if c in lines.columns]
    blobs = _bucketed(lines, buckets)
    jobs = [
        bench.Job("scan", bench._noop(lines)),
        bench.Job(
            "rows to Python",
            bench._noop(lines.repartition(buckets, *scope).mapInArrow(bench._nothing, spark_ddl())),
        ),
        bench.Job(
            "packed to Python",
            bench._noop(
                blobs.mapInArrow(packer(buckets), PACKED_DDL)
                .repartition(buckets, "key")
                .mapInArrow(bench._nothing, spark_ddl())
            ),
        ),
        bench.Job("check (rows)", bench._noop(rows)),
        bench.Job("check packed", bench._noop(packed)),
    ]
    for job in jobs:
        job.once()  # warm: workers started, tables opened, the JVM's code compiled
        job.rounds, job.best = [], None
    for _ in range(args.rounds):
        for job in jobs:
            job.once()
    print(f"{args.master}, {args.lines:,} lines, {buckets} buckets, best of {args.rounds}:")
    bench._report(args.lines, jobs)
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
