"""Fields of CMS records: where a record is, dates, keys given once, cell text checks."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from codekit._read.text import CONTROL
from codekit.exceptions import DataError, MalformedFileError

if TYPE_CHECKING:
    from collections.abc import Hashable

__all__ = ["FIRST_YEAR", "LAST_YEAR", "At", "Unique", "check_cell", "julian", "ymd"]

#: Years a date in a CMS file may have (HCPCS add dates start in the 1980s; ``*``-marked
#: NCCI edits predate 1996).
FIRST_YEAR, LAST_YEAR = 1900, 2199


@attrs.frozen
class At:
    """Where a record is: the file name and the line (or spreadsheet row) number."""

    name: str
    number: int
    unit: str = "line"

    def bad(self, message: str) -> MalformedFileError:
        """The error for this record (``message`` says what is wrong with it)."""
        return MalformedFileError(
            self.name, self.number, f"{message}; nothing was installed", unit=self.unit
        )

    def __str__(self) -> str:
        return f"{self.name} {self.unit} {self.number}"


def ymd(raw: str, where: str, line: int, field: str, *, unit: str = "line") -> dt.date | None:
    """A ``YYYYMMDD`` field: ``None`` when blank or all zeros, else a sane calendar date."""
    text = raw.strip()
    if not text or text == "00000000":
        return None
    value: dt.date | None = None
    if len(text) == 8 and text.isdigit():
        try:
            value = dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            value = None
    if value is None or not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise At(where, line, unit).bad(f"{field} {text!r} is not a YYYYMMDD date")
    return value


def julian(text: str, *, empty: int, where: At | str = "", what: str = "date") -> int:
    """Day ordinal of a Julian ``YYYYDDD`` date (``empty`` when blank).

    A bad date is a :class:`MalformedFileError` at ``where`` (an :class:`At`), or a
    :class:`DataError` naming ``where`` when it is only a name.
    """
    if not text:
        return empty
    if len(text) == 7 and text.isdigit():
        year, day = int(text[:4]), int(text[4:])
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        if 1 <= day <= (366 if leap else 365) and FIRST_YEAR <= year <= LAST_YEAR:
            return dt.date(year, 1, 1).toordinal() + day - 1
    message = f"{what} {text!r} is not a Julian YYYYDDD date"
    if isinstance(where, At):
        raise where.bad(message)
    raise DataError(f"{where}: {message}")


class Unique:
    """Refuses a key seen before, naming both lines."""

    def __init__(self, where: str, what: str, *, unit: str = "line") -> None:
        self._where = where
        self._what = what
        self._unit = unit
        self._seen: dict[Hashable, int] = {}

    def add(self, key: Hashable, line: int, label: str | None = None) -> None:
        """Record ``key`` at ``line``; raise if it was recorded at another line."""
        first = self._seen.setdefault(key, line)
        if first != line:
            raise MalformedFileError(
                self._where,
                line,
                f"{self._what} {label or key} appears twice ({self._unit}s {first} and {line}); "
                "an official file lists it once; nothing was installed",
                unit=self._unit,
            )


def check_cell(value: str, where: str, row: int) -> str:
    """A spreadsheet row's text, refused if it holds control characters."""
    found = CONTROL.search(value)
    if found is not None:
        raise MalformedFileError(
            where,
            row,
            f"a cell holds the control character {found.group()!r}; an official file has "
            "none; nothing was installed",
            unit="row",
        )
    return value
