"""Writing NCCI files in CMS's official layouts from rows you give (tests, docs, benchmarks).

The files look like CMS's: the AMA notice line(s) first, PTP's header wrapped over four
lines, MUE's header cell holding a line break, Latin-1 CSV with CRLF, AOC dates as Julian
``YYYYDDD``. Only codes and rule values are written — never code descriptors.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

__all__ = ["julian", "write_aoc", "write_mue", "write_ptp"]

NOTICE = "CPT only copyright 2025 American Medical Association.  All rights reserved."
_PTP_HEADER = (
    "Column1/Column2 Edits\t\t\t\t\t\t",
    "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale",
    "\t\tprior to 1996\tDate\tDate\t0=not allowed\t",
    "\t\t\t\t*=no data\t1=allowed\t",
    "\t\t\t\t\t9=not applicable\t",
)
_MUE_FILE = {
    "practitioner": ("PractitionerServices", "Practitioner Services MUE Values"),
    "outpatient_hospital": (
        "OutpatientHospitalServices",
        "Outpatient Hospital Services MUE Values",
    ),
    "dme": ("DMESupplierServices", "DME Supplier Services MUE Values"),
}
_MAI = {
    1: "1 Line Edit",
    2: "2 Date of Service Edit: Policy",
    3: "3 Date of Service Edit: Clinical",
}
AOC_HEADER = (
    "AOC_Edit_Type",
    "Add-On_Code",
    "AOC_DelDT",
    "Primary_Code",
    "Primary_Code_DelDT",
    "AOC_Edit_EffDT",
    "AOC_Edit_DelDT",
    "Special_Instruction_Notes",
)

#: A PTP row: column 1, column 2, effective YYYYMMDD, deletion YYYYMMDD or "*", indicator,
#: rationale (and optionally the prior-1996 flag "*").
PtpRow = tuple[str, ...]


def julian(day: dt.date | None) -> str:
    """``YYYYDDD`` of a date ("" for ``None``)."""
    return "" if day is None else f"{day.year}{day.timetuple().tm_yday:03d}"


def write_ptp(
    folder: Path,
    rows: Iterable[tuple[str, str, str, str, int, str]],
    *,
    setting: str = "practitioner",
    version: str = "322",
    revision: int = 0,
    part: int = 1,
    fmt: str = "txt",
) -> Path:
    """A ``ccipra``/``ccioph`` part file; returns its path."""
    prefix = "ccipra" if setting == "practitioner" else "ccioph"
    path = folder / f"{prefix}-v{version}r{revision}-f{part}.{fmt}"
    records = [[c1, c2, "", eff, dele, str(ind), why] for c1, c2, eff, dele, ind, why in rows]
    if fmt == "xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.worksheets[0]
        sheet.append([NOTICE])
        sheet.append(["Column1/Column2 Edits"])
        sheet.append(
            [
                "Column 1",
                "Column 2",
                "*=in existence\nprior to 1996",
                "Effective\nDate",
                "Deletion Date\n*=no data",
                "Modifier\n0=not allowed\n1=allowed\n9=not applicable",
                "PTP Edit Rationale",
            ]
        )
        for record in records:
            sheet.append(
                [
                    *record[:3],
                    int(record[3]),
                    record[4] if record[4] == "*" else int(record[4]),
                    int(record[5]),
                    record[6],
                ]
            )
        book.save(path)
        return path
    lines = [NOTICE + "\t" * 6, *_PTP_HEADER, *("\t".join(r) for r in records)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("ascii"))
    return path


def write_mue(
    folder: Path,
    rows: Iterable[tuple[str, int, int, str]],
    *,
    setting: str = "practitioner",
    effective: dt.date = dt.date(2026, 7, 1),
    program: str = "MCR",
    fmt: str = "csv",
) -> Path:
    """An MUE table (``code, value, MAI 1/2/3, rationale`` rows); returns its path."""
    stem, value_header = _MUE_FILE[setting]
    path = folder / f"{program}_MUE_{stem}_Eff_{effective:%m-%d-%Y}.{fmt}"
    header = ["HCPCS/\nCPT Code", value_header, "MUE Adjudication Indicator", "MUE Rationale"]
    records = [[code, str(value), _MAI[mai], why] for code, value, mai, why in rows]
    notice = NOTICE + "\n\nCPT\u00ae is a registered trademark of the American Medical Association."
    if fmt == "xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.worksheets[0]
        sheet.append([notice])
        sheet.append(header)
        for record in records:
            sheet.append([record[0], int(record[1]), record[2], record[3]])
        book.save(path)
        return path
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([notice, "", "", ""])
    writer.writerow(header)
    writer.writerows(records)
    path.write_bytes(buffer.getvalue().encode("latin-1"))
    return path


def write_aoc(
    folder: Path,
    rows: Iterable[tuple[str, ...]],
    *,
    quarter: str = "2026Q2",
    program: str = "MCR",
    fmt: str = "xlsx",
) -> Path:
    """An AOC table (rows of the eight columns, dates already ``YYYYDDD``); returns its path."""
    records = [list(r) + [""] * (8 - len(r)) for r in rows]
    if fmt == "xlsx":
        import openpyxl

        path = folder / f"AOC_V{quarter}-{program}.xlsx"
        book = openpyxl.Workbook()
        sheet = book.worksheets[0]
        sheet.title = f"AOC_V{quarter}-{program}_xlsx"
        sheet.append([NOTICE])
        sheet.append(list(AOC_HEADER))
        for record in records:
            sheet.append([cell or None for cell in record])
        book.save(path)
        return path
    path = folder / f"AOC_V{quarter}-F-{program}.txt"
    if fmt == "tab":
        lines = ["\t".join(AOC_HEADER), *("\t".join(r) for r in records)]
    else:  # fixed width, laid out by the header
        widths = [max(len(h), 12) + 2 for h in AOC_HEADER]

        def fixed(cells: list[str]) -> str:
            return "".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

        lines = [fixed(list(AOC_HEADER)), *(fixed(r) for r in records)]
    path.write_bytes(("\r\n".join([NOTICE, *lines]) + "\r\n").encode("latin-1"))
    return path
