"""Spark: NCCI check throughput in local[1] and local[2] against the pandas batch path.

Run ``python -m bench.spark --lines 200000,1000000,2000000`` (or ``python -m bench spark``,
sized by ``CODEKIT_BENCH_SPARK_LINES``, default 400,000). Lines are synthetic
(``codekit._frames.synthetic``) over the codes of the genuine CMS tables of the test corpus
(``CODEKIT_CMS_CORPUS``), installed into a temporary data directory and shipped to the
executors with ``codekit.spark.ship_data``. Every job writes to Spark's ``noop`` sink; its
input is cached and counted first, so building it is not counted.

For each job it prints the wall time and the CPU seconds of the JVM (driver and executors:
one process in local mode) and of the Python workers (``/proc`` of the process tree,
workers that ended included), best of ``--rounds``, and every round's CPU (lowest /
median / highest). The jobs alternate, round after round, the pandas ones among them, so
every job sees the same machine load:

* ``pandas``: ``codekit.check_claims`` in this process on the same lines, as codekit reads
  an Arrow table (its fastest shape), warmed by one whole run; only this process's CPU
  counts. Its CPU is the per-core truth;
* ``pandas in buckets``: the same lines cut into as many frames of whole scopes as the
  check has buckets, checked one after the other (the engine's share of a Spark check);
* ``scan``: the cached lines to the sink (Spark's floor for any job on them);
* ``shuffle``: ``repartition`` by the scope, no Python;
* ``to Python``: that plus the Arrow transfer to workers that drop the batches;
* with ``--history``, the jobs of earlier decisions:
  ``no modifiers``: ``to Python`` without the ``modifiers`` column (what the array costs);
  ``modifiers as text``: with it joined into text in the JVM, with the check that each list
  reads back the same (the alternative ``check_claims`` does not take: it costs more);
  ``check 200 buckets``: with Spark's default ``spark.sql.shuffle.partitions`` as buckets
  (codekit's default before ``default_buckets``); ``check unfrozen``: with the worker's
  objects left to Spark's ``gc.collect()`` after each task (before ``gc.freeze``);
* ``check``: ``codekit.spark.check_claims`` (its default buckets); ``check clustered``: on
  lines already partitioned by beneficiary (``clustered=True``, no shuffle);
* ``engine in worker``: inside the workers, the seconds each step of the check takes
  (gather batches, to pandas, engine, findings to Arrow), summed over tasks.

Then lines/s per job, the scaling ratio local[2] / local[1] (goal >= 1.7) and per-core
throughput against pandas (goal >= 0.8), from wall time and from CPU time (lines per CPU
second of all processes: what a quiet machine's cores would give), of the best rounds and
of the median ones, and the cores
local[1] already keeps busy (CPU / wall: the JVM and the Python worker run side by side),
which bounds the scaling ratio on two cores at 2 / that.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

LINES = os.environ.get("CODEKIT_BENCH_SPARK_LINES", "400000")
PTP = "ptp/ccipra-v322r0-f1.excerpt.txt"
MUE = "mue/MCR_MUE_PractitionerServices_Eff_07-01-2026.excerpt.csv"
AOC = "aoc/AOC_V2026Q2-MCR.xlsx"
TICK = os.sysconf("SC_CLK_TCK")


def _tree_cpu() -> dict[str, float]:
    """CPU seconds of this process's descendants, as ``{"jvm": .., "python": .., "kernel":
    ..}``: each live process's own time plus that of its children that ended
    (``/proc/<pid>/stat``); ``kernel`` is the share of both spent in the kernel."""
    parents: dict[int, int] = {}
    stats: dict[int, tuple[str, float, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        parents[int(entry)] = int(fields[1])
        cpu = sum(int(f) for f in fields[11:15]) / TICK  # utime stime cutime cstime
        kernel = (int(fields[12]) + int(fields[14])) / TICK
        stats[int(entry)] = (name, cpu, kernel)
    me = os.getpid()
    out = {"jvm": 0.0, "python": 0.0, "kernel": 0.0}
    for pid, (name, cpu, kernel) in stats.items():
        up, seen = parents.get(pid), 0
        while up not in (None, 0, 1, me) and seen < 64:
            up, seen = parents.get(up), seen + 1  # type: ignore[arg-type]
        if up == me:
            out["jvm" if name == "java" else "python"] += cpu
            out["kernel"] += kernel
    return out


def _kernel_seconds() -> float:
    """This process's CPU seconds in the kernel so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_stime


