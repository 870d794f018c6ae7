"""``codekit.group_frame``: many claims, one row each, to one row of grouping each."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from codekit._frames.convert import as_pandas_lines, is_arrow, is_polars
from codekit._grouping.api import as_claim, group
from codekit.exceptions import CodekitError, InvalidClaimError

if TYPE_CHECKING:
    import pandas as pd

    from codekit._grouping.model import Grouping

__all__ = ["ERROR_COLUMNS", "GROUPING_COLUMNS", "group_frame"]

#: The columns of :func:`group_frame`'s result, in order.
GROUPING_COLUMNS = (
    "claim_id",
    "drg",
    "drg_title",
    "mdc",
    "severity",
    "initial_drg",
    "initial_severity",
    "return_code",
    "drivers",
    "excluded",
    "hac_status",
    "hac_categories",
    "version",
)


_NUMBERS = frozenset({"drg", "mdc", "initial_drg"})


def _row(grouping: Grouping) -> tuple[Any, ...]:
    return (
        grouping.claim_id,
        grouping.drg,
        grouping.drg_title,
        grouping.mdc,
        grouping.severity,
        grouping.initial_drg,
        grouping.initial_severity,
        grouping.return_code,
        " ".join(s.code for s in grouping.drivers),
        " ".join(s.code for s in grouping.excluded),
        grouping.hac.status,
        " ".join(grouping.hac.categories),
        grouping.version,
    )


#: The columns :func:`group_frame` adds with ``errors="report"``.
ERROR_COLUMNS = ("error_field", "error")
_EMPTY = (None,) * len(GROUPING_COLUMNS)


def group_frame(claims: Any, *, version: Any = None, errors: str = "raise") -> Any:
    """Group many claims: one row per claim in, one row per claim out (:data:`GROUPING_COLUMNS`).

    :param claims: a pandas DataFrame with one row per claim in the columns
        :meth:`~codekit.InstitutionalClaim.from_frame` reads (a Polars DataFrame or a
        pyarrow Table too; the result is then of the same kind), or an iterable of
        :class:`~codekit.InstitutionalClaim` or mappings.
    :param version: group every claim under this MS-DRG version instead of the one of its
        discharge date.
    :param errors: ``"raise"`` (the default): the first bad row raises, naming it
        (``row 2: ...``); ``"report"``: every row has its outcome, a bad row (one
        :meth:`~codekit.InstitutionalClaim.from_frame` cannot read, or one the grouper
        refuses, such as a discharge date no version groups) with empty grouping columns
        and, in the added columns ``error_field`` and ``error``, the field at fault (if
        any) and the message, beginning ``row N:`` (counted from 1); the good rows are
        grouped as they would be alone.

    ``drivers`` and ``excluded`` hold the secondary codes that drove the final MS-DRG and
    the CCs/MCCs that did not count, separated by spaces; ``version`` is each claim's
    grouper version. A pandas result keeps the input's index.

    >>> import pandas as pd, codekit
    >>> frame = pd.DataFrame({
    ...     "claim_id": ["a", "b"], "principal": ["J18.9", "J18.9"],
    ...     "secondary": [[], ["J96.01"]], "age": [80, 80], "sex": ["M", "M"],
    ...     "discharge_status": [1, 1], "discharge_date": ["2025-11-03", "2025-11-03"],
    ... })
    >>> codekit.group_frame(frame)[["claim_id", "drg", "severity", "drivers"]].values.tolist()
    [['a', 195, None, ''], ['b', 193, 'MCC', 'J96.01']]
    >>> frame.loc[1, "sex"] = "X"
    >>> reported = codekit.group_frame(frame, errors="report")
    >>> reported[["claim_id", "error_field", "error"]].values.tolist()  # doctest: +ELLIPSIS
    [['a', None, None], ['b', 'sex', "row 2: sex must be M, F or U (unknown), ... not 'X'"]]
    >>> reported["drg"].isna().tolist()
    [False, True]
    """
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is an optional dependency
        raise InvalidClaimError(
            "group_frame needs pandas: pip install 'codekit[pandas]' (codekit.group groups "
            "one claim without it)"
        ) from None
    if errors not in ("raise", "report"):
        raise InvalidClaimError(f"errors= takes 'raise' or 'report', not {errors!r}")
    report = errors == "report"
    kind = "polars" if is_polars(claims) else "arrow" if is_arrow(claims) else "pandas"
    frame = as_pandas_lines(claims)
    outcomes: list[Any]
    ids: list[Any]
    if isinstance(frame, pd.DataFrame):
        from codekit._edits.institutional import InstitutionalClaim

        index: Any = frame.index
        if report:
            outcomes = list(InstitutionalClaim.from_frame_rows(frame))
            column = frame["claim_id"].tolist() if "claim_id" in frame.columns else None
            ids = [None] * len(frame) if column is None else column
        else:
            outcomes = list(InstitutionalClaim.from_frame(frame))
    elif isinstance(claims, Iterable) and not isinstance(claims, str | bytes):
        index = None
        outcomes, ids = [], []
        for position, item in enumerate(claims, 1):
            ids.append(item.get("claim_id") if isinstance(item, Mapping) else None)
            try:
                outcomes.append(as_claim(item))
            except InvalidClaimError as exc:
                if not report:
                    raise
                message = str(exc).split(": ", 1)[-1]
                outcomes.append(InvalidClaimError(f"row {position}: {message}", field=exc.field))
    else:
        raise InvalidClaimError(
            f"group_frame takes a DataFrame of claims or an iterable of claims, not "
            f"{type(claims).__name__}"
        )
    if not report:
        rows = [_row(group(claim, version=version)) for claim in outcomes]
    else:
        rows = []
        for position, outcome in enumerate(outcomes):
            rows.append(_reported(outcome, position, ids[position], version))
    names = GROUPING_COLUMNS + (ERROR_COLUMNS if report else ())
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(names)
    result = pd.DataFrame(
        {
            name: pd.Series(values, dtype="Int64" if name in _NUMBERS else object, index=index)
            for name, values in zip(names, columns, strict=True)
        },
        index=index,
    )
    return _as_kind(result, kind)


def _reported(outcome: Any, position: int, claim_id: Any, version: Any) -> tuple[Any, ...]:
    """A row of ``errors="report"``: the grouping and no error, or no grouping and why."""
    if isinstance(outcome, InvalidClaimError):
        error: CodekitError = outcome
    else:
        try:
            return (*_row(group(outcome, version=version)), None, None)
        except CodekitError as exc:
            error = InvalidClaimError(f"row {position + 1}: {exc}")
            error.field = getattr(exc, "field", None)
            claim_id = outcome.claim_id
    text = str(error).removeprefix("claim: ")
    field = getattr(error, "field", None)
    if field is not None:
        text = text.replace(f"claim field {field!r}: ", "", 1)
    ident = None if claim_id is None or _missing_id(claim_id) else str(claim_id)
    return (ident, *_EMPTY[1:], field, text)


def _missing_id(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _as_kind(frame: pd.DataFrame, kind: str) -> Any:
    if kind == "polars":
        import polars as pl

        return pl.from_pandas(frame)
    if kind == "arrow":
        import pyarrow as pa

        return pa.Table.from_pandas(frame, preserve_index=False)
    return frame
