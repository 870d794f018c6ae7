"""What NCCI file names say: the table, the PTP setting and version, the MUE setting and
effective date, the AOC quarter, and the program (``MCR`` Medicare, ``MCD`` Medicaid).
The files themselves do not carry these."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import attrs

__all__ = ["AOC_NAME", "MUE_NAME", "PTP_NAME", "NcciFile", "identify", "quarter_start"]

PTP_NAME = re.compile(r"(ccipra|ccioph)-v(\d{2})(\d)r(\d+)-f(\d+)", re.IGNORECASE)
MUE_NAME = re.compile(
    r"(MCR|MCD)_MUE_(PractitionerServices|OutpatientHospitalServices|DMESupplierServices)"
    r"_Eff_(\d{2})-(\d{2})-(\d{4})",
    re.IGNORECASE,
)
AOC_NAME = re.compile(r"AOC_V(\d{4})Q([1-4])(?:_\d+)?(?:-F)?-(MCR|MCD)", re.IGNORECASE)
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
    if match := PTP_NAME.search(base):
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
    if match := MUE_NAME.search(base):
        prog, setting, month, day, year_text = match.groups()
        effective = dt.date(int(year_text), int(month), int(day))
        return NcciFile(
            table="mue",
            setting=_MUE_SETTING[setting.lower()],
            program="medicaid" if prog.upper() == "MCD" else "medicare",
            quarter=f"{effective.year}Q{(effective.month - 1) // 3 + 1}",
            effective=effective,
        )
    if match := AOC_NAME.search(base):
        year_text, quarter_text, prog = match.groups()
        return NcciFile(
            table="aoc",
            setting="all",
            program="medicaid" if prog.upper() == "MCD" else "medicare",
            quarter=f"{year_text}Q{quarter_text}",
            effective=quarter_start(int(year_text), int(quarter_text)),
        )
    return None