class Job:
    """One kind of job, its best wall time and CPU split over the rounds."""

    def __init__(self, name: str, run: Callable[[], None], *, local: bool = False) -> None:
        self.name, self.run, self.local = name, run, local
        self.best: tuple[float, float, float, float] | None = None  # wall, jvm, python, driver
        self.rounds: list[float] = []  # CPU seconds of every round
        self.kernel = float("nan")  # of the best round's CPU, the seconds in the kernel

    def once(self) -> None:
        """One round; a ``local`` job (pandas in this process) counts this process only."""
        before, driver, start = _tree_cpu(), time.process_time(), time.perf_counter()
        kernel = _kernel_seconds()
        self.run()
        wall = time.perf_counter() - start
        driver = time.process_time() - driver
        kernel = _kernel_seconds() - kernel
        after = _tree_cpu()
        got = (wall, after["jvm"] - before["jvm"], after["python"] - before["python"], driver)
        if self.local:
            got = (wall, 0.0, 0.0, driver)
        else:
            kernel += after["kernel"] - before["kernel"]
        self.rounds.append(sum(got[1:]))
        if self.best is None or sum(got[1:]) < sum(self.best[1:]):
            self.best, self.kernel = got, kernel

    def median(self) -> float:
        """The median CPU seconds of the rounds."""
        return statistics.median(self.rounds) if self.rounds else float("nan")

    def spread(self) -> str:
        """The rounds' CPU seconds: lowest, median, highest."""
        if not self.rounds:
            return "no rounds"
        return f"{min(self.rounds):.2f} / {self.median():.2f} / {max(self.rounds):.2f}"

    def cpu(self) -> float:
        """CPU seconds of every process in the best round."""
        return sum(self.best[1:]) if self.best else float("nan")

    def wall(self) -> float:
        return self.best[0] if self.best else float("nan")


def _noop(frame: Any) -> Callable[[], None]:
    return lambda: frame.write.format("noop").mode("overwrite").save()


def _nothing(batches: Iterator[Any]) -> Iterator[Any]:
    for _ in batches:
        pass
    return iter(())


def _stepper(policy: Any, data: str) -> Callable[[Iterator[Any]], Iterator[Any]]:
    """The check's steps, timed inside the worker (what ``_checker`` runs), one row each."""

    def steps(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        import codekit
        from codekit._frames.convert import as_pandas_lines
        from codekit._frames.findings import findings_to_arrow
        from codekit._spark.ship import activate

        clock = time.process_time
        start = clock()
        gathered = [batch for batch in batches if batch.num_rows]
        if not gathered:
            return
        got = clock()
        activate(data)
        lines = as_pandas_lines(pa.Table.from_batches(gathered))
        converted = clock()
        found = codekit.check_claims(lines, policy=policy)
        checked = clock()
        findings_to_arrow(found)
        done = clock()
        yield pa.RecordBatch.from_pydict(
            {
                "gather": [got - start],
                "to_pandas": [converted - got],
                "engine": [checked - converted],
                "findings": [done - checked],
            }
        )

    return steps


def _without_modifiers(lines: Any, scope: list[str], partitions: int) -> Any:
    from codekit._frames.findings import spark_ddl

    frame = lines.drop("modifiers").repartition(partitions, *scope)
    return frame.mapInArrow(_nothing, spark_ddl())


def _modifiers_as_text(lines: Any, scope: list[str], partitions: int) -> Any:
    """``modifiers`` joined by spaces where that reads back as the same list (items of
    letters and digits, none missing), else as JSON after a NUL, all in the JVM."""
    from pyspark.sql import functions as F

    from codekit._frames.findings import spark_ddl

    items = F.col("modifiers")
    count, text = F.size(items), F.concat_ws(" ", items)
    plain = (count == 0) | (
        (F.size(F.array_compact(items)) == count)
        & text.rlike("^[A-Za-z0-9]+( [A-Za-z0-9]+)*$")
        & (F.length(text) - F.length(F.replace(text, F.lit(" "), F.lit(""))) == count - 1)
    )
    flat = F.when(items.isNull(), F.lit(None).cast("string")).when(plain, text)
    flat = flat.otherwise(F.concat(F.lit("\x00"), F.to_json(items)))
    frame = lines.withColumn("modifiers", flat).repartition(partitions, *scope)
    return frame.mapInArrow(_nothing, spark_ddl())


def _unfrozen(policy: Any, data: str) -> Callable[[Iterator[Any]], Iterator[Any]]:
    """The check as it ran before ``gc.freeze``: the worker's objects unfrozen at the start
    of each task, so Spark's ``gc.collect()`` after it walks them all again."""
    from codekit._spark.check import _checker

    inner = _checker("practitioner", None, policy, data)

    def check(batches: Iterator[Any]) -> Iterator[Any]:
        import gc

        from codekit._spark import ship

        keep = ship._freeze_at_task_start
        ship._freeze_at_task_start = lambda: None
        gc.unfreeze()
        try:
            yield from inner(batches)
        finally:
            ship._freeze_at_task_start = keep

    return check


def _lines_table(corpus: Path, n: int) -> Any:
    import pyarrow as pa

    from codekit._frames.synthetic import claim_lines

    rows = (corpus / PTP).read_bytes().decode("ascii").split("\r\n")[6:]
    codes = sorted({f for row in rows if row for f in row.split("\t")[:2]})
    codes += ["G2211", "99213", "0627T", "0628T"]
    return pa.table(claim_lines(codes, n, first_day=dt.date(2026, 7, 1), days=20))


def _session(master: str, batch: int, partitions: int) -> Any:
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(master)
        .appName(f"codekit-bench-{master}")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(batch))
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )


