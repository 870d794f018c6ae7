"""HCPCS Level II and HCPCS modifiers from CMS's Alpha-Numeric HCPCS file.

CMS ships one release as a zip holding the same data twice — the fixed-width
``HCPCyyyy[_MMM]_ANWEB*.txt`` (320-character records; older years start with disclaimer
lines) and ``.xlsx`` (one row per code, 48 columns) — plus ``proc_notes*.txt`` (the texts of
the processing-note numbers). Any of these is accepted, and a ``.csv`` export of the xlsx.

Record layout (CMS "RIF report" for the contractor record, unchanged 2019–2026), 1-based
inclusive positions: HCPC 1-5 (a modifier is three blanks and two characters), sequence
6-10, record id 11 (``3`` code first line, ``4`` its continuation, ``7`` modifier first
line, ``8`` its continuation), long description 12-91 (continued on the following records),
short description 92-119, pricing indicators 120-127 (4 x 2), multiple pricing indicator 128,
coverage issues manual 129-146 (3 x 6), carriers manual 147-170 (3 x 8), statute 171-180, lab
certifications 181-204 (8 x 3), cross references 205-229 (5 x 5), coverage 230, ASC group
231-232 and its date 233-240, OPPS (MOG) group 241-243, indicator 244, date 245-252,
processing note 253-256, BETOS 257-259, type of service 261-265 (5 x 1), anesthesia base
units 266-268, added 269-276, action effective 277-284, terminated 285-292, action code 293.

One file gives two packs: ``hcpcs`` (procedure codes) and ``modifier`` (Level II modifiers),
both with the same release id (``2019-JAN``, ``2026-APR`` ...), effective the first day of
the quarter, in force until superseded. A code's add and termination dates become the
record's ``start``/``end``, so a code terminated before a date of service is not valid then.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from typing import TYPE_CHECKING, Any

import attrs

from codekit._filecheck import check_cell, ymd
from codekit._importers._base import Detection
from codekit._importers._codeset import already_installed, install_code_set, item
from codekit._importers._text import read_lines
from codekit.exceptions import DataFileError, MalformedFileError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence
    from pathlib import Path

    from codekit._store.packs import Pack
    from codekit._store.sqlite import Item

__all__ = [
    "COLUMNS",
    "HCPCS",
    "HcpcsFile",
    "parse_csv",
    "parse_proc_notes",
    "parse_text",
    "parse_xlsx",
    "release_effective",
]

#: The columns of the xlsx (and of a csv export), as CMS names them.
COLUMNS: tuple[str, ...] = (
    "HCPC", "SEQNUM", "RECID", "LONG DESCRIPTION", "SHORT DESCRIPTION",
    "PRICE1", "PRICE2", "PRICE3", "PRICE4", "MULT_PI", "CIM1", "CIM2", "CIM3",
    "MCM1", "MCM2", "MCM3", "STATUTE", "LABCERT1", "LABCERT2", "LABCERT3", "LABCERT4",
    "LABCERT5", "LABCERT6", "LABCERT7", "LABCERT8", "XREF1", "XREF2", "XREF3", "XREF4",
    "XREF5", "COV", "ASC_GRP", "ASC_DT", "OPPS", "OPPS_PI", "OPPS_DT", "PROCNOTE", "BETOS",
    "TOS1", "TOS2", "TOS3", "TOS4", "TOS5", "ANEST_BU", "ADD DT", "ACT EFF DT", "TERM DT",
    "ACTION CD",
)  # fmt: skip


def _repeat(name: str, start: int, width: int, count: int) -> list[tuple[str, int, int]]:
    return [
        (f"{name}{i + 1}", start + i * width, start + (i + 1) * width - 1) for i in range(count)
    ]


#: Fixed-width fields of a first-line record: column name, first and last position (1-based).
FIELDS: tuple[tuple[str, int, int], ...] = (
    ("HCPC", 1, 5),
    ("SEQNUM", 6, 10),
    ("RECID", 11, 11),
    ("LONG DESCRIPTION", 12, 91),
    ("SHORT DESCRIPTION", 92, 119),
    *_repeat("PRICE", 120, 2, 4),
    ("MULT_PI", 128, 128),
    *_repeat("CIM", 129, 6, 3),
    *_repeat("MCM", 147, 8, 3),
    ("STATUTE", 171, 180),
    *_repeat("LABCERT", 181, 3, 8),
    *_repeat("XREF", 205, 5, 5),
    ("COV", 230, 230),
    ("ASC_GRP", 231, 232),
    ("ASC_DT", 233, 240),
    ("OPPS", 241, 243),
    ("OPPS_PI", 244, 244),
    ("OPPS_DT", 245, 252),
    ("PROCNOTE", 253, 256),
    ("BETOS", 257, 259),
    *_repeat("TOS", 261, 1, 5),
    ("ANEST_BU", 266, 268),
    ("ADD DT", 269, 276),
    ("ACT EFF DT", 277, 284),
    ("TERM DT", 285, 292),
    ("ACTION CD", 293, 293),
)
RECORD_LENGTH = 320
#: A first-line record reaches at least the action code (CMS trims trailing blanks).
FIRST_LINE_MIN = 293
#: A continuation record reaches at least into the long description.
CONTINUATION_MIN = 12
#: The date fields (``YYYYMMDD`` or blank) every record is checked for.
DATE_FIELDS = ("ASC_DT", "OPPS_DT", "ADD DT", "ACT EFF DT", "TERM DT")

_RECORD = re.compile(r"(?:   [0-9A-Z]{2}|[A-Z][0-9]{4})[0-9]{5}[3478]")
_CODE = re.compile(r"[A-Z][0-9]{4}")
_MODIFIER = re.compile(r"   [0-9A-Z]{2}")
_NAME = re.compile(r"HCPC(?P<year>20[0-9]{2})(?:_(?P<quarter>JAN|APR|JUL|OCT))?.*ANWEB", re.I)
_NOTES_NAME = re.compile(
    r"proc_?notes?_?(?:(?P<q1>JAN|APR|JUL|OCT)_?)?(?P<year>20[0-9]{2})(?:_?(?P<q2>JAN|APR|JUL|OCT))?",
    re.I,
)
_NOTE_START = re.compile(r"\s*([0-9]{4})--(.*)")
_QUARTERS = {"JAN": 1, "APR": 4, "JUL": 7, "OCT": 10}
SOURCE = "CMS Alpha-Numeric HCPCS file"


def release_effective(release: str) -> dt.date:
    """First day of an HCPCS release (``2026-APR`` → 2026-04-01)."""
    year, quarter = release.split("-")
    return dt.date(int(year), _QUARTERS[quarter.upper()], 1)


def _release_from_name(name: str) -> str | None:
    found = _NAME.search(name)
    if found is None:
        return None
    return f"{found['year']}-{(found['quarter'] or 'JAN').upper()}"


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


def _fixed(line: str) -> dict[str, str]:
    padded = line.ljust(RECORD_LENGTH)
    return {name: padded[start - 1 : end] for name, start, end in FIELDS}


def _entry(columns: dict[str, str], long: str, where: str, line: int, unit: str = "line") -> Entry:
    hcpc = columns["HCPC"]
    recid = columns["RECID"].strip()
    if recid in ("7", "8") or _MODIFIER.fullmatch(hcpc):
        if not _MODIFIER.fullmatch(hcpc):
            raise MalformedFileError(where, line, f"modifier record with HCPC {hcpc!r}", unit=unit)
        code, modifier = hcpc.strip(), True
    elif _CODE.fullmatch(hcpc.strip()):
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
            if _RECORD.match(line):
                started = True
            else:
                stats["preamble"] += 1
                continue
        if not line.strip():
            stats["blank"] += 1
            continue
        if not _RECORD.match(line) or len(line) > RECORD_LENGTH:
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
            columns = _fixed(line)
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


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y%m%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows(rows: Iterable[Sequence[Any]], where: str) -> HcpcsFile:
    """Entries from table rows (xlsx or csv): preamble rows, the header row, data rows."""
    header: list[str] | None = None
    entries: list[Entry] = []
    stats = {"rows": 0, "preamble": 0, "header": 0, "blank": 0, "data": 0, "continuations": 0}
    for number, raw in enumerate(rows, 1):
        stats["rows"] += 1
        values = [_cell(v) for v in raw]
        check_cell("\t".join(values), where, number)
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
    import warnings

    with _workbook(path) as sheet, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # CMS's print headers are not parseable; harmless
        return _rows(sheet, path.name)


class _workbook:
    def __init__(self, path: Path) -> None:
        self._path = path

    def __enter__(self) -> Iterator[Sequence[Any]]:
        try:
            import openpyxl
        except ImportError as exc:
            raise DataFileError(
                self._path.name, "reading .xlsx needs openpyxl: pip install 'codekit[xlsx]'"
            ) from exc
        import warnings
        import zipfile

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._book = openpyxl.load_workbook(self._path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
            raise DataFileError(
                self._path.name, f"is not a readable xlsx workbook ({exc})"
            ) from exc
        sheet = self._book.worksheets[0]
        return iter(sheet.iter_rows(values_only=True))

    def __exit__(self, *exc: object) -> None:
        self._book.close()


def parse_csv(path: Path) -> HcpcsFile:
    """Parse a csv export of the xlsx (header row ``HCPC,SEQNUM,RECID,...``)."""
    # A csv is an export made by hand (CMS ships txt and xlsx): no final line end needed;
    # a row cut short is caught by its column count.
    lines = list(read_lines(path, require_end=False))
    return _rows(csv.reader(lines), path.name)


def parse_proc_notes(path: Path) -> tuple[dict[str, str], dict[str, int]]:
    """The processing notes (number → text) and how the file's lines were accounted for."""
    notes: dict[str, list[str]] = {}
    stats = {"lines": 0, "header": 0, "separators": 0, "notes": 0, "continuations": 0}
    current: list[str] | None = None
    for number, line in enumerate(read_lines(path), 1):
        stats["lines"] += 1
        text = line.strip().removesuffix("*").strip()
        start = _NOTE_START.match(line)
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


