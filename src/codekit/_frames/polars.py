"""The ``.codekit`` namespace on Polars Series and DataFrames (registered by
``import codekit.frames`` when Polars is installed).

The line functions go through Arrow (:mod:`codekit._frames.arrow`), never through pandas;
``check_claims`` gives the findings as a Polars DataFrame.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from codekit._frames import arrow

if TYPE_CHECKING:
    from codekit.ncci import Policy

__all__ = ["FrameNamespace", "SeriesNamespace", "register"]

NAME = "codekit"


def _series(values: Any, name: str) -> Any:
    import polars as pl

    return pl.Series(name, pl.from_arrow(values))


class SeriesNamespace:
    """``series.codekit``: the line functions over a Polars column of codes."""

    def __init__(self, series: Any) -> None:
        self._series = series

    def describe(
        self,
        *,
        code_set: str | None = None,
        as_of: dt.date | str | None = None,
        release: str | None = None,
    ) -> Any:
        """Each code's description (``Utf8``; null where there is none)."""
        found = arrow.describe(
            self._series.to_arrow(), code_set=code_set, as_of=as_of, release=release
        )
        return _series(found, self._series.name)

    def is_valid(
        self, *, as_of: Any = None, code_set: str | None = None, kind: str | None = None
    ) -> Any:
        """Whether each code may be reported on ``as_of`` (one date, or a Polars Series of
        dates); ``Boolean``, null for a missing code or date."""
        import polars as pl

        dates = as_of.to_arrow() if isinstance(as_of, pl.Series) else None
        on = None if dates is not None else as_of
        found = arrow.is_valid(
            self._series.to_arrow(), dates, as_of=on, code_set=code_set, kind=kind
        )
        return _series(found, self._series.name)

    def crosswalk(
        self,
        *,
        to: str,
        source: str | None = None,
        as_of: dt.date | str | None = None,
        release: str | None = None,
    ) -> Any:
        """Each code's targets with their GEM flags (a list of structs per row)."""
        found = arrow.crosswalk(
            self._series.to_arrow(), to=to, source=source, as_of=as_of, release=release
        )
        return _series(found, self._series.name)

    def hcc(self, *, model: str = "V28", payment_year: int | None = None) -> Any:
        """Each ICD-10-CM code's HCCs in ``model`` (a list of strings per row)."""
        found = arrow.hcc(self._series.to_arrow(), model=model, payment_year=payment_year)
        return _series(found, self._series.name)


class FrameNamespace:
    """``frame.codekit``: NCCI checks of a Polars DataFrame of claim lines."""

    def __init__(self, frame: Any) -> None:
        self._frame = frame

    def check_claims(
        self,
        *,
        setting: str = "practitioner",
        as_of: dt.date | str | None = None,
        policy: Policy | None = None,
    ) -> Any:
        """:func:`codekit.check_claims` of this frame's lines, as a Polars DataFrame."""
        import polars as pl

        found = arrow.check_claims(self._frame, setting=setting, as_of=as_of, policy=policy)
        return pl.from_arrow(found)


def register() -> None:
    """Register both namespaces (once)."""
    import polars as pl

    if not hasattr(pl.Series, NAME):
        pl.api.register_series_namespace(NAME)(SeriesNamespace)
    if not hasattr(pl.DataFrame, NAME):
        pl.api.register_dataframe_namespace(NAME)(FrameNamespace)
