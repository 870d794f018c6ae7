"""Reading dates of service and release dates, in one place."""

from __future__ import annotations

import datetime as dt

from codekit.exceptions import InvalidDateError

__all__ = ["fiscal_year_start", "to_date"]

DateLike = dt.date | str


def to_date(value: object, what: str = "date") -> dt.date:
    """A ``datetime.date`` from a date, a datetime (its date part) or ISO ``YYYY-MM-DD`` text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidDateError(value, what)


def fiscal_year_start(fiscal_year: int) -> dt.date:
    """First day of a US federal fiscal year (FY2026 starts on 2025-10-01)."""
    return dt.date(fiscal_year - 1, 10, 1)
