"""Reading dates of service and release dates, in one place."""

from __future__ import annotations

import datetime as dt

from codekit.exceptions import InvalidDateError

__all__ = ["fiscal_year_start", "to_date"]

DateLike = dt.date | str


def to_date(value: object, what: str = "date") -> dt.date:
    """A ``datetime.date`` from a date, a datetime or a pandas ``Timestamp`` (their date part),
    or ISO text: ``YYYY-MM-DD``, optionally followed by a time (``2026-08-01T00:00:00``,
    ``2026-08-01 12:30+00:00``); anything else after the date is refused."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return dt.date.fromisoformat(text)
            if len(text) > 10 and text[10] in "T ":
                # a date-time: the whole text must be one (not "2021-09-30 garbage")
                return dt.datetime.fromisoformat(text).date()
        except ValueError:
            pass
    to_pydatetime = getattr(value, "to_pydatetime", None)  # pandas Timestamp
    if callable(to_pydatetime):
        moment = to_pydatetime()
        if isinstance(moment, dt.datetime):
            return moment.date()
    raise InvalidDateError(value, what)


def fiscal_year_start(fiscal_year: int) -> dt.date:
    """First day of a US federal fiscal year (FY2026 starts on 2025-10-01)."""
    return dt.date(fiscal_year - 1, 10, 1)
