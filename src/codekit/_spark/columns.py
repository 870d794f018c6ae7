"""Line functions as Spark column expressions (pandas UDFs over Arrow batches).

Each function takes a column (a name or a ``Column``) and gives a ``Column``; the work is
:mod:`codekit._frames.columns` on each Arrow batch, inside the executors, after
:func:`~codekit._spark.ship.activate` has opened the shipped data (``data=``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from codekit._spark.ship import activate
from codekit.exceptions import IntegrationError

#: pandas UDFs are typed by their hints, which Spark evaluates at run time (unsubscripted)
Series = pd.Series

__all__ = ["crosswalk", "describe", "hcc", "is_valid"]

_MAPPING = (
    "array<struct<target: string, approximate: boolean, no_map: boolean, "
    "combination: boolean, scenario: int, choice_list: int>>"
)


def _spark() -> tuple[Any, Any]:
    try:
        from pyspark.sql import functions as F
        from pyspark.sql.pandas.functions import pandas_udf
    except ImportError as exc:
        raise IntegrationError("codekit.spark needs pyspark: pip install 'codekit[spark]'") from exc
    return F, pandas_udf


def _column(value: Any) -> Any:
    F, _ = _spark()
    return F.col(value) if isinstance(value, str) else value


def describe(
    codes: Any,
    *,
    code_set: str | None = None,
    as_of: dt.date | str | None = None,
    data: str | None = None,
) -> Any:
    """Each code's description (a ``string`` column; null where there is none)."""
    _, pandas_udf = _spark()

    @pandas_udf("string")  # type: ignore[untyped-decorator]
    def run(values: Series) -> Series:
        from codekit._frames import columns

        activate(data)
        return columns.describe(values, code_set=code_set, as_of=as_of).astype(object)

    return run(_column(codes))


def is_valid(
    codes: Any,
    dates: Any = None,
    *,
    code_set: str | None = None,
    kind: str | None = None,
    data: str | None = None,
) -> Any:
    """Whether each code may be reported on its date (``dates``: a column of dates, or none
    for the newest release); a ``boolean`` column, null for a missing code or date."""
    F, pandas_udf = _spark()
    dated = dates is not None  # the closure must not hold a Column (it is not picklable)

    @pandas_udf("boolean")  # type: ignore[untyped-decorator]
    def run(values: Series, days: Series) -> Series:
        from codekit._frames import columns

        activate(data)
        on = days if dated else None
        return columns.is_valid(values, as_of=on, code_set=code_set, kind=kind).astype(object)

    return run(_column(codes), F.lit(None).cast("date") if dates is None else _column(dates))


def crosswalk(
    codes: Any,
    *,
    to: str,
    source: str | None = None,
    as_of: dt.date | str | None = None,
    data: str | None = None,
) -> Any:
    """Each code's targets in the crosswalk ``to``, with the GEM flags of each (an array of
    structs; empty when unmapped, null for a missing code)."""
    _, pandas_udf = _spark()

    @pandas_udf(_MAPPING)  # type: ignore[untyped-decorator]
    def run(values: Series) -> Series:
        from codekit._frames import columns

        activate(data)
        lists = columns.mapped_lists(values.tolist(), to=to, source=source, as_of=as_of)
        return pd.Series(lists, dtype=object)

    return run(_column(codes))


def hcc(
    codes: Any,
    *,
    model: str = "V28",
    payment_year: int | None = None,
    data: str | None = None,
) -> Any:
    """Each ICD-10-CM code's HCCs in ``model`` (an array of strings, before hierarchies)."""
    _, pandas_udf = _spark()

    @pandas_udf("array<string>")  # type: ignore[untyped-decorator]
    def run(values: Series) -> Series:
        from codekit._frames import columns

        activate(data)
        return columns.hcc(values, model=model, payment_year=payment_year)

    return run(_column(codes))
