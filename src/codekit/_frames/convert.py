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


#: Every character ``str.split()`` splits on (Python's whitespace: ``str.isspace``), the
#: engine's reading of a text of modifiers; RE2's ``\s`` matches only the first five.
SPLITS = (
    "\t\n\r\x0c \x0b\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
#: Items holding one of these (or a comma) would read back as other items once joined.
_SEPARATOR = "[," + "".join(f"\\x{{{ord(c):x}}}" for c in SPLITS) + "]"


def _joined(column: Any) -> Any:
    """A list-of-text column of modifiers as one space-separated text per row (Arrow's own
    join, no Python objects), or ``None`` when that would not read back the same: a missing
    or empty modifier, or one holding a comma or a character ``str.split()`` splits on
    (:data:`SPLITS`), keeps the lists."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if not (pa.types.is_list(kind) or pa.types.is_large_list(kind)):
        return None
    if not (pa.types.is_string(kind.value_type) or pa.types.is_large_string(kind.value_type)):
        return None
    column = column.cast(pa.list_(pa.string()))
    items = pc.list_flatten(column)
    if items.null_count:
        return None
    if len(items) and (
        pc.any(pc.match_substring_regex(items, _SEPARATOR)).as_py()
        or pc.any(pc.equal(pc.utf8_length(items), 0)).as_py()
    ):
        return None
    return pc.binary_join(column, " ")


def as_pandas_lines(value: Any) -> Any:
    """``value`` as a pandas DataFrame when it is an Arrow table or a Polars frame, else as is.

    Dates stay ``datetime64`` (the engine's fast path). A ``modifiers`` list column becomes
    one space-separated text per row (joined by Arrow: the engine reads a text column as
    fast as it reads anything, and the lists' Python objects are never made); other list
    columns (``diagnoses``) become Python lists, as a pandas user has them.
    """
    if is_polars(value):
        value = value.to_arrow()
    if is_arrow(value):
        if "modifiers" in value.schema.names:
            joined = _joined(value.column("modifiers"))
            if joined is not None:
                where = value.schema.get_field_index("modifiers")
                value = value.set_column(where, "modifiers", joined)
        frame = value.to_pandas(date_as_object=False)
        for field in value.schema:
            if "list" in str(field.type):  # lists as Python lists, as a pandas user has them
                frame[field.name] = value.column(field.name).to_pylist()
        return frame
    return value
