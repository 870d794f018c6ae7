"""Reading CMS's NCCI files: PTP ``.txt``/``.xlsx`` parts, MUE ``.csv``/``.xlsx``, AOC.

Every reader finds the header (never assumes row 1: notice lines and wrapped headers come
first), checks the shape of each data row, and returns plain column lists. Bytes, lines,
cells, zips and dates are read through :mod:`codekit._read`, like every importer's.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from codekit._edits.codes import CODE
from codekit._edits.ncci.filenames import AOC_NAME, MUE_NAME, PTP_NAME, identify
from codekit._edits.ncci.rows import AOC_COLUMNS, AocRows, MueRows, PtpRows
from codekit._edits.ncci.rules import NEVER, OPEN
from codekit._read.archive import zip_members
from codekit._read.fields import At, Unique, julian, ymd
from codekit._read.records import column_starts, csv_records, header_cut
from codekit._read.sheet import row_cells, sheet_rows
from codekit._read.text import text_lines
from codekit.exceptions import DataError, MalformedFileError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

__all__ = ["read_aoc", "read_mue", "read_ptp"]

#: The suffixes of NCCI table files (in zips, beside read-me files and PDFs).
_TABLE_SUFFIXES = (".txt", ".xlsx", ".csv")


def _members(path: Path, pattern: re.Pattern[str]) -> list[tuple[str, bytes]]:
    """``(name, bytes)`` of a file, or of the table members of a zip it is."""
    if path.suffix.lower() == ".xlsx" or not zipfile.is_zipfile(path):
        return [(path.name, path.read_bytes())]
    found = zip_members(
        path,
        lambda name: bool(pattern.search(name)) and Path(name).suffix.lower() in _TABLE_SUFFIXES,
    )
    if not found:
        raise DataError(f"{path.name}: the zip holds no NCCI table file")
    # One part may come both as .txt and .xlsx: read the text one.
    by_stem: dict[str, tuple[str, bytes]] = {}
    for name, data in found:
        stem = Path(name).stem.lower()
        if stem not in by_stem or name.lower().endswith((".txt", ".csv")):
            by_stem[stem] = (name, data)
    return list(by_stem.values())


def _is_xlsx(name: str) -> bool:
    return name.lower().endswith(".xlsx")


def _sheet_records(name: str, data: bytes) -> Iterator[tuple[At, list[str]]]:
    for number, row in sheet_rows(data, name):
        yield At(name, number, "row"), row_cells(row, name, number)


def _norm(cell: str) -> str:
    return re.sub(r"[\s_/-]+", "", cell.strip()).lower()


# -- PTP ---------------------------------------------------------------------------------

_YMD: dict[str, int] = {}


def _ymd(text: str, what: str, where: At) -> int:
    """Day ordinal of ``YYYYMMDD`` (``*`` = open-ended); a PTP file repeats few dates."""
    value = _YMD.get(text)
    if value is not None:
        return value
    if text == "*":
        return OPEN
    day = ymd(text, where.name, where.number, what, unit=where.unit)
    if day is None:
        raise where.bad(f"{what} {text!r} is not a YYYYMMDD date")
    value = day.toordinal()
    _YMD[text] = value
    return value


def _is_ptp_header(first: str) -> bool:
    """The header's first cell: ``Column 1`` (or the ``Column1/Column2 Edits`` title above it)."""
    return first.replace(" ", "").lower().startswith("column1")


def _add_ptp(rows: PtpRows, fields: list[str], part: int, where: At) -> None:
    col1, col2 = fields[0].strip().upper(), fields[1].strip().upper()
    if not (CODE.fullmatch(col1) and CODE.fullmatch(col2)):
        raise where.bad(f"columns 1 and 2 must be HCPCS/CPT codes, got {col1!r}, {col2!r}")
    indicator = fields[5].strip()
    if indicator not in ("0", "1", "9"):
        raise where.bad(f"modifier indicator {indicator!r} is not 0, 1 or 9")
    effective = _ymd(fields[3].strip(), "effective date", where)
    deletion = _ymd(fields[4].strip(), "deletion date", where)
    if effective == OPEN:
        raise where.bad("effective date must be a date, not '*'")
    if deletion < effective:
        raise where.bad(f"deletion date {fields[4].strip()} is before the effective date")
    rows.column1.append(col1)
    rows.column2.append(col2)
    rows.prior_1996.append(fields[2].strip() == "*")
    rows.effective.append(effective)
    rows.deletion.append(deletion)
    rows.indicator.append(int(indicator))
    rows.rationale.append(fields[6].strip() if len(fields) > 6 else "")
    rows.part.append(part)


def _ptp_records(name: str, data: bytes) -> Iterator[tuple[At, list[str]]]:
    if _is_xlsx(name):
        yield from _sheet_records(name, data)
    else:
        for number, line in enumerate(text_lines(data, name), 1):
            yield At(name, number), line.split("\t")


