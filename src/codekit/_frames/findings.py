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


def findings_to_arrow(frame: Any) -> Any:
    """The findings DataFrame of :func:`codekit.check_claims` as a ``pyarrow.Table``."""
    import pandas as pd
    import pyarrow as pa

    schema = arrow_schema()
    columns = []
    for field in schema:
        values = frame[field.name] if field.name in frame.columns else [None] * len(frame)
        if pa.types.is_string(field.type):
            columns.append(pa.array(_text(values), type=field.type))
        elif pa.types.is_date32(field.type):
            dates = pd.to_datetime(pd.Series(values, dtype="datetime64[ns]"))
            days = [None if pd.isna(d) else d.date() for d in dates]
            columns.append(pa.array(days, type=field.type))
        elif pa.types.is_list(field.type):
            lists = [None if v is None else [str(c) for c in v] for v in values]
            columns.append(pa.array(lists, type=field.type))
        elif pa.types.is_boolean(field.type):
            columns.append(pa.array([bool(v) for v in values], type=field.type))
        else:
            ints = [None if pd.isna(v) else int(v) for v in values]
            columns.append(pa.array(ints, type=field.type))
    return pa.Table.from_arrays(columns, schema=schema)
