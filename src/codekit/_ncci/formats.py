"""Reading CMS's NCCI files: PTP ``.txt``/``.xlsx`` parts, MUE ``.csv``/``.xlsx``, AOC.

Every reader finds the header (never assumes row 1: notice lines and wrapped headers come
first), checks the shape of each data row, and returns plain column lists. File names carry
what the files do not: the PTP setting and version, the MUE setting and effective date, the
AOC quarter and the program (``MCR`` Medicare, ``MCD`` Medicaid).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from codekit._filecheck import ArchiveBudget, check_archive, check_cell, split_lines
from codekit._ncci.codes import CODE
from codekit._ncci.rules import NEVER, OPEN
from codekit.exceptions import DataError, MalformedFileError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

__all__ = [
    "AocRows",
    "MueRows",
    "NcciFile",
    "PtpRows",
    "identify",
    "julian",
    "quarter_start",
    "read_aoc",
    "read_mue",
    "read_ptp",
]

_PTP_NAME = re.compile(r"(ccipra|ccioph)-v(\d{2})(\d)r(\d+)-f(\d+)", re.IGNORECASE)
_MUE_NAME = re.compile(
    r"(MCR|MCD)_MUE_(PractitionerServices|OutpatientHospitalServices|DMESupplierServices)"
    r"_Eff_(\d{2})-(\d{2})-(\d{4})",
    re.IGNORECASE,
)
_AOC_NAME = re.compile(r"AOC_V(\d{4})Q([1-4])(?:_\d+)?(?:-F)?-(MCR|MCD)", re.IGNORECASE)
_MUE_SETTING = {
    "practitionerservices": "practitioner",
    "outpatienthospitalservices": "outpatient_hospital",
    "dmesupplierservices": "dme",
}
_MEDICAID = re.compile(r"(^|[^a-z])(mcd|medicaid)([^a-z]|$)", re.IGNORECASE)


def quarter_start(year: int, quarter: int) -> dt.date:
    """First day of a calendar quarter (NCCI tables change on Jan/Apr/Jul/Oct 1)."""
    return dt.date(year, 3 * (quarter - 1) + 1, 1)


@attrs.frozen(kw_only=True)
class NcciFile:
    """What a file name says: table, setting, program, release and effective date."""

    table: str  # "ptp", "mue" or "aoc"
    setting: str
    program: str
    quarter: str  # e.g. "2026Q3"
    effective: dt.date
    version: str = ""  # PTP: "32.2r0"
    part: int = 1  # PTP: f1..fN


def identify(name: str) -> NcciFile | None:
    """Read an NCCI file name (``None`` when it is not one)."""
    base = Path(name).name
    program = "medicaid" if _MEDICAID.search(base) else "medicare"
    if match := _PTP_NAME.search(base):
        kind, major, minor, revision, part = match.groups()
        # NCCI version VV.Q: VV = year - 1994, Q = quarter - 1 (32.2 = 2026 Q3).
        year, quarter = 1994 + int(major), int(minor) + 1
        if quarter > 4:
            return None
        return NcciFile(
            table="ptp",
            setting="practitioner" if kind.lower() == "ccipra" else "outpatient_hospital",
            program=program,
            quarter=f"{year}Q{quarter}",
            effective=quarter_start(year, quarter),
            version=f"{major}.{minor}r{revision}",
            part=int(part),
        )
    if match := _MUE_NAME.search(base):
        prog, setting, month, day, year_text = match.groups()
        effective = dt.date(int(year_text), int(month), int(day))
        return NcciFile(
            table="mue",
            setting=_MUE_SETTING[setting.lower()],
            program="medicaid" if prog.upper() == "MCD" else "medicare",
            quarter=f"{effective.year}Q{(effective.month - 1) // 3 + 1}",
            effective=effective,
        )
    if match := _AOC_NAME.search(base):
        year_text, quarter_text, prog = match.groups()
        return NcciFile(
            table="aoc",
            setting="all",
            program="medicaid" if prog.upper() == "MCD" else "medicare",
            quarter=f"{year_text}Q{quarter_text}",
            effective=quarter_start(int(year_text), int(quarter_text)),
        )
    return None


# -- cells and dates ---------------------------------------------------------------------


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


_YMD: dict[str, int] = {}
#: Years an NCCI date may have (the tables begin in 1996; ``*``-marked edits predate it).
_YEARS = range(1900, 2200)


@attrs.frozen
class _At:
    """Where a field is: the file name and the line (or spreadsheet row) number."""

    name: str
    number: int
    unit: str = "line"

    def bad(self, message: str) -> MalformedFileError:
        return MalformedFileError(
            self.name, self.number, f"{message}; nothing was installed", unit=self.unit
        )

    def __str__(self) -> str:
        return f"{self.name} {self.unit} {self.number}"


def _ymd(text: str, what: str, where: _At) -> int:
    """Day ordinal of ``YYYYMMDD`` (``*`` = open-ended)."""
    value = _YMD.get(text)
    if value is not None:
        return value
    if text == "*":
        return OPEN
    try:
        day = dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise where.bad(f"{what} {text!r} is not a YYYYMMDD date") from None
    if len(text) != 8 or not text.isdigit() or day.year not in _YEARS:
        raise where.bad(f"{what} {text!r} is not a YYYYMMDD date")
    value = day.toordinal()
    _YMD[text] = value
    return value


def julian(text: str, *, empty: int, where: _At | str = "", what: str = "date") -> int:
    """Day ordinal of a Julian ``YYYYDDD`` date (``empty`` when blank)."""
    if not text:
        return empty
    at = where if isinstance(where, _At) else None

    def bad() -> DataError:
        message = f"{what} {text!r} is not a Julian YYYYDDD date"
        return at.bad(message) if at is not None else DataError(f"{where}: {message}")

    if len(text) != 7 or not text.isdigit():
        raise bad()
    year, day = int(text[:4]), int(text[4:])
    if not 1 <= day <= (366 if year % 4 == 0 else 365) or year not in _YEARS:
        raise bad()
    return dt.date(year, 1, 1).toordinal() + day - 1


def _norm(cell: object) -> str:
    return re.sub(r"[\s_/-]+", "", _text(cell)).lower()


# -- sources: plain files, zips, xlsx ---------------------------------------------------


def _members(path: Path, pattern: re.Pattern[str]) -> list[tuple[str, bytes]]:
    """``(name, bytes)`` of a file, or of the matching members of a zip."""
    if path.suffix.lower() != ".xlsx" and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            check_archive(archive, path.name, ArchiveBudget())
            found = [
                (Path(info.filename).name, archive.read(info))
                for info in sorted(archive.infolist(), key=lambda i: i.filename)
                if not info.is_dir()
                and pattern.search(Path(info.filename).name)
                and Path(info.filename).suffix.lower() in (".txt", ".xlsx", ".csv")
            ]
        if not found:
            raise DataError(f"{path.name}: the zip holds no NCCI table file")
        # One part may come both as .txt and .xlsx: read the text one.
        by_stem: dict[str, tuple[str, bytes]] = {}
        for name, data in found:
            stem = Path(name).stem.lower()
            if stem not in by_stem or name.lower().endswith((".txt", ".csv")):
                by_stem[stem] = (name, data)
        return list(by_stem.values())
    return [(path.name, path.read_bytes())]


def _xlsx_rows(data: bytes, where: str) -> Iterator[tuple[Any, ...]]:
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise DataError(
            f"{where}: reading .xlsx needs openpyxl; pip install 'codekit[xlsx]'"
        ) from exc
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad workbook
        raise DataError(f"{where}: not a readable .xlsx workbook ({exc})") from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield tuple(row)
    finally:
        workbook.close()


def _text_lines(data: bytes, name: str) -> list[str]:
    """Lines split at LF only (a Latin-1 0x85 is a character, not a line end), checked."""
    return split_lines(data.decode("latin-1"), name)


def _cells(row: tuple[Any, ...], where: _At) -> list[str]:
    cells = [_text(cell) for cell in row]
    check_cell("\t".join(cells), where.name, where.number)
    return cells


# -- PTP ---------------------------------------------------------------------------------


@attrs.define
class PtpRows:
    """PTP rows as columns (dates are day ordinals; ``deletion`` OPEN for ``*``)."""

    column1: list[str] = attrs.field(factory=list)
    column2: list[str] = attrs.field(factory=list)
    prior_1996: list[bool] = attrs.field(factory=list)
    effective: list[int] = attrs.field(factory=list)
    deletion: list[int] = attrs.field(factory=list)
    indicator: list[int] = attrs.field(factory=list)
    rationale: list[str] = attrs.field(factory=list)
    part: list[int] = attrs.field(factory=list)

    def __len__(self) -> int:
        return len(self.column1)


def _is_ptp_header(first: str) -> bool:
    """The header's first cell: ``Column 1`` (or the ``Column1/Column2 Edits`` title above it)."""
    return first.replace(" ", "").lower().startswith("column1")


