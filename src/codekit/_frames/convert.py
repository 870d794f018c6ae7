"""Claim lines given as a pyarrow Table / RecordBatch or a Polars DataFrame, read as pandas.

The NCCI batch engine reads pandas; this module is its one door for the other two shapes.
It imports nothing of codekit (the engine imports it) and neither pyarrow nor polars unless
the value given is one of theirs.
"""

from __future__ import annotations

from typing import Any

__all__ = ["as_pandas_lines", "is_arrow", "is_polars"]


def _module_of(value: object) -> str:
    return type(value).__module__.split(".", 1)[0]


def is_arrow(value: object) -> bool:
    """Whether ``value`` is a pyarrow Table or RecordBatch."""
    return _module_of(value) == "pyarrow" and type(value).__name__ in {"Table", "RecordBatch"}


def is_polars(value: object) -> bool:
    """Whether ``value`` is a Polars DataFrame (a LazyFrame is collected by the caller)."""
    return _module_of(value) == "polars" and type(value).__name__ == "DataFrame"


def as_pandas_lines(value: Any) -> Any:
    """``value`` as a pandas DataFrame when it is an Arrow table or a Polars frame, else as is.

    Dates stay ``datetime64`` (the engine's fast path) and list columns (``modifiers``,
    ``diagnoses``) become Python lists (the engine reads them faster than arrays).
    """
    if is_polars(value):
        value = value.to_arrow()
    if is_arrow(value):
        frame = value.to_pandas(date_as_object=False)
        for field in value.schema:
            if "list" in str(field.type):  # lists as Python lists, as a pandas user has them
                frame[field.name] = value.column(field.name).to_pylist()
        return frame
    return value
