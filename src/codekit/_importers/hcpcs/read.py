"""Reading the HCPCS file's formats into entries: fixed-width text, xlsx, csv, and the
processing notes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from codekit._importers.hcpcs.layout import (
    CODE,
    COLUMNS,
    CONTINUATION_MIN,
    DATE_FIELDS,
    FIELDS,
    FIRST_LINE_MIN,
    MODIFIER,
    NOTE_START,
    RECORD,
    RECORD_LENGTH,
)
from codekit._read.fields import ymd
from codekit._read.records import csv_records, fixed_fields
from codekit._read.sheet import row_cells, sheet_rows
from codekit._read.text import read_lines
from codekit.exceptions import DataFileError, MalformedFileError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from pathlib import Path

__all__ = [
    "Entry",
    "HcpcsFile",
    "parse",
    "parse_csv",
    "parse_proc_notes",
    "parse_rows",
    "parse_text",
    "parse_xlsx",
]


@attrs.frozen
class Entry:
    """One code or modifier: its columns (first-line values) and full long description."""

    code: str
    modifier: bool
    long: str
    short: str
    columns: Mapping[str, str]
    line: int


@attrs.frozen
class HcpcsFile:
    """A parsed HCPCS file: every entry in file order, and how its lines were accounted for."""

    entries: tuple[Entry, ...]
    stats: Mapping[str, int]


def _entry(columns: dict[str, str], long: str, where: str, line: int, unit: str = "line") -> Entry:
    hcpc = columns["HCPC"]
    recid = columns["RECID"].strip()
    if recid in ("7", "8") or MODIFIER.fullmatch(hcpc):
        if not MODIFIER.fullmatch(hcpc):
            raise MalformedFileError(where, line, f"modifier record with HCPC {hcpc!r}", unit=unit)
        code, modifier = hcpc.strip(), True
    elif CODE.fullmatch(hcpc.strip()):
        code, modifier = hcpc.strip(), False
    else:
        raise MalformedFileError(
            where, line, f"{hcpc!r} is not an HCPCS code or modifier", unit=unit
        )
    clean = {k: v.strip() for k, v in columns.items()}
    for name in DATE_FIELDS:
        ymd(clean[name], where, line, name, unit=unit)
    return Entry(
        code=code,
        modifier=modifier,
        long=" ".join(long.split()),
        short=clean["SHORT DESCRIPTION"],
        columns=clean,
        line=line,
    )


def parse_text(path: Path) -> HcpcsFile:
    """Parse the fixed-width file; every line is a preamble, blank or record line."""
    where = path.name
    entries: list[Entry] = []
    stats = {"lines": 0, "preamble": 0, "blank": 0, "first_lines": 0, "continuations": 0}
    current: tuple[dict[str, str], list[str], int] | None = None
    started = False
    for number, line in enumerate(read_lines(path), 1):
        stats["lines"] += 1
        if not started:
            if RECORD.match(line):
                started = True
            else:
                stats["preamble"] += 1
                continue
        if not line.strip():
            stats["blank"] += 1
            continue
        if not RECORD.match(line) or len(line) > RECORD_LENGTH:
            raise MalformedFileError(where, number, f"is not a {RECORD_LENGTH}-character record")
        recid = line[10]
        shortest = FIRST_LINE_MIN if recid in "37" else CONTINUATION_MIN
        if len(line) < shortest:
            raise MalformedFileError(
                where,
                number,
                f"is a record of {len(line)} characters; records reach at least position "
                f"{shortest} (is the file cut short? download it again)",
            )
        if recid in "37":
            if current is not None:
                entries.append(_entry(current[0], " ".join(current[1]), where, current[2]))
            columns = fixed_fields(line, FIELDS, RECORD_LENGTH)
            current = (columns, [columns["LONG DESCRIPTION"]], number)
            stats["first_lines"] += 1
        else:
            if current is None or line[:5] != current[0]["HCPC"]:
                raise MalformedFileError(where, number, "continuation without its first line")
            current[1].append(line[11:91])
            stats["continuations"] += 1
    if current is not None:
        entries.append(_entry(current[0], " ".join(current[1]), where, current[2]))
    if not entries:
        raise DataFileError(where, "holds no HCPCS records")
    return HcpcsFile(tuple(entries), stats)


def parse_rows(rows: Iterable[Sequence[Any]], where: str) -> HcpcsFile:
    """Entries from table rows (xlsx or csv): preamble rows, the header row, data rows."""
    header: list[str] | None = None
    entries: list[Entry] = []
    stats = {"rows": 0, "preamble": 0, "header": 0, "blank": 0, "data": 0, "continuations": 0}
    for number, raw in enumerate(rows, 1):
        stats["rows"] += 1
        values = row_cells(tuple(raw), where, number, strip=False)
        if header is None:
            if values and values[0].strip().upper() == "HCPC":
                header = [v.strip().upper() for v in values]
                missing = [c for c in COLUMNS if c not in header]
                if missing:
                    raise DataFileError(where, f"header lacks columns {', '.join(missing)}")
                stats["header"] += 1
            else:
                stats["preamble"] += 1
            continue
        if not any(v.strip() for v in values):
            stats["blank"] += 1
            continue
        if len(values) < len(header) and any(v.strip() for v in values):
            raise MalformedFileError(
                where,
                number,
                f"has {len(values)} columns, the header {len(header)} (is the row cut short?)",
                unit="row",
            )
        row = dict(zip(header, values, strict=False))
        columns = {c: row.get(c, "") for c in COLUMNS}
        stats["data"] += 1
        if columns["RECID"].strip() in ("4", "8"):
            # Excel cells are limited; CMS continues a very long description on a row of
            # its own with the continuation record id, exactly as in the text file.
            if not entries or columns["HCPC"].strip() != entries[-1].code:
                raise MalformedFileError(
                    where, number, "continuation without its first row", unit="row"
                )
            last = entries[-1]
            long = f"{last.long} {columns['LONG DESCRIPTION']}"
            entries[-1] = attrs.evolve(last, long=" ".join(long.split()))
            stats["continuations"] += 1
            continue
        entries.append(_entry(columns, columns["LONG DESCRIPTION"], where, number, "row"))
    if header is None:
        raise DataFileError(where, "has no HCPC header row")
    if not entries:
        raise DataFileError(where, "holds no HCPCS rows")
    return HcpcsFile(tuple(entries), stats)


def parse_xlsx(path: Path) -> HcpcsFile:
    """Parse the xlsx (first sheet). Needs ``openpyxl`` (``pip install codekit[xlsx]``)."""
    return parse_rows((row for _, row in sheet_rows(path, path.name)), path.name)


def parse_csv(path: Path) -> HcpcsFile:
    """Parse a csv export of the xlsx (header row ``HCPC,SEQNUM,RECID,...``)."""
    # A csv is an export made by hand (CMS ships txt and xlsx): no final line end needed;
    # a row cut short is caught by its column count.
    records = csv_records(path.read_bytes(), path.name, require_end=False)
    return parse_rows((record for _, record in records), path.name)


def parse_proc_notes(path: Path) -> tuple[dict[str, str], dict[str, int]]:
    """The processing notes (number → text) and how the file's lines were accounted for."""
    notes: dict[str, list[str]] = {}
    stats = {"lines": 0, "header": 0, "separators": 0, "notes": 0, "continuations": 0}
    current: list[str] | None = None
    for number, line in enumerate(read_lines(path), 1):
        stats["lines"] += 1
        text = line.strip().removesuffix("*").strip()
        start = NOTE_START.match(line)
        if start is not None:
            current = notes.setdefault(start[1], [])
            if current:
                raise MalformedFileError(path.name, number, f"note {start[1]} appears twice")
            current.append(start[2].strip().removesuffix("*").strip())
            stats["notes"] += 1
        elif not text:
            stats["separators"] += 1
        elif current is None:
            stats["header"] += 1
        else:
            current.append(text)
            stats["continuations"] += 1
    if not notes:
        raise DataFileError(path.name, "holds no processing notes")
    return {k: " ".join(" ".join(v).split()) for k, v in notes.items()}, stats


def parse(path: Path) -> HcpcsFile:
    """Parse any of the HCPCS file formats, by suffix."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return parse_xlsx(path)
    if suffix == ".csv":
        return parse_csv(path)
    return parse_text(path)