def _add_ptp(rows: PtpRows, fields: list[str], part: int, where: _At) -> None:
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


def _ptp_records(name: str, data: bytes) -> Iterator[tuple[int, list[str]]]:
    if name.lower().endswith(".xlsx"):
        for number, row in enumerate(_xlsx_rows(data, name), 1):
            yield number, _cells(row, _At(name, number, "row"))
    else:
        for number, line in enumerate(_text_lines(data, name), 1):
            yield number, line.split("\t")


def read_ptp(paths: Iterable[Path], rows: PtpRows | None = None) -> tuple[PtpRows, list[str]]:
    """Read PTP parts (``.txt``/``.xlsx``, zipped or not) into one set of rows.

    Returns the rows and the names of the files read (the zip members).
    """
    rows = rows if rows is not None else PtpRows()
    names: list[str] = []
    for path in paths:
        for name, data in _members(Path(path), _PTP_NAME):
            info = identify(name)
            part = info.part if info is not None else 1
            names.append(name)
            header = False
            unit = "row" if name.lower().endswith(".xlsx") else "line"
            for number, fields in _ptp_records(name, data):
                where = _At(name, number, unit)
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


@attrs.define
class MueRows:
    """MUE rows as columns."""

    code: list[str] = attrs.field(factory=list)
    value: list[int] = attrs.field(factory=list)
    mai: list[int] = attrs.field(factory=list)
    mai_text: list[str] = attrs.field(factory=list)
    rationale: list[str] = attrs.field(factory=list)
    value_header: str = ""

    def __len__(self) -> int:
        return len(self.code)


