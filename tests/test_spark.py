"""codekit.spark in real local-mode PySpark (``local[2]``) on a few thousand synthetic claims.

The truth is :func:`codekit.check_claims` on the same lines in pandas (in the driver):
every finding Spark returns must be one of its findings, field for field, and none missing.
The NCCI tables are the genuine CMS files of the corpus, installed once; the executors
see them only through :func:`codekit.spark.ship_data` (they start with an empty data
directory of their own).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import codekit
import codekit.data
import codekit.ncci
from codekit import _registry
from codekit._frames.synthetic import claim_lines
from codekit.exceptions import IntegrationError, InvalidClaimError, InvalidCodeError

pyspark = pytest.importorskip("pyspark")
pa = pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")

pytestmark = [pytest.mark.spark, pytest.mark.corpus]

PTP = "ptp/ccipra-v322r0-f1.excerpt.txt"
MUE = "mue/MCR_MUE_PractitionerServices_Eff_07-01-2026.excerpt.csv"
AOC = "aoc/AOC_V2026Q2-MCR.xlsx"
RULES_ONLY = codekit.ncci.Policy(validate_codes=False)


@pytest.fixture(scope="session")
def installed(cms_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding the corpus's PTP, MUE and AOC tables."""
    folder = tmp_path_factory.mktemp("spark-data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CODEKIT_DATA_DIR", str(folder))
        _registry.reset()
        codekit.data.install([cms_corpus / PTP, cms_corpus / MUE, cms_corpus / AOC])
    _registry.reset()
    return folder


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One local[2] session for the whole test session; its executors' data dir is empty."""
    from pyspark.sql import SparkSession

    empty = tmp_path_factory.mktemp("executor-data")
    with pytest.MonkeyPatch.context() as patch:
        # the JVM and its Python workers inherit the environment of this moment
        patch.setenv("CODEKIT_DATA_DIR", str(empty))
        patch.setenv("PYSPARK_PYTHON", sys.executable)
        session = (
            SparkSession.builder.master("local[2]")
            .appName("codekit-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .getOrCreate()
        )
    yield session
    session.stop()


@pytest.fixture
def tables(installed: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The driver uses the installed tables (the executors do only through shipping)."""
    monkeypatch.setenv("CODEKIT_DATA_DIR", str(installed))
    _registry.reset()
    yield installed
    _registry.reset()


def _ptp_codes(corpus: Path) -> list[str]:
    rows = (corpus / PTP).read_bytes().decode("ascii").split("\r\n")[6:]
    return sorted({field for row in rows if row for field in row.split("\t")[:2]})


@pytest.fixture(scope="session")
def lines(cms_corpus: Path) -> Any:
    """3,000 lines over the PTP pairs' codes, two add-ons and their primaries (CMS's AOC
    2026Q2 lists G2211 with 99213 and 0628T with 0627T), around the MUE table's first day."""
    codes = [*_ptp_codes(cms_corpus), "G2211", "99213", "0627T", "0628T"] * 1
    columns = claim_lines(codes, 3000, first_day=dt.date(2026, 6, 28), days=8)
    return pa.table(columns)


def _key(frame: Any) -> list[tuple[Any, ...]]:
    """Findings as sorted tuples of every column (missing values made comparable)."""
    rows = []
    for record in frame.to_dict("records"):
        row = []
        for name in codekit.ncci.FINDING_COLUMNS:
            value = record[name]
            if isinstance(value, list | tuple) or hasattr(value, "tolist"):
                value = tuple(str(v) for v in list(value))
            elif value is None or (not isinstance(value, str) and pd.isna(value)):
                value = None
            elif isinstance(value, pd.Timestamp | dt.datetime):
                value = value.date()
            elif not isinstance(value, str | bool | dt.date):
                value = int(value)
            row.append(value)
        rows.append(tuple(row))
    return sorted(rows, key=repr)


def _spark_findings(spark: Any, lines: Any, **options: Any) -> Any:
    import codekit.spark

    frame = spark.createDataFrame(lines)
    found = codekit.spark.check_claims(frame, **options)
    return found.toArrow().to_pandas()


# the packaged CPT numbers end 2026-06-30: validity on later dates warns that it is stale
@pytest.mark.filterwarnings("ignore::codekit.exceptions.StaleDataWarning")
@pytest.mark.parametrize("policy", [RULES_ONLY, None], ids=["rules-only", "default-policy"])
def test_spark_findings_equal_check_claims_in_pandas(
    spark: Any, lines: Any, tables: Path, policy: codekit.ncci.Policy | None
) -> None:
    import codekit.spark

    truth = codekit.check_claims(lines.to_pandas(date_as_object=False), policy=policy)
    assert set(truth["kind"]) >= {"ptp", "mue", "aoc"}  # the data exercises every edit
    assert truth["unchecked"].any()  # and lines before the MUE table's first day
    data = codekit.spark.ship_data(spark)
    found = _spark_findings(spark, lines, policy=policy, data=data)
    assert list(found.columns) == list(codekit.ncci.FINDING_COLUMNS)
    assert len(found) == len(truth)
    assert _key(found) == _key(truth)


def test_modifier_lists_of_every_shape_read_as_in_pandas(spark: Any, tables: Path) -> None:
    """Modifier lists of every shape (a missing list, an empty one, lower case) give the
    findings pandas gives; a list whose joined text would read differently ("59,XU" is one
    bad modifier, not two) fails as it fails in pandas."""
    import codekit.spark

    day = dt.date(2026, 7, 6)
    shapes: list[list[str] | None] = [[], ["59"], None, ["xu", "LT"], ["25"], []]
    table = pa.table(
        {
            "claim_id": ["C1"] * 6,
            "line_id": [str(n) for n in range(1, 7)],
            "beneficiary_id": ["B1"] * 6,
            "provider_id": ["P1"] * 6,
            "code": ["0001U", "0030U", "0034U", "0001U", "G2211", "99213"],
            "modifiers": pa.array(shapes, type=pa.list_(pa.string())),
            "units": [1, 2, 1, 1, 1, 1],
            "date_of_service": [day] * 6,
        }
    )
    frame = table.to_pandas(date_as_object=False)
    frame["modifiers"] = shapes
    data = codekit.spark.ship_data(spark)
    truth = codekit.check_claims(frame, policy=RULES_ONLY)
    assert set(truth["kind"]) >= {"ptp", "mue"}
    assert _key(_spark_findings(spark, table, policy=RULES_ONLY, data=data)) == _key(truth)
    odd = table.set_column(
        5, "modifiers", pa.array([[], ["59,XU"], None, [], [], []], type=pa.list_(pa.string()))
    )
    with pytest.raises(InvalidClaimError, match="two-character"):
        codekit.check_claims(odd, policy=RULES_ONLY)
    with pytest.raises(Exception, match="two-character"):
        _spark_findings(spark, odd, policy=RULES_ONLY, data=data)


def test_executors_see_only_the_shipped_tables(spark: Any, lines: Any, tables: Path) -> None:
    """Without ``data=`` the executors have no tables (every edit kind is unverifiable);
    with it they open the unpacked archive, not the driver's directory."""
    import codekit.spark

    bare = _spark_findings(spark, lines, policy=RULES_ONLY)
    assert len(bare) > 0
    assert bare["unchecked"].all()
    data = codekit.spark.ship_data(spark)
    assert codekit.spark.ship_data(spark) == data  # the same data is shipped once

    def where(batches: Iterator[Any]) -> Iterator[Any]:
        from codekit._spark.ship import activate

        activate(data)
        for batch in batches:
            folder = os.environ["CODEKIT_DATA_DIR"]
            packs = sorted(p.kind + "/" + p.release for p in codekit.data.list())
            yield pa.RecordBatch.from_pydict(
                {"folder": [folder] * batch.num_rows, "packs": [" ".join(packs)] * batch.num_rows}
            )

    seen = spark.range(8, numPartitions=2).mapInArrow(where, "folder string, packs string")
    rows = {tuple(r) for r in seen.distinct().collect()}
    expected = " ".join(sorted(p.kind + "/" + p.release for p in codekit.data.list()))
    assert {packs for _, packs in rows} == {expected}
    assert all(Path(folder).name == data and folder != str(tables) for folder, _ in rows)


def test_line_functions_equal_the_scalar_functions(spark: Any) -> None:
    import codekit.spark

    codes = ["E11.9", "E1122", "I10", "Z99.999", None, "250.00", "J45.909", "E11.9"]
    days = [dt.date(2020, 1, 1), dt.date(2015, 10, 1), None, dt.date(2024, 1, 1)] * 2
    frame = spark.createDataFrame(
        pa.table({"code": codes, "day": pa.array(days, type=pa.date32())})
    )
    out = frame.select(
        "code",
        codekit.spark.describe("code").alias("describe"),
        codekit.spark.is_valid("code", "day", code_set="icd10cm").alias("valid"),
        codekit.spark.hcc("code", model="V28", payment_year=2026).alias("hcc"),
        codekit.spark.crosswalk("code", to="icd10cm", source="icd9cm").alias("gem"),
    ).toArrow()
    got = out.to_pylist()
    for row, day in zip(got, days, strict=True):
        code = row["code"]
        if code is None:
            assert row["describe"] is None
            assert row["valid"] is None
            continue
        assert row["describe"] == codekit.describe_many([code])[0]
        if day is None:
            assert row["valid"] is None
        else:
            assert row["valid"] == codekit.is_valid(code, code_set="icd10cm", as_of=day)
        try:
            mapped = codekit.crosswalk(code, to="hcc:V28", release="2026")
        except InvalidCodeError:
            mapped = ()
        assert row["hcc"] == sorted({str(m.target) for m in mapped})
        try:
            targets = codekit.crosswalk(code, to="icd10cm", source="icd9cm")
        except InvalidCodeError:
            targets = ()
        assert [(g["target"], g["approximate"], g["scenario"]) for g in row["gem"]] == [
            (m.target, m.approximate, m.scenario) for m in targets
        ]


def test_check_claims_rejects_what_is_not_a_spark_frame() -> None:
    import codekit.spark

    with pytest.raises(IntegrationError, match="Spark DataFrame"):
        codekit.spark.check_claims([{"code": "11111"}])


def test_the_spark_guide_runs(spark: Any, tables: Path) -> None:
    """docs/spark.md's example, executed as written (its asserts compare with pandas)."""
    guide = (Path(__file__).resolve().parents[1] / "docs" / "spark.md").read_text()
    code = guide.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(compile(code, "docs/spark.md", "exec"), namespace)
    # NCCI.md: the column 2 line is denied unless a PTP-associated modifier (59) bypasses
    # it; a type 1 add-on without its primary is denied
    counts = {(r["kind"], r["severity"]): r["count"] for r in namespace["summary"].collect()}
    assert counts == {("ptp", "deny"): 1, ("ptp", "warn"): 1, ("aoc", "deny"): 1}
    assert namespace["described"].count() == 6


def test_padded_modifiers_read_as_in_pandas(spark: Any, tables: Path) -> None:
    """A padded modifier (" 59 ") is a list the text cannot carry: the worker gets the list
    back and the 59 still bypasses the PTP edit, as in pandas."""
    import codekit.spark

    day = dt.date(2026, 7, 6)
    shapes = [[], [], [" 59 "], ["lt"]]
    table = pa.table(
        {
            "claim_id": ["C1", "C1", "C2", "C2"],
            "line_id": ["1", "2", "1", "2"],
            "beneficiary_id": ["B1"] * 4,
            "provider_id": ["P1"] * 4,
            "code": ["0001U", "0030U", "0034U", "99213"],
            "modifiers": pa.array(shapes, type=pa.list_(pa.string())),
            "units": [1, 1, 1, 1],
            "date_of_service": [day] * 4,
        }
    )
    frame = table.to_pandas(date_as_object=False)
    frame["modifiers"] = shapes
    truth = codekit.check_claims(frame, policy=RULES_ONLY)
    assert set(truth["severity"]) >= {"deny", "warn"}  # 59 bypasses one of the pairs
    data = codekit.spark.ship_data(spark)
    assert _key(_spark_findings(spark, table, policy=RULES_ONLY, data=data)) == _key(truth)


def test_clustered_lines_are_checked_without_a_shuffle(
    spark: Any, lines: Any, tables: Path
) -> None:
    """``clustered=True``: lines partitioned by beneficiary (so every scope is whole in one
    partition) give pandas's findings with no hash repartition by the scope; lines spread
    at random are then checked partition by partition, and cross-partition pairs are missed
    (the option is the caller's promise, not checked)."""
    import codekit.spark

    truth = codekit.check_claims(lines.to_pandas(date_as_object=False), policy=RULES_ONLY)
    data = codekit.spark.ship_data(spark)
    by_beneficiary = spark.createDataFrame(lines).repartition(3, "beneficiary_id")
    found = codekit.spark.check_claims(by_beneficiary, policy=RULES_ONLY, data=data, clustered=True)
    default = codekit.spark.check_claims(by_beneficiary, policy=RULES_ONLY, data=data)
    scope = re.compile(r"hashpartitioning\(beneficiary_id#\d+, provider_id#\d+")
    assert scope.search(default._jdf.queryExecution().executedPlan().toString())
    assert not scope.search(found._jdf.queryExecution().executedPlan().toString())
    assert _key(found.toArrow().to_pandas()) == _key(truth)
    scattered = spark.createDataFrame(lines).repartition(3)
    missed = codekit.spark.check_claims(scattered, policy=RULES_ONLY, data=data, clustered=True)
    assert len(missed.toArrow()) < len(truth)
    with pytest.raises(IntegrationError, match="clustered"):
        codekit.spark.check_claims(by_beneficiary, clustered="yes")  # type: ignore[arg-type]


def test_a_reused_worker_keeps_the_tables_it_opened(spark: Any, lines: Any, tables: Path) -> None:
    """Python workers are reused across tasks and jobs (``spark.python.worker.reuse``, on by
    default): a worker that has opened the shipped tables keeps them (the registry is not
    rebuilt when a later task activates the same data)."""
    import codekit.spark

    assert spark.sparkContext.getConf().get("spark.python.worker.reuse", "true") == "true"
    data = codekit.spark.ship_data(spark)
    frame = spark.createDataFrame(lines).repartition(4, "beneficiary_id")

    def opened(batches: Iterator[Any]) -> Iterator[Any]:
        from codekit._spark.ship import activate

        for batch in batches:
            activate(data)
            codekit.check_claims(batch.slice(0, 50), policy=RULES_ONLY)
            yield pa.RecordBatch.from_pydict(
                {"pid": [os.getpid()], "registry": [_registry.generation()]}
            )

    seen: dict[int, set[int]] = {}
    for _ in range(3):
        for pid, built in frame.mapInArrow(opened, "pid long, registry long").collect():
            seen.setdefault(pid, set()).add(built)
    assert len(seen) <= 4  # 12 tasks in at most a few workers: they were reused
    assert all(len(builds) == 1 for builds in seen.values()), seen


def test_a_task_leaves_the_workers_objects_out_of_sparks_collection(
    spark: Any, lines: Any, tables: Path
) -> None:
    """Spark's Python worker runs ``gc.collect()`` after every task, which walks every
    object the worker holds (pandas, pyarrow, the opened tables). codekit's first call in a
    task freezes them (``gc.freeze``): in a later task, the objects a collection would walk
    are only that task's own, and a reference cycle made after the freeze is still
    collected (nothing new leaks)."""
    import codekit.spark

    data = codekit.spark.ship_data(spark)
    frame = spark.createDataFrame(lines).repartition(4, "beneficiary_id")

    def probe(batches: Iterator[Any]) -> Iterator[Any]:
        import gc
        import weakref

        from codekit._spark.ship import activate

        gathered = list(batches)
        held = len(gc.get_objects())  # what a collection walks before codekit runs
        activate(data)
        codekit.check_claims(pa.Table.from_batches(gathered).slice(0, 50), policy=RULES_ONLY)
        walked = len(gc.get_objects())

        class Node:
            pass

        node = Node()
        node.self = node  # type: ignore[attr-defined]
        alive = weakref.ref(node)
        del node
        gc.collect()
        yield pa.RecordBatch.from_pydict(
            {
                "pid": [os.getpid()],
                "held": [held],
                "walked": [walked],
                "frozen": [gc.get_freeze_count()],
                "cycle_left": [alive() is not None],
            }
        )

    schema = "pid long, held long, walked long, frozen long, cycle_left boolean"
    runs = [frame.mapInArrow(probe, schema).collect() for _ in range(3)]
    later = [row for rows in runs[1:] for row in rows]
    assert not any(row.cycle_left for rows in runs for row in rows)
    # pandas and pyarrow alone are tens of thousands of objects: frozen, not walked
    assert all(row.frozen > 10_000 and row.walked * 5 < row.frozen for row in later), later


def test_default_buckets_are_two_per_core_or_bounded_by_sparks_size_estimate(
    spark: Any, lines: Any, tables: Path
) -> None:
    """Without ``buckets``, the lines go to two buckets per core, or to enough that none
    holds more than ``BUCKET_BYTES`` of Spark's own size estimate; without an estimate
    (lines made from an RDD), to ``spark.sql.shuffle.partitions``. The session's
    configuration is left as it was, and the findings are pandas's."""
    import codekit.spark
    from codekit._spark.check import BUCKET_BYTES

    cores = spark.sparkContext.defaultParallelism
    assert cores == 2  # local[2]
    before = spark.conf.get("spark.sql.shuffle.partitions")
    spark.conf.set("spark.sql.shuffle.partitions", "7")
    try:
        local = spark.createDataFrame(lines)
        made = spark.createDataFrame(local.rdd, local.schema)
        cached = spark.createDataFrame(lines).cache()
        cached.count()
        large = spark.range(10**9)  # 8 bytes a row: Spark estimates 8e9 bytes

        def estimate(frame: Any) -> int:
            return int(frame._jdf.queryExecution().optimizedPlan().stats().sizeInBytes())

        assert estimate(made) == 2**63 - 1  # Spark's "unknown"
        assert estimate(cached) < BUCKET_BYTES
        assert estimate(local) < BUCKET_BYTES
        assert codekit.spark.default_buckets(made) == 7
        assert codekit.spark.default_buckets(local) == 2 * cores
        assert codekit.spark.default_buckets(cached) == 2 * cores
        assert codekit.spark.default_buckets(large) == -(-estimate(large) // BUCKET_BYTES)
        with pytest.raises(IntegrationError, match="Spark DataFrame"):
            codekit.spark.default_buckets(lines)  # an Arrow table
        data = codekit.spark.ship_data(spark)
        found = codekit.spark.check_claims(cached, policy=RULES_ONLY, data=data)
        plan = found._jdf.queryExecution().executedPlan().toString()
        assert re.search(r"hashpartitioning\(beneficiary_id#\d+, [^)]*, 4\)", plan), plan
        truth = codekit.check_claims(lines.to_pandas(date_as_object=False), policy=RULES_ONLY)
        assert _key(found.toArrow().to_pandas()) == _key(truth)
        assert spark.conf.get("spark.sql.shuffle.partitions") == "7"
        cached.unpersist()
    finally:
        spark.conf.set("spark.sql.shuffle.partitions", before)
