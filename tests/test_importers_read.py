"""The shared reading layer (``codekit._read``) on its own.

Truths: Python's codecs (what Windows-1252 and UTF-8 make of a byte), the Gregorian
calendar as ``datetime`` knows it, and workbooks written here with ``openpyxl``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from codekit._read.fields import At, julian
from codekit._read.records import csv_records
from codekit._read.sheet import sheet_rows
from codekit._read.text import text_lines
from codekit.exceptions import MalformedFileError


def test_lines_split_only_at_line_feeds() -> None:
    # Windows-1252 text with CMS's ellipsis byte, and UTF-8 text with U+2028 (both of
    # which str.splitlines() would take for line breaks once decoded).
    cp1252 = b"Mutually exclusive\x85 procedures\r\nnext\r\n"
    assert text_lines(cp1252, "f.txt") == [
        b"Mutually exclusive\x85 procedures".decode("cp1252"),
        "next",
    ]
    utf8 = "a\u2028b\r\nc\r\n".encode()
    assert text_lines(utf8, "f.txt") == ["a\u2028b", "c"]
    assert len("a\u2028b\r\nc\r\n".splitlines()) == 3  # what the layer avoids


def test_a_c1_control_byte_that_windows_1252_leaves_undefined_is_refused() -> None:
    # 0x81 has no character in Windows-1252: the text falls back to Latin-1, where it is
    # the C1 control U+0081, which no CMS file holds.
    with pytest.raises(MalformedFileError, match=r"line 2: holds the control character"):
        text_lines(b"fine\r\nbad \x81 byte\r\n", "f.txt")


def test_csv_records_say_the_line_each_record_ends_on() -> None:
    data = b'"notice"\r\n"HCPCS/\r\nCPT Code",Value\r\nJ1100,30\r\n'
    assert list(csv_records(data, "m.csv")) == [
        (1, ["notice"]),
        (3, ["HCPCS/\r\nCPT Code", "Value"]),
        (4, ["J1100", "30"]),
    ]


@pytest.mark.parametrize("year", [1900, 2000, 2024, 2100])
def test_julian_dates_follow_the_gregorian_calendar(year: int) -> None:
    leap = (dt.date(year, 12, 31) - dt.date(year, 1, 1)).days == 365
    last = f"{year}{366 if leap else 365}"
    assert julian(last, empty=0) == dt.date(year, 12, 31).toordinal()
    if not leap:
        with pytest.raises(MalformedFileError, match="Julian"):
            julian(f"{year}366", empty=0, where=At("aoc.txt", 7))


def test_sheet_rows_give_back_what_the_workbook_holds(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    written = [("notice",), ("Column 1", "Column 2", "Effective"), ("0001U", "G0008", 20220101)]
    for row in written:
        book.worksheets[0].append(row)
    path = tmp_path / "ccipra-v322r0-f1.xlsx"
    book.save(path)
    assert [
        (n, tuple(v for v in row if v is not None)) for n, row in sheet_rows(path, path.name)
    ] == [(n, row) for n, row in enumerate(written, 1)]
