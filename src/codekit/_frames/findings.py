"""The findings of :func:`codekit.check_claims` with one fixed Arrow schema.

Spark, Polars and Arrow users get the columns of :data:`codekit.ncci.FINDING_COLUMNS` with
these types whatever the data (an empty result has them too): text as ``string``, dates as
``date32`` (null = open-ended), the rule values as nullable ``int64``, ``primaries`` as a list
of codes.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FINDING_TYPES", "arrow_schema", "findings_to_arrow", "spark_ddl"]

#: Each finding column and its type (the names of :data:`codekit.ncci.FINDING_COLUMNS`).
FINDING_TYPES: tuple[tuple[str, str], ...] = (
    ("claim_id", "string"),
    ("line_id", "string"),
    ("beneficiary_id", "string"),
    ("provider_id", "string"),
    ("date_of_service", "date"),
    ("kind", "string"),
    ("severity", "string"),
    ("code", "string"),
    ("other_claim_id", "string"),
    ("other_line_id", "string"),
    ("other_code", "string"),
    ("carc", "string"),
    ("bypass_modifier", "string"),
    ("indicator", "bigint"),
    ("mai", "bigint"),
    ("mue_value", "bigint"),
    ("units", "bigint"),
    ("appealable", "boolean"),
    ("aoc_type", "bigint"),
    ("primaries", "array<string>"),
    ("rationale", "string"),
    ("effective", "date"),
    ("deletion", "date"),
    ("table", "string"),
    ("setting", "string"),
    ("program", "string"),
    ("release", "string"),
    ("source_file", "string"),
    ("unchecked", "boolean"),
)


def spark_ddl() -> str:
    """The findings schema as a Spark DDL string."""
    return ", ".join(f"`{name}` {kind}" for name, kind in FINDING_TYPES)


def arrow_schema() -> Any:
    """The findings schema as a ``pyarrow.Schema``."""
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "date": pa.date32(),
        "bigint": pa.int64(),
        "boolean": pa.bool_(),
        "array<string>": pa.list_(pa.string()),
    }
    return pa.schema([(name, types[kind]) for name, kind in FINDING_TYPES])


def _text(values: Any) -> list[str | None]:
    return [None if _missing(v) else str(v) for v in values]


def _missing(value: object) -> bool:
    import math

    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return str(value) in {"<NA>", "NaT", "nan"} and not isinstance(value, str)


def _column(values: Any, field: Any) -> Any:
    """One findings column as Arrow, whole: text, dates, counts, flags and code lists."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    kind = field.type
    if pa.types.is_date32(kind):
        series = pd.Series(values)
        if not pd.api.types.is_datetime64_any_dtype(series.dtype):
            series = pd.to_datetime(series.astype(object))
        return pa.array(series.to_numpy(dtype="datetime64[D]"), type=kind, from_pandas=True)
    if pa.types.is_boolean(kind) and getattr(values, "dtype", None) == np.bool_:
        return pa.array(np.asarray(values), type=kind)
    if pa.types.is_list(kind):
        return pa.array(list(values), type=kind)
    return pa.array(values, type=kind, from_pandas=True)


def _column_by_row(values: Any, field: Any) -> Any:
    """The same column value by value, for values of other types (codes given as numbers)."""
    import pandas as pd
    import pyarrow as pa

    if pa.types.is_string(field.type):
        return pa.array(_text(values), type=field.type)
    if pa.types.is_date32(field.type):
        dates = pd.to_datetime(pd.Series(values, dtype="datetime64[ns]"))
        return pa.array([None if pd.isna(d) else d.date() for d in dates], type=field.type)
    if pa.types.is_list(field.type):
        lists = [None if v is None else [str(c) for c in v] for v in values]
        return pa.array(lists, type=field.type)
    if pa.types.is_boolean(field.type):
        return pa.array([bool(v) for v in values], type=field.type)
    return pa.array([None if pd.isna(v) else int(v) for v in values], type=field.type)


def findings_to_arrow(frame: Any) -> Any:
    """The findings DataFrame of :func:`codekit.check_claims` as a ``pyarrow.Table``.

    Each column is converted whole; a column holding values of another type than its
    schema's (claim ids given as numbers) is converted value by value instead.
    """
    import pyarrow as pa

    schema = arrow_schema()
    columns = []
    for field in schema:
        values = frame[field.name] if field.name in frame.columns else [None] * len(frame)
        try:
            columns.append(_column(values, field))
        except (pa.ArrowException, TypeError, ValueError):
            columns.append(_column_by_row(values, field))
    return pa.Table.from_arrays(columns, schema=schema)
