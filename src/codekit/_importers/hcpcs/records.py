"""HCPCS entries as dataset rows: attributes, add and termination dates."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from codekit._importers._codeset import item
from codekit._importers.hcpcs.layout import QUARTERS

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from codekit._importers.hcpcs.read import Entry, HcpcsFile
    from codekit._store.sqlite import Item

__all__ = ["attributes", "iso", "items", "newest_release"]


def iso(raw: str) -> str | None:
    """An ISO date of a ``YYYYMMDD`` field (``None`` when blank, zeros or not a date)."""
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
        "asc_group_effective": iso(c["ASC_DT"]) or c["ASC_DT"],
        "opps": c["OPPS"],
        "opps_indicator": c["OPPS_PI"],
        "opps_effective": iso(c["OPPS_DT"]) or c["OPPS_DT"],
        "processing_note": c["PROCNOTE"],
        "betos": c["BETOS"],
        "types_of_service": many("TOS", 5),
        "anesthesia_base_units": int(c["ANEST_BU"]) if c["ANEST_BU"].isdigit() else "",
        "added": iso(c["ADD DT"]) or c["ADD DT"],
        "action_effective": iso(c["ACT EFF DT"]) or c["ACT EFF DT"],
        "terminated": iso(c["TERM DT"]) or c["TERM DT"],
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
            start=iso(entry.columns["ADD DT"]),
            end=iso(entry.columns["TERM DT"]),
            attrs=attrs_,
        )
    return list(rows.values())


def newest_release(parsed: HcpcsFile) -> str | None:
    """The release of the newest action date (for a file whose name does not say it)."""
    dates = [iso(e.columns["ACT EFF DT"]) for e in parsed.entries]
    valid = [d for d in dates if d]
    if not valid:
        return None
    newest = dt.date.fromisoformat(max(valid))
    quarter = next(q for q, m in sorted(QUARTERS.items(), key=lambda i: -i[1]) if newest.month >= m)
    return f"{newest.year}-{quarter}"
