"""The ``.codekit`` accessor on pandas Series and DataFrames (registered by
``import codekit.frames``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pandas as pd

from codekit._frames import columns

if TYPE_CHECKING:
    from codekit.ncci import Policy

__all__ = ["FrameAccessor", "SeriesAccessor", "register"]

NAME = "codekit"


class SeriesAccessor:
    """``series.codekit``: the line functions over a column of codes."""

    def __init__(self, series: pd.Series[Any]) -> None:
        self._series = series

    def describe(
        self,
        *,
        code_set: str | None = None,
        as_of: dt.date | str | None = None,
        release: str | None = None,
    ) -> pd.Series[Any]:
        """Each code's description (``string`` dtype; missing where there is none)."""
        return columns.describe(self._series, code_set=code_set, as_of=as_of, release=release)

    def is_valid(
        self, *, as_of: Any = None, code_set: str | None = None, kind: str | None = None
    ) -> pd.Series[Any]:
        """Whether each code may be reported on ``as_of`` (one date or a column of dates;
        ``boolean`` dtype, missing for a missing code or date)."""
        return columns.is_valid(self._series, as_of=as_of, code_set=code_set, kind=kind)

    def crosswalk(
        self,
        *,
        to: str,
        source: str | None = None,
        as_of: dt.date | str | None = None,
        release: str | None = None,
        keep_unmapped: bool = True,
    ) -> pd.DataFrame:
        """One row per target (:func:`codekit.crosswalk_frame`; the index joins back)."""
        return columns.crosswalk(
            self._series,
            to=to,
            source=source,
            as_of=as_of,
            release=release,
            keep_unmapped=keep_unmapped,
        )

    def hcc(self, *, model: str = "V28", payment_year: int | None = None) -> pd.Series[Any]:
        """Each ICD-10-CM code's HCCs in ``model`` (lists, before hierarchies)."""
        return columns.hcc(self._series, model=model, payment_year=payment_year)


class FrameAccessor:
    """``frame.codekit``: NCCI checks of a DataFrame of claim lines."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame

    def check_claims(
        self,
        *,
        setting: str = "practitioner",
        as_of: dt.date | str | None = None,
        policy: Policy | None = None,
    ) -> pd.DataFrame:
        """:func:`codekit.check_claims` of this frame's lines."""
        import codekit

        return codekit.check_claims(self._frame, setting=setting, as_of=as_of, policy=policy)


def register() -> None:
    """Register both accessors (once; pandas warns when a name is registered twice)."""
    if not hasattr(pd.Series, NAME):
        pd.api.extensions.register_series_accessor(NAME)(SeriesAccessor)
    if not hasattr(pd.DataFrame, NAME):
        pd.api.extensions.register_dataframe_accessor(NAME)(FrameAccessor)