def _iso(raw: str) -> str | None:
    raw = raw.strip()
    if len(raw) != 8 or not raw.isdigit() or raw == "00000000":
        return None
    try:
        return dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:])).isoformat()
    except ValueError:
        return None


def attributes(entry: Entry, notes: Mapping[str, str]) -> dict[str, Any]:
    """The code-set attributes of one entry (only fields that have a value)."""
    c = entry.columns

    def many(prefix: str, count: int) -> list[str]:
        return [c[f"{prefix}{i}"] for i in range(1, count + 1) if c[f"{prefix}{i}"]]

    found: dict[str, Any] = {
        "pricing_indicators": many("PRICE", 4),
        "multiple_pricing_indicator": c["MULT_PI"],
        "coverage_issues_manual": many("CIM", 3),
        "carriers_manual": many("MCM", 3),
        "statute": c["STATUTE"],
        "lab_certifications": many("LABCERT", 8),
        "cross_references": many("XREF", 5),
        "coverage": c["COV"],
        "asc_group": c["ASC_GRP"],
        "asc_group_effective": _iso(c["ASC_DT"]) or c["ASC_DT"],
        "opps": c["OPPS"],
        "opps_indicator": c["OPPS_PI"],
        "opps_effective": _iso(c["OPPS_DT"]) or c["OPPS_DT"],
        "processing_note": c["PROCNOTE"],
        "betos": c["BETOS"],
        "types_of_service": many("TOS", 5),
        "anesthesia_base_units": int(c["ANEST_BU"]) if c["ANEST_BU"].isdigit() else "",
        "added": _iso(c["ADD DT"]) or c["ADD DT"],
        "action_effective": _iso(c["ACT EFF DT"]) or c["ACT EFF DT"],
        "terminated": _iso(c["TERM DT"]) or c["TERM DT"],
        "action_code": c["ACTION CD"],
    }
    if c["PROCNOTE"] and c["PROCNOTE"] in notes:
        found["processing_note_text"] = notes[c["PROCNOTE"]]
    return {k: v for k, v in found.items() if v not in ("", [])}


