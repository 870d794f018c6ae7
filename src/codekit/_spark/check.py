"""NCCI checks of a Spark DataFrame of claim lines, inside the executors.

The lines are hash-partitioned by their edit scope (beneficiary, provider, date of
service, setting, program: the scope every NCCI edit compares within) into ``buckets``
partitions, and ``mapInArrow`` hands each partition's Arrow batches, gathered into one
table, to :func:`codekit.check_claims`. A partition holds whole scopes, so each finding is
the one the batch engine gives on the whole data; partitions amortise the engine's
per-call cost over many claims (one group per scope would pay it per scope). Lines that
already sit in partitions of whole scopes (``clustered=True``) skip the shuffle.

Why not ``groupBy(bucket).applyInArrow``: it sorts every partition by the bucket before
handing groups over, and adaptive execution coalesces its few large groups into fewer
tasks than there are cores (3 tasks of 8 buckets on 2 cores); ``repartition(n, ...)``
keeps ``n`` tasks and needs no sort.

A ``modifiers`` column of ``array<string>`` travels to the workers as it is: joining it into
text in the JVM exactly (a check that each list reads back the same) costs the JVM more
than the array's Arrow transfer saves (``bench/spark.py``, ``docs/spark.md``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from codekit._frames.convert import as_pandas_lines
from codekit._frames.findings import findings_to_arrow, spark_ddl
from codekit._spark.ship import activate
from codekit.exceptions import IntegrationError, InvalidClaimError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from codekit.ncci import Policy

__all__ = ["BUCKET_BYTES", "SCOPE", "check_claims", "default_buckets"]

#: The columns of an edit's scope, in the order they are hashed (those present are used).
SCOPE = ("beneficiary_id", "provider_id", "date_of_service", "setting", "program")

#: The default bucket count gives a bucket at most this many bytes of Spark's size estimate
#: of the lines (about 100,000 lines of a cached frame; more of a compressed file).
BUCKET_BYTES = 8 << 20
#: Spark's estimate when it has none (``Long.MaxValue``).
_UNKNOWN = (1 << 63) - 1


def _spark_frame(lines: Any, name: str) -> None:
    """Raise :class:`IntegrationError` unless ``lines`` is a Spark DataFrame."""
    try:
        from pyspark.sql import DataFrame
    except ImportError as exc:
        raise IntegrationError("codekit.spark needs pyspark: pip install 'codekit[spark]'") from exc
    if not isinstance(lines, DataFrame):
        raise IntegrationError(
            f"codekit.spark.{name} takes a Spark DataFrame, not {type(lines).__name__} "
            "(codekit.check_claims checks pandas, Arrow and Polars frames)"
        )


def default_buckets(lines: Any) -> int:
    """The number of buckets :func:`check_claims` uses when given none.

    Two per core of the job (``defaultParallelism``), or more when Spark's size estimate of
    ``lines`` is known (a file scan, a cached frame), so that no bucket holds more than
    :data:`BUCKET_BYTES` of it. Each bucket is one task, and a task costs the JVM and the
    Python worker about as much as 15,000 lines, so Spark's own default
    (``spark.sql.shuffle.partitions``, 200 unless set) costs three to four times the CPU
    of 8 buckets on 1,000,000 lines (``docs/spark.md``). Without an estimate (lines made
    from an RDD) it is ``spark.sql.shuffle.partitions``, which bounds a bucket's size as
    the session's own shuffles are bounded.
    """
    _spark_frame(lines, "default_buckets")
    session = lines.sparkSession
    partitions = int(session.conf.get("spark.sql.shuffle.partitions") or 200)
    try:
        cores = int(session.sparkContext.defaultParallelism)
        size = int(lines._jdf.queryExecution().optimizedPlan().stats().sizeInBytes())
    except Exception:  # Spark Connect (no SparkContext, no _jdf): Spark's default
        return partitions
    if cores < 1 or size >= _UNKNOWN:
        return partitions
    return max(2 * cores, -(-size // BUCKET_BYTES))


def _checker(
    setting: str,
    as_of: dt.date | str | None,
    policy: Policy | None,
    data: str | None,
) -> Any:
    def check(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        import codekit

        gathered = [batch for batch in batches if batch.num_rows]
        if not gathered:
            return
        activate(data)
        lines = as_pandas_lines(pa.Table.from_batches(gathered))
        found = findings_to_arrow(
            codekit.check_claims(lines, setting=setting, as_of=as_of, policy=policy)
        )
        yield from found.to_batches()

    return check


def check_claims(
    lines: Any,
    *,
    setting: str = "practitioner",
    as_of: dt.date | str | None = None,
    policy: Policy | None = None,
    data: str | None = None,
    buckets: int | None = None,
    clustered: bool = False,
) -> Any:
    """Check a Spark DataFrame of claim lines; the findings as a Spark DataFrame.

    :param lines: one row per line with the columns :func:`codekit.check_claims` reads
        (``code`` and ``date_of_service`` required; ``modifiers`` an array of strings or a
        space/comma separated string). Give ``date_of_service`` as a ``DateType`` column (or
        one spelling of each date): lines are grouped by its value.
    :param setting: the setting of rows without a ``setting`` column.
    :param as_of: use the tables in force on this date for every row.
    :param policy: a :class:`codekit.ncci.Policy`.
    :param data: the name :func:`ship_data` returned: executors open that shipped data
        directory (default: whatever ``CODEKIT_DATA_DIR`` is on the executors).
    :param buckets: how many partitions (tasks) the lines are spread over (default:
        :func:`default_buckets`: two per core, more for large lines); each is checked in one
        call, in memory.
    :param clustered: ``True`` when the lines of each scope (:data:`SCOPE`: beneficiary,
        provider, date of service, setting, program) already sit in one partition of
        ``lines`` (for instance lines you ``repartition`` by the beneficiary once, cache,
        and check more than once): each partition is checked as it is, without the
        shuffle (``buckets`` is then not used). Findings across a scope split over
        partitions are missed, so say it only when it holds (a file read may split a
        large file over several partitions).
    :returns: a DataFrame with the columns of :data:`codekit.ncci.FINDING_COLUMNS`, typed as
        :data:`FINDING_TYPES <codekit._frames.findings.FINDING_TYPES>` documents.
    """
    from codekit.ncci import Policy

    _spark_frame(lines, "check_claims")
    from pyspark.sql import functions as F

    if policy is not None and not isinstance(policy, Policy):
        raise InvalidClaimError(
            f"policy must be a codekit.ncci.Policy, not {type(policy).__name__}", field="policy"
        )
    for required in ("code", "date_of_service"):
        if required not in lines.columns:
            raise InvalidClaimError(f"the frame has no {required!r} column", field=required)
    if not isinstance(clustered, bool):
        raise IntegrationError(f"clustered must be True or False, not {clustered!r}")
    if buckets is None:
        buckets = default_buckets(lines)
    if not isinstance(buckets, int) or isinstance(buckets, bool) or buckets < 1:
        raise IntegrationError(f"buckets must be a positive whole number, not {buckets!r}")
    if not clustered:
        lines = lines.repartition(buckets, *[F.col(c) for c in SCOPE if c in lines.columns])
    return lines.mapInArrow(_checker(setting, as_of, policy, data), schema=spark_ddl())
