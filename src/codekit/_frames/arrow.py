"""Arrow in, Arrow out: the line functions and NCCI checks for Polars, DuckDB and pyarrow.

The line functions take a ``pyarrow`` Array or ChunkedArray (or any sequence) and give a
``pyarrow.Array`` without going through pandas; :func:`check_claims` takes a Table and
gives the findings as a Table of the fixed schema of :mod:`codekit._frames.findings`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from codekit._frames import columns
from codekit._frames.findings import findings_to_arrow

if TYPE_CHECKING:
    from codekit.ncci import Policy

__all__ = ["check_claims", "crosswalk", "describe", "hcc", "is_valid", "mapping_type"]


def _values(array: Any) -> list[Any]:
    return array.to_pylist() if hasattr(array, "to_pylist") else list(array)


def mapping_type() -> Any:
    """The Arrow type of a crosswalk column: a list of (target, GEM flags) structs."""
    import pyarrow as pa

    return pa.list_(
        pa.struct(
            [
                ("target", pa.string()),
                ("approximate", pa.bool_()),
                ("no_map", pa.bool_()),
                ("combination", pa.bool_()),
                ("scenario", pa.int32()),
                ("choice_list", pa.int32()),
            ]
        )
    )


def describe(
    codes: Any,
    *,
    code_set: str | None = None,
    as_of: dt.date | str | None = None,
    release: str | None = None,
) -> Any:
    """Each code's description (a ``string`` array; null where there is none)."""
    import pyarrow as pa

    texts = columns.describe_list(_values(codes), code_set=code_set, as_of=as_of, release=release)
    return pa.array(texts, type=pa.string())


def is_valid(
    codes: Any,
    dates: Any = None,
    *,
    as_of: dt.date | str | None = None,
    code_set: str | None = None,
    kind: str | None = None,
) -> Any:
    """Whether each code may be reported on its date (``dates``: an array of dates) or on
    ``as_of``; a ``bool`` array, null for a missing code or date."""
    import pyarrow as pa

    values = _values(codes)
    days = _values(dates) if dates is not None else None
    if days is None and as_of is not None:
        days = [as_of] * len(values)
    return pa.array(columns.valid_list(values, days, code_set=code_set, kind=kind), type=pa.bool_())


def crosswalk(
    codes: Any,
    *,
    to: str,
    source: str | None = None,
    as_of: dt.date | str | None = None,
    release: str | None = None,
) -> Any:
    """Each code's targets with their GEM flags (a list-of-struct array)."""
    import pyarrow as pa

    lists = columns.mapped_lists(_values(codes), to=to, source=source, as_of=as_of, release=release)
    return pa.array(lists, type=mapping_type())


def hcc(codes: Any, *, model: str = "V28", payment_year: int | None = None) -> Any:
    """Each ICD-10-CM code's HCCs in ``model`` (a list-of-string array, before hierarchies)."""
    import pyarrow as pa

    lists = columns.hcc_lists(_values(codes), model=model, payment_year=payment_year)
    return pa.array(lists, type=pa.list_(pa.string()))


def check_claims(
    lines: Any,
    *,
    setting: str = "practitioner",
    as_of: dt.date | str | None = None,
    policy: Policy | None = None,
) -> Any:
    """:func:`codekit.check_claims` of an Arrow table of lines; the findings as a Table."""
    import codekit

    return findings_to_arrow(
        codekit.check_claims(lines, setting=setting, as_of=as_of, policy=policy)
    )