def _pandas(table: Any, policy: Any) -> Job:
    """The pandas batch path in this process on the same lines, warmed by one whole run."""
    import codekit
    from codekit._frames.convert import as_pandas_lines

    frame = as_pandas_lines(table)
    codekit.check_claims(frame, policy=policy)  # tables opened, caches warm

    def run() -> None:
        codekit.check_claims(frame, policy=policy)

    return Job("pandas", run, local=True)


def _pandas_in_buckets(table: Any, policy: Any, buckets: int) -> Job:
    """The same lines cut into ``buckets`` frames of whole scopes (as Spark's buckets hold
    them), checked one after the other in this process: the engine's share of a Spark
    check, without Spark."""
    import pyarrow as pa
    import pyarrow.compute as pc

    import codekit
    from codekit._frames.convert import as_pandas_lines

    scope = pc.binary_join_element_wise(
        table.column("beneficiary_id"), table.column("provider_id"), "\x00"
    )
    bucket = pc.dictionary_encode(scope).combine_chunks().indices.to_numpy() % buckets
    frames = [as_pandas_lines(table.filter(pa.array(bucket == b))) for b in range(buckets)]
    frames = [frame for frame in frames if len(frame)]
    for frame in frames:
        codekit.check_claims(frame, policy=policy)

    def run() -> None:
        for frame in frames:
            codekit.check_claims(frame, policy=policy)

    return Job("pandas in buckets", run, local=True)


def _spark_jobs(
    spark: Any, table: Any, policy: Any, rounds: int, partitions: int, *, history: bool
) -> list[Job]:
    import codekit.spark
    from codekit._frames.findings import spark_ddl

    data = codekit.spark.ship_data(spark)
    lines = spark.createDataFrame(table).repartition(partitions).cache()
    lines.count()
    clustered = spark.createDataFrame(table).repartition(partitions, "beneficiary_id").cache()
    clustered.count()
    scope = [c for c in codekit.spark.SCOPE if c in lines.columns]
    buckets = codekit.spark.default_buckets(lines)  # what check_claims uses
    print(f"    default buckets {buckets}")
    shuffled = lines.repartition(buckets, *scope)
    to_python = shuffled.mapInArrow(_nothing, spark_ddl())
    check = codekit.spark.check_claims(lines, policy=policy, data=data)
    jobs = [
        _pandas(table, policy),
        _pandas_in_buckets(table, policy, buckets),
        Job("scan", _noop(lines)),
        Job("shuffle", _noop(shuffled)),
        Job("to Python", _noop(to_python)),
        Job("check", _noop(check)),
        Job(
            "check clustered",
            _noop(codekit.spark.check_claims(clustered, policy=policy, data=data, clustered=True)),
        ),
    ]
    if history:
        unfrozen = shuffled.mapInArrow(_unfrozen(policy, data), spark_ddl())
        jobs += [
            Job("no modifiers", _noop(_without_modifiers(lines, scope, buckets))),
            Job("modifiers as text", _noop(_modifiers_as_text(lines, scope, buckets))),
            Job("check unfrozen", _noop(unfrozen)),
            Job(
                "check 200 buckets",
                _noop(codekit.spark.check_claims(lines, policy=policy, data=data, buckets=200)),
            ),
        ]
    _noop(check)()  # workers started, tables opened
    for _ in range(rounds):
        for job in jobs:
            job.once()
    steps = shuffled.mapInArrow(
        _stepper(policy, data),
        "gather double, to_pandas double, engine double, findings double",
    )
    totals = steps.groupBy().sum().collect()[0]
    print(
        "    in the workers (CPU s, summed over tasks): "
        + ", ".join(
            f"{name.removeprefix('sum(').removesuffix(')')} {value:.2f}"
            for name, value in totals.asDict().items()
        )
    )
    lines.unpersist()
    clustered.unpersist()
    return jobs