def items(entries: Sequence[Entry], *, modifiers: bool, notes: Mapping[str, str]) -> list[Item]:
    """Dataset rows for the codes (or the modifiers) of a parsed file."""
    rows: dict[str, Item] = {}
    for seq, entry in enumerate(e for e in entries if e.modifier == modifiers):
        attrs_ = attributes(entry, notes)
        # CMS lists a few codes twice (re-used numbers); the later record is the current one.
        rows[entry.code] = item(
            entry.code,
            entry.long or entry.short,
            seq=seq,
            short=entry.short or None,
            start=_iso(entry.columns["ADD DT"]),
            end=_iso(entry.columns["TERM DT"]),
            attrs=attrs_,
        )
    return list(rows.values())


def _sniff_text(path: Path) -> bool:
    for count, line in enumerate(read_lines(path, limit=1 << 16)):
        if _RECORD.match(line) and len(line.rstrip()) <= RECORD_LENGTH and len(line) > 100:
            return True
        if count > 30:
            return False
    return False


def _sniff_header(first: Sequence[str]) -> bool:
    upper = [v.strip().upper() for v in first]
    return upper[:3] == ["HCPC", "SEQNUM", "RECID"]


def _max_action_date(parsed: HcpcsFile) -> str | None:
    dates = [_iso(e.columns["ACT EFF DT"]) for e in parsed.entries]
    valid = [d for d in dates if d]
    if not valid:
        return None
    newest = dt.date.fromisoformat(max(valid))
    quarter = next(
        q for q, m in sorted(_QUARTERS.items(), key=lambda i: -i[1]) if newest.month >= m
    )
    return f"{newest.year}-{quarter}"


