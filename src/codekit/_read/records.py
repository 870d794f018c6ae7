"""Records of CMS text files: fixed-width fields, header-laid columns, CSV records."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from codekit._read.text import decode, split_lines

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

__all__ = ["Field", "column_starts", "csv_records", "fixed_fields", "header_cut"]

#: One fixed-width field: its name, first and last position (1-based, inclusive, as CMS's
#: record layouts give them).
Field = tuple[str, int, int]


def fixed_fields(line: str, layout: Sequence[Field], length: int) -> dict[str, str]:
    """The fields of a fixed-width record (padded to ``length``: CMS trims trailing blanks)."""
    padded = line.ljust(length)
    return {name: padded[start - 1 : end] for name, start, end in layout}


def column_starts(header: str, names: Sequence[str]) -> list[int]:
    """Where each of ``names`` that the header line holds starts (for :func:`header_cut`)."""
    return [header.index(name) for name in names if name in header]


def header_cut(line: str, starts: Sequence[int]) -> list[str]:
    """A line cut at the columns a header laid out (each cell stripped)."""
    bounds = [*starts[1:], None]
    return [line[a:b].strip() for a, b in zip(starts, bounds, strict=True)]


def csv_records(
    data: bytes, where: str, *, require_end: bool = True
) -> Iterator[tuple[int, list[str]]]:
    """``(line, record)`` of a CSV file, ``line`` being where the record ends (a quoted cell
    may hold line breaks). The text gets the shared checks first (see
    :func:`codekit._read.text.split_lines`)."""
    text = decode(data)
    split_lines(text, where, require_end=require_end)
    reader = csv.reader(io.StringIO(text, newline=""))
    for record in reader:
        yield reader.line_num, record
