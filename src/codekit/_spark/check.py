"""NCCI checks of a Spark DataFrame of claim lines, inside the executors.

The lines are grouped by a bucket of their edit scope (beneficiary, provider, date of
service, setting, program: the scope every NCCI edit compares within), and
``groupBy(bucket).applyInArrow`` hands each bucket, as one Arrow table, to
:func:`codekit.check_claims`. A bucket holds whole scopes, so each finding is the one the
batch engine gives on the whole data; buckets amortise the engine's per-call cost over many
claims (one group per scope would pay it per scope).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from codekit._frames.convert import as_pandas_lines
from codekit._frames.findings import findings_to_arrow, spark_ddl
from codekit._spark.ship import activate
from codekit.exceptions import IntegrationError, InvalidClaimError

if TYPE_CHECKING:
    from codekit.ncci import Policy

__all__ = ["SCOPE", "check_claims"]

#: The columns of an edit's scope, in the order they are hashed (those present are used).
SCOPE = ("beneficiary_id", "provider_id", "date_of_service", "setting", "program")
_BUCKET = "__codekit_bucket"


def _checker(
    setting: str, as_of: dt.date | str | None, policy: Policy | None, data: str | None
) -> Any:
    def check(table: Any) -> Any:
        import codekit

        activate(data)
        lines = as_pandas_lines(table.drop_columns([_BUCKET]))
        return findings_to_arrow(
            codekit.check_claims(lines, setting=setting, as_of=as_of, policy=policy)
        )

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
    :param buckets: how many groups the lines are spread over (default: the session's
        ``spark.sql.shuffle.partitions``).
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
    keyed = lines.withColumn(_BUCKET, F.pmod(F.hash(*scope), F.lit(buckets)))
    return keyed.groupBy(_BUCKET).applyInArrow(
        _checker(setting, as_of, policy, data), schema=spark_ddl()
    )
