"""Spark: NCCI check throughput in local[1] and local[2] against the pandas batch path.

Lines are synthetic (``codekit._frames.synthetic``) over the codes of the genuine CMS tables
of the test corpus (``CODEKIT_CMS_CORPUS``), which are installed into a temporary data
directory and shipped to the executors with ``codekit.spark.ship_data``. Figures:

* pandas: ``codekit.check_claims`` on the lines in one process (one core), lines/s, the
  lines given as codekit reads an Arrow table (its fastest shape, ``modifiers`` as text),
  best of two;
* Spark ``local[1]`` and ``local[2]``: ``codekit.spark.check_claims`` written to Spark's
  ``noop`` sink (the input is cached first, so building it is not counted), lines/s;
* the scaling ratio local[2] / local[1] (goal >= 1.7) and the per-core throughput of
  local[2] against pandas (goal >= 0.8);
* where the Spark overhead goes, from the same job cut short: the shuffle alone
  (``repartition`` to the ``noop`` sink, no Python), then with the Arrow transfer to the
  Python workers (a ``mapInArrow`` that returns nothing), and the engine's own share (the
  rest).

``CODEKIT_BENCH_SPARK_LINES`` sets the number of lines (default 400,000).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

LINES = int(os.environ.get("CODEKIT_BENCH_SPARK_LINES", "400000"))
PTP = "ptp/ccipra-v322r0-f1.excerpt.txt"
MUE = "mue/MCR_MUE_PractitionerServices_Eff_07-01-2026.excerpt.csv"
AOC = "aoc/AOC_V2026Q2-MCR.xlsx"


def _session(master: str) -> Any:
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(master)
        .appName(f"codekit-bench-{master}")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(8))
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "100000")
        .getOrCreate()
    )


def _timed(job: Any) -> float:
    start = time.perf_counter()
    job.write.format("noop").mode("overwrite").save()
    return time.perf_counter() - start


def _nothing(batches: Any) -> Any:
    for _ in batches:
        pass
    return iter(())


def main() -> None:
    import pyarrow as pa

    corpus = os.environ.get("CODEKIT_CMS_CORPUS")
    if not corpus or not Path(corpus).is_dir():
        print("skipped: set CODEKIT_CMS_CORPUS to the CMS corpus folder")
        return
    corpus_dir = Path(corpus)
    os.environ["CODEKIT_DATA_DIR"] = tempfile.mkdtemp(prefix="codekit-bench-spark-")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    import codekit
    import codekit.data
    import codekit.ncci
    import codekit.spark
    from codekit._frames.findings import spark_ddl
    from codekit._frames.synthetic import claim_lines

    codekit.data.install([corpus_dir / PTP, corpus_dir / MUE, corpus_dir / AOC])
    rows = (corpus_dir / PTP).read_bytes().decode("ascii").split("\r\n")[6:]
    codes = sorted({f for row in rows if row for f in row.split("\t")[:2]})
    codes += ["G2211", "99213", "0627T", "0628T"]
    table = pa.table(claim_lines(codes, LINES, first_day=dt.date(2026, 7, 1), days=20))
    policy = codekit.ncci.Policy(validate_codes=False)

    from codekit._frames.convert import as_pandas_lines

    frame = as_pandas_lines(table)
    codekit.check_claims(frame.head(1000), policy=policy)  # tables opened
    took = []
    for _ in range(2):
        start = time.perf_counter()
        findings = codekit.check_claims(frame, policy=policy)
        took.append(time.perf_counter() - start)
    pandas_rate = LINES / min(took)
    print(f"lines {LINES:,}, findings {len(findings):,}")
    print(f"pandas batch (1 core)          {pandas_rate:12,.0f} lines/s")

    rates: dict[str, float] = {}
    for master in ("local[1]", "local[2]"):
        spark = _session(master)
        data = codekit.spark.ship_data(spark)
        lines = spark.createDataFrame(table).repartition(8).cache()
        lines.count()
        _timed(codekit.spark.check_claims(lines, policy=policy, data=data))  # warm workers
        best = min(
            _timed(codekit.spark.check_claims(lines, policy=policy, data=data)) for _ in range(2)
        )
        scope = [c for c in codekit.spark.SCOPE if c in lines.columns]
        shuffled = lines.repartition(8, *scope)
        shuffle = min(_timed(shuffled) for _ in range(2))
        idle = min(_timed(shuffled.mapInArrow(_nothing, spark_ddl())) for _ in range(2))
        rates[master] = LINES / best
        print(
            f"spark {master} check           {rates[master]:12,.0f} lines/s  ({best:.2f} s: "
            f"shuffle {shuffle:.2f} s, Arrow to Python {idle - shuffle:.2f} s, "
            f"engine and findings {best - idle:.2f} s)"
        )
        spark.stop()
    scaling = rates["local[2]"] / rates["local[1]"]
    per_core = rates["local[2]"] / 2 / pandas_rate
    print(f"scaling local[2] / local[1]     {scaling:12.2f}   (goal >= 1.7)")
    print(f"per core, local[2] vs pandas    {per_core:12.2f}   (goal >= 0.8)")
