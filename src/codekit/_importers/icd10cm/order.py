"""The ICD-10-CM order file (``icd10cm_order_YYYY.txt``): its lines and their rows.

Layout (1-based): order number 1-5, code 7-13 (no dot, left-justified), header flag 15
(``0`` header, ``1`` billable), short description 17-76, long description from 78.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import attrs

from codekit._importers._base import Detection
from codekit._importers._codeset import item
from codekit._read.fields import Unique
from codekit._read.text import read_lines
from codekit.exceptions import DataError, DataFileError, MalformedFileError

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from codekit._store.sqlite import Item

__all__ = [
    "LICENCE",
    "ORDER_LINE",
    "ORDER_NAME",
    "SOURCE_ORDER",
    "OrderEntry",
    "april_update",
    "dotted",
    "fiscal_detection",
    "fiscal_period",
    "fiscal_release",
    "kind_of",
    "order_items",
    "parent_of",
    "parse_order",
]

ORDER_LINE = re.compile(r"([0-9]{5}) ([0-9A-Z]{3,7}) {0,4} ([01]) (.{60}) (.*)")
ORDER_NAME = re.compile(r"icd10(?P<set>cm|pcs)_order_(?P<year>20[0-9]{2})", re.I)
_CM_CODE = re.compile(r"[A-Z][0-9][0-9A-Z]{1,5}")
SOURCE_ORDER = "CMS ICD-10-CM order file"
LICENCE = "Public domain (CDC/NCHS and CMS, US government work)"


def fiscal_period(fiscal_year: int, april: bool = False) -> tuple[dt.date, dt.date]:
    """Effective period of a fiscal-year release (or of its April update)."""
    start = dt.date(fiscal_year, 4, 1) if april else dt.date(fiscal_year - 1, 10, 1)
    return start, dt.date(fiscal_year, 9, 30)


def dotted(code: str) -> str:
    """ICD-10-CM canonical spelling (dot after the third character)."""
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def fiscal_detection(
    importer: str, kind: str, path: Path, year: int, what: str, *, role: str = "main"
) -> Detection:
    """The detection of a file of fiscal year ``year`` (release ``FYyyyy``)."""
    effective, until = fiscal_period(year)
    return Detection(
        importer=importer,
        kind=kind,
        release=f"FY{year}",
        effective=effective,
        until=until,
        path=path,
        origin=path.name,
        summary=f"{what}, FY{year}",
        role=role,
    )


def fiscal_release(release: str) -> tuple[int, bool]:
    """``(fiscal year, April update)`` of a release id such as ``FY2026`` or ``FY2026-APR``."""
    found = re.fullmatch(r"(?:FY)?(20[0-9]{2})(-APR)?", release.strip().upper())
    if found is None:
        raise DataError(f"release {release!r} is not like FY2026 or FY2026-APR")
    return int(found[1]), bool(found[2])


@attrs.frozen
class OrderEntry:
    """One line of an order file."""

    order: int
    code: str
    billable: bool
    short: str
    long: str


def parse_order(path: Path) -> tuple[list[OrderEntry], dict[str, int]]:
    """Every line of an order file, or :class:`DataFileError` naming the first bad line."""
    entries: list[OrderEntry] = []
    stats = {"lines": 0, "headers": 0, "billable": 0, "blank": 0}
    once = Unique(path.name, "code")
    for number, line in enumerate(read_lines(path), 1):
        stats["lines"] += 1
        if not line.strip():
            stats["blank"] += 1
            continue
        found = ORDER_LINE.fullmatch(line)
        if found is None:
            raise MalformedFileError(path.name, number, f"is not an order-file line: {line[:40]!r}")
        once.add(found[2], number)
        billable = found[3] == "1"
        stats["billable" if billable else "headers"] += 1
        entries.append(
            OrderEntry(int(found[1]), found[2], billable, found[4].rstrip(), found[5].rstrip())
        )
    if not entries:
        raise DataFileError(path.name, "holds no order-file lines")
    return entries, stats


def parent_of(code: str, known: set[str]) -> str | None:
    for size in range(len(code) - 1, 2, -1):
        if code[:size] in known:
            return code[:size]
    return None


def kind_of(code: str) -> str:
    return "category" if len(code) == 3 else "code"


def order_items(entries: Sequence[OrderEntry]) -> list[Item]:
    """Dataset rows of an ICD-10-CM order file."""
    known = {e.code for e in entries}
    rows = []
    for entry in entries:
        if not _CM_CODE.fullmatch(entry.code):
            raise DataFileError(entry.code, "is not an ICD-10-CM code")
        parent = parent_of(entry.code, known)
        rows.append(
            item(
                dotted(entry.code),
                entry.long,
                seq=entry.order,
                short=entry.short or None,
                billable=entry.billable,
                kind=kind_of(entry.code),
                parent=dotted(parent) if parent else None,
                parent_kind=kind_of(parent) if parent else None,
            )
        )
    return rows


def april_update(origin: str) -> bool:
    """Whether a file (or the zip it came in) is an April 1 update, by its name."""
    return re.search(r"april|(?<![a-z])apr(?![a-z])", origin, re.I) is not None
