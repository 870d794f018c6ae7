"""NCCI checks of a Spark DataFrame of claim lines, inside the executors.

The lines are hash-partitioned by their edit scope (beneficiary, provider, date of
service, setting, program: the scope every NCCI edit compares within) into ``buckets``
partitions, and ``mapInArrow`` hands each partition's Arrow batches, gathered into one
table, to :func:`codekit.check_claims`. A partition holds whole scopes, so each finding is
the one the batch engine gives on the whole data; partitions amortise the engine's
per-call cost over many claims (one group per scope would pay it per scope).

Why not ``groupBy(bucket).applyInArrow``: it sorts every partition by the bucket before
handing groups over, and adaptive execution coalesces its few large groups into fewer
tasks than there are cores (3 tasks of 8 buckets on 2 cores); ``repartition(n, ...)``
keeps ``n`` tasks and needs no sort.
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

__all__ = ["SCOPE", "check_claims"]

#: The columns of an edit's scope, in the order they are hashed (those present are used).
SCOPE = ("beneficiary_id", "provider_id", "date_of_service", "setting", "program")
#: The modifiers of a line as one text, where joining them reads back the same.
_TEXT = "__codekit_modifiers"


def _modifiers_as_text(lines: Any) -> Any:
    """An ``array<string>`` ``modifiers`` column sent to Python as text where it can be.

    Spark writes an array column into Arrow far more slowly than a text column. A line whose
    modifiers are all present, non-empty and free of spaces and commas gets them joined
    by spaces in :data:`_TEXT` (the engine splits text on exactly those) and a null list;
    any other line keeps its list, and :func:`_rejoin` puts the two back in one column.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import ArrayType, StringType

    kind = lines.schema["modifiers"].dataType if "modifiers" in lines.columns else None
    if not (isinstance(kind, ArrayType) and isinstance(kind.elementType, StringType)):
        return lines
    odd = F.exists("modifiers", lambda m: m.isNull() | (F.length(m) == 0) | m.rlike(r"[\s,]"))
    plain = F.col("modifiers").isNull() | ~odd
    return lines.withColumn(_TEXT, F.when(plain, F.concat_ws(" ", "modifiers"))).withColumn(
        "modifiers", F.when(plain, F.lit(None)).otherwise(F.col("modifiers"))
    )


def _rejoin(table: Any) -> Any:
    """The Arrow table of lines with the modifiers :func:`_modifiers_as_text` split in one
    column again (text when every line's joined, else each line's list)."""
    import pyarrow as pa

    if _TEXT not in table.column_names:
        return table
    text = table.column(_TEXT)
    lists = table.column("modifiers")
    table = table.drop_columns([_TEXT, "modifiers"])
    if lists.null_count == len(lists):
        return table.append_column("modifiers", text)
    merged = [
        items if items is not None else (joined or "").split()
        for items, joined in zip(lists.to_pylist(), text.to_pylist(), strict=True)
    ]
    return table.append_column("modifiers", pa.array(merged, type=pa.list_(pa.string())))


def _checker(
    setting: str, as_of: dt.date | str | None, policy: Policy | None, data: str | None
) -> Any:
    def check(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        import codekit

        gathered = [batch for batch in batches if batch.num_rows]
        if not gathered:
            return
        activate(data)
        lines = as_pandas_lines(_rejoin(pa.Table.from_batches(gathered)))
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
    :param buckets: how many partitions (tasks) the lines are spread over (default: the
        session's ``spark.sql.shuffle.partitions``); each is checked in one call, in memory.
    :returns: a DataFrame with the columns of :data:`codekit.ncci.FINDING_COLUMNS`, typed as
        :data:`FINDING_TYPES <codekit._frames.findings.FINDING_TYPES>` documents.
    """
    from codekit.ncci import Policy

    try:
        from pyspark.sql import DataFrame
        from pyspark.sql import functions as F
    except ImportError as exc:
        raise IntegrationError("codekit.spark needs pyspark: pip install 'codekit[spark]'") from exc
    if not isinstance(lines, DataFrame):
        raise IntegrationError(
            f"codekit.spark.check_claims takes a Spark DataFrame, not {type(lines).__name__} "
            "(codekit.check_claims checks pandas, Arrow and Polars frames)"
        )
    if policy is not None and not isinstance(policy, Policy):
        raise InvalidClaimError(
            f"policy must be a codekit.ncci.Policy, not {type(policy).__name__}", field="policy"
        )
    for required in ("code", "date_of_service"):
        if required not in lines.columns:
            raise InvalidClaimError(f"the frame has no {required!r} column", field=required)
    if buckets is None:
        buckets = int(lines.sparkSession.conf.get("spark.sql.shuffle.partitions") or 200)
    if not isinstance(buckets, int) or isinstance(buckets, bool) or buckets < 1:
        raise IntegrationError(f"buckets must be a positive whole number, not {buckets!r}")
    scope = [F.col(name) for name in SCOPE if name in lines.columns]
    return (
        _modifiers_as_text(lines)
        .repartition(buckets, *scope)
        .mapInArrow(_checker(setting, as_of, policy, data), schema=spark_ddl())
    )
