"""Vectorised line functions over a pandas Series of codes (and optionally of dates).

Each distinct value (or distinct code and date) is answered once by codekit's public
functions, and the answers are spread back over the rows: a column of a million lines with
a few thousand distinct codes costs a few thousand look-ups. Results keep the input's index
and use pandas' nullable dtypes (``string``, ``boolean``); a missing code or date gives a
missing answer.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import codekit
from codekit.exceptions import InvalidValueError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["crosswalk", "describe", "hcc", "is_valid", "mapped_lists"]

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
    """One date of a date column (``None`` when missing)."""
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    if isinstance(value, dt.date | str):
        return value
    import numpy as np

    if isinstance(value, np.datetime64):
        return pd.Timestamp(value).date()
    return str(value)  # the scalar function says what is wrong with it


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
    import numpy as np
    import pandas as pd

    series = _series(values)
    n = len(series)
    if as_of is None or isinstance(as_of, dt.date | str | pd.Timestamp):
        days: list[Any] = [_day(as_of) if as_of is not None else None] * n
        dated = as_of is not None
    else:
        column = as_of.reindex(series.index) if isinstance(as_of, pd.Series) else list(as_of)
        if len(column) != n:
            raise InvalidValueError(
                "as_of",
                as_of,
                f"the date column has {len(column)} rows and the code column {n}: "
                "give one date per code, or one date for all",
            )
        days = [_day(v) for v in column]
        dated = True
    codes = [v if isinstance(v, str) else None for v in series]
    answers: dict[tuple[str, Any], bool] = {}
    out = np.zeros(n, dtype=bool)
    missing = np.zeros(n, dtype=bool)
    for i, (code, day) in enumerate(zip(codes, days, strict=True)):
        if code is None or (dated and day is None):
            missing[i] = True
            continue
        key = (code, day)
        found = answers.get(key)
        if found is None:
            found = answers[key] = codekit.is_valid(code, code_set=code_set, kind=kind, as_of=day)
        out[i] = found
    result = pd.array(out, dtype="boolean")
    result[missing] = pd.NA
    return pd.Series(result, index=series.index, name=series.name)


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
    values: Any,
    *,
    to: str,
    source: str | None = None,
    as_of: dt.date | str | None = None,
    release: str | None = None,
) -> list[list[dict[str, Any]] | None]:
    """Per row, its crosswalk targets as ``{"target", flags...}`` dicts (``[]`` unmapped,
    ``None`` for a missing code): the shape of a Spark/Arrow list-of-struct column."""
    import pandas as pd

    series = _series(values).reset_index(drop=True)
    frame = codekit.crosswalk_frame(
        series, to=to, source=source, as_of=as_of, release=release, keep_unmapped=False
    )
    out: list[list[dict[str, Any]] | None] = [
        None if not isinstance(v, str) else [] for v in series
    ]
    positions = frame.index.to_numpy()
    targets = frame["target"].tolist()
    flags = [frame[name].tolist() for name in FLAGS]
    for row, (position, target) in enumerate(zip(positions, targets, strict=True)):
        found = out[int(position)]
        if found is not None and not pd.isna(target):
            found.append(
                {"target": str(target)} | {n: f[row] for n, f in zip(FLAGS, flags, strict=True)}
            )
    return out


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
    name = model if ":" in model else "rxhcc:V08" if model == "RxHCC" else f"hcc:{model}"
    lists = mapped_lists(
        series, to=name, release=None if payment_year is None else str(payment_year)
    )
    hccs = [None if found is None else sorted({m["target"] for m in found}) for found in lists]
    return pd.Series(hccs, index=series.index, name=series.name, dtype=object)