def _report(n: int, jobs: list[Job]) -> None:
    for job in jobs:
        wall, jvm, python, driver = job.best or (float("nan"),) * 4
        print(
            f"  {job.name:17} {n / wall:11,.0f} lines/s  {wall:6.2f} s wall  "
            f"CPU: JVM {jvm:5.2f} s, Python workers {python:5.2f} s, driver {driver:5.2f} s, "
            f"of all in the kernel {job.kernel:5.2f} s  "
            f"({n / job.cpu():9,.0f} lines per CPU s; rounds {job.spread()})"
        )


def _summary(n: int, runs: dict[str, dict[str, Job]]) -> None:
    print(f"{n:,} lines (CPU s: best of the rounds; rounds: lowest / median / highest)")
    for master, split in runs.items():
        cpu = {name: job.cpu() for name, job in split.items()}
        pandas, check = split["pandas"], split["check"]
        print(
            f"  {master}: check {n / check.wall():,.0f} lines/s "
            f"({n / split['check clustered'].wall():,.0f} clustered), "
            f"pandas {n / pandas.wall():,.0f} lines/s; pandas CPU rounds "
            f"{pandas.spread()}, in buckets {split['pandas in buckets'].spread()}"
        )
        print(
            f"    of check's {cpu['check']:.2f} CPU s: scan {cpu['scan']:.2f}, "
            f"shuffle {cpu['shuffle'] - cpu['scan']:.2f}, "
            f"Arrow to Python {cpu['to Python'] - cpu['shuffle']:.2f}, "
            f"engine and findings back {cpu['check'] - cpu['to Python']:.2f} "
            f"(the pandas path {cpu['pandas']:.2f}, in buckets {cpu['pandas in buckets']:.2f})"
        )
        if "no modifiers" in split:
            print(
                f"    modifiers' transfer {cpu['to Python'] - cpu['no modifiers']:.2f}; as text "
                f"{cpu['modifiers as text'] - cpu['no modifiers']:.2f}"
            )
        named = ("check", "check clustered", "check unfrozen", "check 200 buckets")
        for name in (name for name in named if name in split):
            print(
                f"    per CPU s vs pandas, {name:17}: best {cpu['pandas'] / cpu[name]:.2f}, "
                f"median {pandas.median() / split[name].median():.2f}  (goal >= 0.8)"
            )
        print(f"    cores busy (CPU / wall of check): {cpu['check'] / check.wall():.2f}")
    if "local[1]" in runs and "local[2]" in runs:
        one, two = runs["local[1]"]["check"].wall(), runs["local[2]"]["check"].wall()
        busy = runs["local[1]"]["check"].cpu() / one
        base_wall = runs["local[2]"]["pandas"].wall()
        print(
            f"  scaling local[2] / local[1], wall      {one / two:6.2f}  (goal >= 1.7; "
            f"at most {2 / busy:.2f} on two cores: local[1] keeps {busy:.2f} busy)"
        )
        print(f"  per core local[2] vs pandas, wall      {base_wall / two / 2:6.2f}  (goal >= 0.8)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.spark", description=__doc__)
    parser.add_argument("--lines", default=LINES, help="sizes, comma separated")
    parser.add_argument("--masters", default="local[1],local[2]")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--batch", type=int, default=100_000, help="maxRecordsPerBatch")
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument(
        "--history",
        action="store_true",
        help="also the jobs of earlier decisions (modifiers as text, unfrozen, 200 buckets)",
    )
    args = parser.parse_args(argv if argv is not None else [])
    corpus = os.environ.get("CODEKIT_CMS_CORPUS")
    if not corpus or not Path(corpus).is_dir():
        print("skipped: set CODEKIT_CMS_CORPUS to the CMS corpus folder")
        return
    corpus_dir = Path(corpus)
    os.environ["CODEKIT_DATA_DIR"] = tempfile.mkdtemp(prefix="codekit-bench-spark-")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    import codekit.data
    import codekit.ncci

    codekit.data.install([corpus_dir / PTP, corpus_dir / MUE, corpus_dir / AOC])
    policy = codekit.ncci.Policy(validate_codes=False)
    sizes = [int(s) for s in str(args.lines).split(",")]
    tables = {n: _lines_table(corpus_dir, n) for n in sizes}
    masters = args.masters.split(",")
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; batches of "
        f"{args.batch:,} records, {args.partitions} partitions, best of {args.rounds}"
    )
    results: dict[tuple[str, int], dict[str, Job]] = {}
    for master in masters:
        spark = _session(master, args.batch, args.partitions)
        for n in sizes:
            print(f"{master}, {n:,} lines:")
            jobs = _spark_jobs(
                spark, tables[n], policy, args.rounds, args.partitions, history=args.history
            )
            _report(n, jobs)
            results[master, n] = {job.name: job for job in jobs}
        spark.stop()
    for n in sizes:
        _summary(n, {m: results[m, n] for m in masters})


if __name__ == "__main__":
    main(sys.argv[1:])
