"""Vectorised line functions over a pandas Series of codes (and optionally of dates).

Each distinct value (or distinct code and date) is answered once by codekit's public
functions, and the answers are spread back over the rows: a column of a million lines with
a few thousand distinct codes costs a few thousand look-ups. Results keep the input's index
and use pandas' nullable dtypes (``string``, ``boolean``); a missing code or date gives a
missing answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import codekit
from codekit.exceptions import InvalidCodeError, InvalidValueError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FLAGS",
    "crosswalk",
    "describe",
    "describe_list",
    "hcc",
    "hcc_lists",
    "is_valid",
    "mapped_lists",
    "valid_list",
]

#: The GEM flags of a crosswalk mapping, in the order ``crosswalk_frame`` gives them.
FLAGS = ("approximate", "no_map", "combination", "scenario", "choice_list")


def _series(values: Any) -> pd.Series[Any]:
    import pandas as pd

    if isinstance(values, pd.Series):
        return values
    if isinstance(values, str | bytes) or not hasattr(values, "__iter__"):
        raise InvalidValueError(
            "codes",
            values,
            f"expected a column of codes (a pandas Series or a list), not {type(values).__name__}",
        )
    return pd.Series(list(values), dtype=object)


def describe_list(
    values: Sequence[Any],
    *,
    code_set: str | None = None,
    as_of: dt.date | str | None = None,
    release: str | None = None,
) -> list[str | None]:
    """Per code, :func:`codekit.describe_many`'s answer (``None`` for a missing code)."""
    distinct = list(dict.fromkeys(v for v in values if isinstance(v, str)))
    texts = codekit.describe_many(distinct, code_set=code_set, as_of=as_of, release=release)
    found = dict(zip(distinct, texts, strict=True))
    return [found[v] if isinstance(v, str) else None for v in values]


def describe(
    values: Any,
    *,
    code_set: str | None = None,
    as_of: dt.date | str | None = None,
    release: str | None = None,
) -> pd.Series[Any]:
    """The description of each code (``string`` dtype; missing where
    :func:`codekit.describe_many` gives ``None``)."""
    import pandas as pd

    series = _series(values)
    index, uniques = pd.factorize(series, use_na_sentinel=True)
    texts = codekit.describe_many(
        [u if isinstance(u, str) else None for u in uniques],  # type: ignore[misc]
        code_set=code_set,
        as_of=as_of,
        release=release,
    )
    table = pd.array([*texts, None], dtype="string")
    return pd.Series(table.take(index), index=series.index, dtype="string", name=series.name)


def _day(value: object) -> dt.date | str | None:
    """One date of a date column (``None`` when missing: ``None``, NaN, NaT)."""
    if value is None or (not isinstance(value, str) and value != value):  # noqa: PLR0124 - NaN, NaT
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date | str):
        return value
    if type(value).__name__ == "datetime64":  # numpy, without importing it
        return str(value)[:10]
    return str(value)  # the scalar function says what is wrong with it


def valid_list(
    codes: Sequence[Any],
    days: Sequence[Any] | None,
    *,
    code_set: str | None = None,
    kind: str | None = None,
) -> list[bool | None]:
    """Per code (and its date, when ``days`` is given), :func:`codekit.is_valid`; ``None``
    for a missing code or date. Each distinct pair is asked once."""
    answers: dict[tuple[str, Any], bool] = {}
    out: list[bool | None] = []
    on = [_day(d) for d in days] if days is not None else [None] * len(codes)
    for code, day in zip(codes, on, strict=True):
        if not isinstance(code, str) or (days is not None and day is None):
            out.append(None)
            continue
        found = answers.get((code, day))
        if found is None:
            found = answers[(code, day)] = codekit.is_valid(
                code, code_set=code_set, kind=kind, as_of=day
            )
        out.append(found)
    return out


def is_valid(
    values: Any,
    *,
    as_of: Any = None,
    code_set: str | None = None,
    kind: str | None = None,
) -> pd.Series[Any]:
    """Whether each code may be reported on its date (``boolean`` dtype).

    ``as_of`` is one date for every row or a column of dates (a Series aligned with the codes,
    or a sequence of the same length). Raises what :func:`codekit.is_valid` raises.
    """
    import pandas as pd

    series = _series(values)
    n = len(series)
    days: list[Any] | None
    if as_of is None:
        days = None
    elif isinstance(as_of, dt.date | str | pd.Timestamp):
        days = [as_of] * n
    else:
        column = as_of.reindex(series.index) if isinstance(as_of, pd.Series) else list(as_of)
        if len(column) != n:
            raise InvalidValueError(
                "as_of",
                as_of,
                f"the date column has {len(column)} rows and the code column {n}: "
                "give one date per code, or one date for all",
            )
        days = list(column)
    found = valid_list(series.tolist(), days, code_set=code_set, kind=kind)
    return pd.Series(pd.array(found, dtype="boolean"), index=series.index, name=series.name)


def crosswalk(
    values: Any,
    *,
    to: str,
    source: str | None = None,
    as_of: dt.date | str | None = None,
    release: str | None = None,
    keep_unmapped: bool = True,
) -> pd.DataFrame:
    """One row per target of each code: :func:`codekit.crosswalk_frame`, whose index repeats
    the input's so the result joins back to it."""
    return codekit.crosswalk_frame(
        _series(values),
        to=to,
        source=source,
        as_of=as_of,
        release=release,
        keep_unmapped=keep_unmapped,
    )


def mapped_lists(
    values: Sequence[Any],
    *,
    to: str,
    source: str | None = None,
    as_of: dt.date | str | None = None,
    release: str | None = None,
) -> list[list[dict[str, Any]] | None]:
    """Per code, its targets in ``to`` as ``{"target", flags...}`` dicts (``[]`` unmapped or
    not a code of the source code set, ``None`` for a missing code): the shape of a
    Spark/Arrow list-of-struct column. Each distinct code is asked once."""
    answers: dict[str, list[dict[str, Any]]] = {}
    out: list[list[dict[str, Any]] | None] = []
    for code in values:
        if not isinstance(code, str):
            out.append(None)
            continue
        found = answers.get(code)
        if found is None:
            try:
                mapped = codekit.crosswalk(code, to=to, source=source, as_of=as_of, release=release)
            except InvalidCodeError:
                mapped = ()
            found = answers[code] = [
                {"target": m.target} | {name: getattr(m, name) for name in FLAGS}
                for m in mapped
                if m.target is not None
            ]
        out.append(found)
    return out


def hcc_lists(
    values: Sequence[Any], *, model: str = "V28", payment_year: int | None = None
) -> list[list[str] | None]:
    """Per ICD-10-CM code, the sorted HCCs it maps to in ``model`` (``None`` when missing)."""
    name = model if ":" in model else "rxhcc:V08" if model == "RxHCC" else f"hcc:{model}"
    release = None if payment_year is None else str(payment_year)
    lists = mapped_lists(values, to=name, release=release)
    return [None if found is None else sorted({m["target"] for m in found}) for found in lists]


def hcc(
    values: Any,
    *,
    model: str = "V28",
    payment_year: int | None = None,
) -> pd.Series[Any]:
    """Per row, the HCCs its ICD-10-CM code maps to in ``model`` (before hierarchies, which
    apply to a patient's codes together: :func:`codekit.hccs`); ``[]`` unmapped, missing for
    a missing code."""
    import pandas as pd

    series = _series(values)
    lists = hcc_lists(series.tolist(), model=model, payment_year=payment_year)
    return pd.Series(lists, index=series.index, name=series.name, dtype=object)