def _mue_records(name: str, data: bytes) -> Iterator[tuple[_At, list[str]]]:
    """Records with where they end (csv: the line; xlsx: the row)."""
    if name.lower().endswith(".xlsx"):
        for number, row in enumerate(_xlsx_rows(data, name), 1):
            where = _At(name, number, "row")
            yield where, _cells(row, where)
    else:
        text = data.decode("latin-1")
        split_lines(text, name)  # the shared checks: line end, control characters
        reader = csv.reader(io.StringIO(text, newline=""))
        for record in reader:
            yield _At(name, reader.line_num), record


def read_mue(path: Path) -> tuple[MueRows, list[str]]:
    """Read one MUE table (``.csv`` Latin-1 or ``.xlsx``, zipped or not)."""
    rows = MueRows()
    names: list[str] = []
    for name, data in _members(Path(path), _MUE_NAME):
        names.append(name)
        header = False
        once: dict[str, int] = {}
        for where, fields in _mue_records(name, data):
            if not header:
                if fields and _norm(fields[0]).startswith("hcpcs") and len(fields) >= 3:
                    header = True
                    rows.value_header = " ".join(_text(fields[1]).split())
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
            first = once.setdefault(code, where.number)
            if first != where.number:
                raise where.bad(f"{code} appears twice ({where.unit}s {first} and {where.number})")
            rows.code.append(code)
            rows.value.append(int(value_text))
            rows.mai.append(int(mai_text[0]))
            rows.mai_text.append(mai_text)
            rows.rationale.append(" ".join(fields[3].split()) if len(fields) > 3 else "")
        if not header:
            raise MalformedFileError(name, None, "no MUE header ('HCPCS/CPT Code', ...) found")
    return rows, names


# -- AOC ---------------------------------------------------------------------------------

AOC_COLUMNS = (
    "AOC_Edit_Type",
    "Add-On_Code",
    "AOC_DelDT",
    "Primary_Code",
    "Primary_Code_DelDT",
    "AOC_Edit_EffDT",
    "AOC_Edit_DelDT",
    "Special_Instruction_Notes",
)


@attrs.define
class AocRows:
    """AOC rows as columns (dates are day ordinals; empty deletion dates OPEN)."""

    aoc_type: list[int] = attrs.field(factory=list)
    add_on: list[str] = attrs.field(factory=list)
    add_on_deletion: list[int] = attrs.field(factory=list)
    primary: list[str] = attrs.field(factory=list)
    primary_deletion: list[int] = attrs.field(factory=list)
    effective: list[int] = attrs.field(factory=list)
    deletion: list[int] = attrs.field(factory=list)
    notes: list[str] = attrs.field(factory=list)

    def __len__(self) -> int:
        return len(self.add_on)


def _aoc_text_records(data: bytes, name: str) -> Iterator[tuple[int, list[str]]]:
    """Records of the text version: tab-delimited, or fixed width laid out by the header."""
    lines = _text_lines(data, name)
    starts: list[int] | None = None
    for number, line in enumerate(lines, 1):
        if starts is None and "AOC_Edit_Type" in line and "\t" not in line:
            starts = [line.index(column) for column in AOC_COLUMNS if column in line]
            yield number, line.split()
            continue
        if "\t" in line or starts is None:
            yield number, line.split("\t")
        else:
            bounds = [*starts[1:], None]
            yield number, [line[a:b].strip() for a, b in zip(starts, bounds, strict=True)]


def read_aoc(path: Path) -> tuple[AocRows, list[str]]:
    """Read the AOC table (``.xlsx`` or the text version, zipped or not)."""
    rows = AocRows()
    names: list[str] = []
    wanted = [c.lower() for c in AOC_COLUMNS]
    for name, data in _members(Path(path), _AOC_NAME):
        names.append(name)
        unit = "row" if name.lower().endswith(".xlsx") else "line"
        if unit == "row":
            records: Iterator[tuple[int, list[str]]] = (
                (n, _cells(row, _At(name, n, unit)))
                for n, row in enumerate(_xlsx_rows(data, name), 1)
            )
        else:
            records = _aoc_text_records(data, name)
        order: list[int] | None = None
        for number, fields in records:
            where = _At(name, number, unit)
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
