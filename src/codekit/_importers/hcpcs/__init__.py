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

from codekit._importers.hcpcs.importer import HCPCS
from codekit._importers.hcpcs.layout import (
    COLUMNS,
    FIELDS,
    RECORD_LENGTH,
    SOURCE,
    release_effective,
)
from codekit._importers.hcpcs.read import (
    Entry,
    HcpcsFile,
    parse,
    parse_csv,
    parse_proc_notes,
    parse_rows,
    parse_text,
    parse_xlsx,
)
from codekit._importers.hcpcs.records import attributes, items

__all__ = [
    "COLUMNS",
    "FIELDS",
    "HCPCS",
    "RECORD_LENGTH",
    "SOURCE",
    "Entry",
    "HcpcsFile",
    "attributes",
    "items",
    "parse",
    "parse_csv",
    "parse_proc_notes",
    "parse_rows",
    "parse_text",
    "parse_xlsx",
    "release_effective",
]
