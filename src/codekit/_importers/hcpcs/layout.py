"""The HCPCS file's layout: the xlsx columns, the fixed-width record fields, file names."""

from __future__ import annotations

import datetime as dt
import re

from codekit._read.records import Field

__all__ = [
    "COLUMNS",
    "CONTINUATION_MIN",
    "DATE_FIELDS",
    "FIELDS",
    "FIRST_LINE_MIN",
    "QUARTERS",
    "RECORD_LENGTH",
    "SOURCE",
    "release_effective",
    "release_from_name",
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


def _repeat(name: str, start: int, width: int, count: int) -> list[Field]:
    return [
        (f"{name}{i + 1}", start + i * width, start + (i + 1) * width - 1) for i in range(count)
    ]


#: Fixed-width fields of a first-line record: column name, first and last position (1-based).
FIELDS: tuple[Field, ...] = (
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

RECORD = re.compile(r"(?:   [0-9A-Z]{2}|[A-Z][0-9]{4})[0-9]{5}[3478]")
CODE = re.compile(r"[A-Z][0-9]{4}")
MODIFIER = re.compile(r"   [0-9A-Z]{2}")
NAME = re.compile(r"HCPC(?P<year>20[0-9]{2})(?:_(?P<quarter>JAN|APR|JUL|OCT))?.*ANWEB", re.I)
NOTES_NAME = re.compile(
    r"proc_?notes?_?(?:(?P<q1>JAN|APR|JUL|OCT)_?)?(?P<year>20[0-9]{2})(?:_?(?P<q2>JAN|APR|JUL|OCT))?",
    re.I,
)
NOTE_START = re.compile(r"\s*([0-9]{4})--(.*)")
QUARTERS = {"JAN": 1, "APR": 4, "JUL": 7, "OCT": 10}
SOURCE = "CMS Alpha-Numeric HCPCS file"


def release_effective(release: str) -> dt.date:
    """First day of an HCPCS release (``2026-APR`` → 2026-04-01)."""
    year, quarter = release.split("-")
    return dt.date(int(year), QUARTERS[quarter.upper()], 1)


def release_from_name(name: str) -> str | None:
    """The release a file name says (``HCPC2026_APR_ANWEB`` → ``2026-APR``), if any."""
    found = NAME.search(name)
    if found is None:
        return None
    return f"{found['year']}-{(found['quarter'] or 'JAN').upper()}"
