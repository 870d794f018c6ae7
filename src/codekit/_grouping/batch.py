"""``codekit.group_frame``: many claims, one row each, to one row of grouping each."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from codekit._frames.convert import as_pandas_lines, is_arrow, is_polars
from codekit._grouping.api import as_claim, group
from codekit.exceptions import InvalidClaimError

if TYPE_CHECKING:
    import pandas as pd

    from codekit._grouping.model import Grouping

__all__ = ["GROUPING_COLUMNS", "group_frame"]

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


def group_frame(claims: Any, *, version: Any = None) -> Any:
    """Group many claims: one row per claim in, one row per claim out (:data:`GROUPING_COLUMNS`).

    :param claims: a pandas DataFrame with one row per claim in the columns
        :meth:`~codekit.InstitutionalClaim.from_frame` reads (a Polars DataFrame or a
        pyarrow Table too; the result is then of the same kind), or an iterable of
        :class:`~codekit.InstitutionalClaim` or mappings.
    :param version: group every claim under this MS-DRG version instead of the one of its
        discharge date.

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
    """
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is an optional dependency
        raise InvalidClaimError(
            "group_frame needs pandas: pip install 'codekit[pandas]' (codekit.group groups "
            "one claim without it)"
        ) from None
    kind = "polars" if is_polars(claims) else "arrow" if is_arrow(claims) else "pandas"
    frame = as_pandas_lines(claims)
    if isinstance(frame, pd.DataFrame):
        from codekit._edits.institutional import InstitutionalClaim

        index: Any = frame.index
        parsed = InstitutionalClaim.from_frame(frame)
    elif isinstance(claims, Iterable) and not isinstance(claims, str | bytes):
        parsed = tuple(as_claim(c) for c in claims)
        index = None
    else:
        raise InvalidClaimError(
            f"group_frame takes a DataFrame of claims or an iterable of claims, not "
            f"{type(claims).__name__}"
        )
    rows = [_row(group(claim, version=version)) for claim in parsed]
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(GROUPING_COLUMNS)
    result = pd.DataFrame(
        {
            name: pd.Series(values, dtype="Int64" if name in _NUMBERS else object, index=index)
            for name, values in zip(GROUPING_COLUMNS, columns, strict=True)
        },
        index=index,
    )
    return _as_kind(result, kind)


def _as_kind(frame: pd.DataFrame, kind: str) -> Any:
    if kind == "polars":
        import polars as pl

        return pl.from_pandas(frame)
    if kind == "arrow":
        import pyarrow as pa

        return pa.Table.from_pandas(frame, preserve_index=False)
    return frame