class _HcpcsImporter:
    """The HCPCS Level II importer (see the module docstring)."""

    name = "hcpcs"

    def detect(self, path: Path) -> Detection | None:
        suffix = path.suffix.lower()
        notes = _NOTES_NAME.search(path.name)
        if notes is not None and suffix == ".txt":
            head = "\n".join(read_lines(path, limit=4096))
            if "PROCESSING NOTES" not in head.upper() and not _NOTE_START.search(head):
                return None
            quarter = (notes["q1"] or notes["q2"] or "JAN").upper()
            notes_release = f"{notes['year']}-{quarter}"
            return self._detection(path, notes_release, "proc_notes", "HCPCS processing notes")
        release: str | None = _release_from_name(path.name)
        if suffix in (".txt", ".prn", "") or (suffix not in (".xlsx", ".csv") and release):
            if not _sniff_text(path):
                return None
            fmt = "fixed-width text"
            if release is None:
                release = _max_action_date(parse_text(path))
        elif suffix == ".xlsx":
            if release is None:
                return None  # a workbook is opened only when its name says it is HCPCS
            import warnings

            with _workbook(path) as sheet, warnings.catch_warnings():
                warnings.simplefilter("ignore")
                top = [next(sheet, ()) for _ in range(12)]
            if not any(_sniff_header([_cell(v) for v in row]) for row in top):
                return None
            fmt = "xlsx"
        elif suffix == ".csv":
            first = next(iter(read_lines(path, limit=4096)), "")
            if not _sniff_header(first.split(",")):
                return None
            fmt = "csv"
        else:
            return None
        if release is None:
            raise DataFileError(
                path.name,
                "is an HCPCS file but its release cannot be told; rename it as CMS names it "
                "(HCPCyyyy_MMM_ANWEB...)",
            )
        return self._detection(path, release, "main", f"HCPCS Level II + modifiers ({fmt})")

    def _detection(self, path: Path, release: str, role: str, what: str) -> Detection:
        return Detection(
            importer=self.name,
            kind="hcpcs",
            release=release,
            effective=release_effective(release),
            path=path,
            origin=path.name,
            summary=f"{what}, release {release} (effective {release_effective(release)})",
            role=role,
        )

    def install(self, detections: Sequence[Detection], *, force: bool) -> list[Pack]:
        mains = [d for d in detections if d.role == "main"]
        if not mains:
            names = ", ".join(d.origin for d in detections)
            raise DataFileError(
                names, "processing notes need the HCPCS file of the same release beside them"
            )
        done = already_installed(("hcpcs", "modifier"), mains[0].release, force)
        if done is not None:
            return done  # (a modifier-only excerpt is parsed again: it has no hcpcs pack)
        # The txt and the xlsx carry the same data: read the txt (fast) when both are given.
        rank = {".txt": 0, ".csv": 1, ".xlsx": 2}
        main = min(mains, key=lambda d: rank.get(d.path.suffix.lower(), 0))
        notes: dict[str, str] = {}
        note_stats: dict[str, int] = {}
        note_files = [d for d in detections if d.role == "proc_notes"]
        for found in note_files:
            parsed_notes, note_stats = parse_proc_notes(found.path)
            notes.update(parsed_notes)
        parsed = parse(main.path)
        sources = [main.path, *(d.path for d in note_files)]
        extra = {
            "file_format": main.path.suffix.lower().lstrip("."),
            "parse": dict(parsed.stats),
            "proc_notes": len(notes),
            "proc_notes_parse": note_stats,
            "source_names": [main.origin, *(d.origin for d in note_files)],
        }
        packs = []
        for code_set, is_modifier in (("hcpcs", False), ("modifier", True)):
            rows = items(parsed.entries, modifiers=is_modifier, notes=notes)
            if not rows:
                continue  # an excerpt of modifiers only must not shadow a full release
            packs.append(
                install_code_set(
                    code_set,
                    main.release,
                    effective=main.effective,
                    until=None,
                    items=rows,
                    sources=sources,
                    source=SOURCE,
                    force=force,
                    extra=extra,
                )
            )
        return packs


def parse(path: Path) -> HcpcsFile:
    """Parse any of the HCPCS file formats, by suffix."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return parse_xlsx(path)
    if suffix == ".csv":
        return parse_csv(path)
    return parse_text(path)


HCPCS = _HcpcsImporter()