def read_ptp(paths: Iterable[Path], rows: PtpRows | None = None) -> tuple[PtpRows, list[str]]:
    """Read PTP parts (``.txt``/``.xlsx``, zipped or not) into one set of rows.

    Returns the rows and the names of the files read (the zip members).
    """
    rows = rows if rows is not None else PtpRows()
    names: list[str] = []
    for path in paths:
        for name, data in _members(Path(path), PTP_NAME):
            info = identify(name)
            part = info.part if info is not None else 1
            names.append(name)
            header = False
            for where, fields in _ptp_records(name, data):
                first = fields[0].strip() if fields else ""
                if not header:
                    header = _is_ptp_header(first)
                    continue
                if not any(f.strip() for f in fields):
                    continue
                if len(fields) >= 6 and CODE.fullmatch(first.upper()):
                    _add_ptp(rows, fields, part, where)
                elif len(rows) == 0 or rows.part[-1] != part:
                    continue  # the rest of a wrapped header
                else:
                    raise where.bad(f"not a PTP row: {chr(9).join(fields)[:80]!r}")
            if not header:
                raise MalformedFileError(
                    name,
                    None,
                    "no PTP header ('Column 1', 'Column 2', ...) found; "
                    "is this a ccipra/ccioph PTP file?",
                )
    return rows, names


# -- MUE ---------------------------------------------------------------------------------


def _mue_records(name: str, data: bytes) -> Iterator[tuple[At, list[str]]]:
    """Records with where they end (csv: the line; xlsx: the row)."""
    if _is_xlsx(name):
        yield from _sheet_records(name, data)
    else:
        for number, record in csv_records(data, name):
            yield At(name, number), record


def read_mue(path: Path) -> tuple[MueRows, list[str]]:
    """Read one MUE table (``.csv`` or ``.xlsx``, zipped or not)."""
    rows = MueRows()
    names: list[str] = []
    for name, data in _members(Path(path), MUE_NAME):
        names.append(name)
        header = False
        once = Unique(name, "code", unit="row" if _is_xlsx(name) else "line")
        for where, fields in _mue_records(name, data):
            if not header:
                if fields and _norm(fields[0]).startswith("hcpcs") and len(fields) >= 3:
                    header = True
                    rows.value_header = " ".join(fields[1].split())
                continue
            if not any(f.strip() for f in fields):
                continue
            code = fields[0].strip().upper()
            if not CODE.fullmatch(code) or len(fields) < 3:
                raise where.bad(f"not an MUE row: {','.join(fields)[:80]!r}")
            value_text, mai_text = fields[1].strip(), " ".join(fields[2].split())
            if not value_text.isdigit():
                raise where.bad(f"MUE value {value_text!r} is not a whole number")
            if mai_text[:1] not in ("1", "2", "3"):
                raise where.bad(f"MUE adjudication indicator {mai_text!r} is not 1, 2 or 3")
            once.add(code, where.number)
            rows.code.append(code)
            rows.value.append(int(value_text))
            rows.mai.append(int(mai_text[0]))
            rows.mai_text.append(mai_text)
            rows.rationale.append(" ".join(fields[3].split()) if len(fields) > 3 else "")
        if not header:
            raise MalformedFileError(name, None, "no MUE header ('HCPCS/CPT Code', ...) found")
    return rows, names


# -- AOC ---------------------------------------------------------------------------------


def _aoc_records(name: str, data: bytes) -> Iterator[tuple[At, list[str]]]:
    """Records of the xlsx, or of the text version: tab-delimited, or fixed width laid out
    by the header line."""
    if _is_xlsx(name):
        yield from _sheet_records(name, data)
        return
    starts: list[int] | None = None
    for number, line in enumerate(text_lines(data, name), 1):
        where = At(name, number)
        if starts is None and "AOC_Edit_Type" in line and "\t" not in line:
            starts = column_starts(line, AOC_COLUMNS)
            yield where, line.split()
        elif "\t" in line or starts is None:
            yield where, line.split("\t")
        else:
            yield where, header_cut(line, starts)


def read_aoc(path: Path) -> tuple[AocRows, list[str]]:
    """Read the AOC table (``.xlsx`` or the text version, zipped or not)."""
    rows = AocRows()
    names: list[str] = []
    wanted = [c.lower() for c in AOC_COLUMNS]
    for name, data in _members(Path(path), AOC_NAME):
        names.append(name)
        order: list[int] | None = None
        for where, fields in _aoc_records(name, data):
            if order is None:
                found = [f.strip().lower() for f in fields]
                if "aoc_edit_type" in found:
                    missing = [c for c in wanted if c not in found]
                    if missing:
                        raise where.bad(f"the AOC header lacks {', '.join(missing)}")
                    order = [found.index(c) for c in wanted]
                continue
            if not any(f.strip() for f in fields):
                continue
            cells = [fields[i].strip() if i < len(fields) else "" for i in order]
            kind, add_on, add_del, primary, primary_del, eff, dele, notes = cells
            if kind not in ("1", "2", "3"):
                raise where.bad(f"AOC edit type {kind!r} is not 1, 2 or 3")
            add_on, primary = add_on.upper(), primary.upper()
            if not (CODE.fullmatch(add_on) and CODE.fullmatch(primary)):
                raise where.bad(f"add-on {add_on!r} / primary {primary!r} is not a code")
            rows.aoc_type.append(int(kind))
            rows.add_on.append(add_on)
            rows.add_on_deletion.append(julian(add_del, empty=OPEN, where=where, what="AOC_DelDT"))
            rows.primary.append(primary)
            rows.primary_deletion.append(
                julian(primary_del, empty=OPEN, where=where, what="Primary_Code_DelDT")
            )
            rows.effective.append(julian(eff, empty=NEVER, where=where, what="AOC_Edit_EffDT"))
            rows.deletion.append(julian(dele, empty=OPEN, where=where, what="AOC_Edit_DelDT"))
            rows.notes.append(notes)
        if order is None:
            raise MalformedFileError(
                name, None, "no AOC header (AOC_Edit_Type, Add-On_Code, ...) found"
            )
    return rows, names
