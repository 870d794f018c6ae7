"""What the order file and the addenda do not carry, from the releases already available:
chapters, blocks and notes (for an order file), the release before (for the addenda)."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from codekit._importers._codeset import item
from codekit._importers.icd10cm.addenda import SOURCE_ADDENDA
from codekit._store.sqlite import Note

if TYPE_CHECKING:
    from collections.abc import Sequence

    from codekit._store.sqlite import Item

__all__ = ["base_release", "enrich", "hierarchy_base", "may_derive"]


def hierarchy_base(effective: dt.date) -> tuple[Any, Any] | None:
    """The newest ICD-10-CM release in force by ``effective`` (packaged preferred on ties)."""
    from codekit import _registry
    from codekit.exceptions import CodekitError

    try:
        releases = [
            r for r in _registry.current().releases("icd10cm") if r.info.effective <= effective
        ]
    except CodekitError:
        return None
    if not releases:
        return None
    rank = {"packaged": 0, "plugin": 1, "pack": 2}
    chosen = max(releases, key=lambda r: (r.info.effective, -rank[r.info.origin]))
    return chosen.info, chosen.source()


def _block_range(code: str) -> tuple[str, str] | None:
    found = re.fullmatch(r"([A-Z][0-9A-Z]{2})-([A-Z][0-9A-Z]{2})", code)
    return (found[1], found[2]) if found else None


def enrich(rows: Sequence[Item], base: Any) -> tuple[list[Item], list[Note]]:
    """Chapters, blocks and notes for an order-file release, from the release before.

    The order file lists categories and codes only. Chapters and blocks are taken from
    ``base`` (a CodeSource); each category hangs under its block there (a new category under
    the narrowest block whose range holds it); notes are carried over for items whose
    description is unchanged.
    """
    records = list(base.records())
    by_key = {(r.code, r.kind): r for r in records}
    upper = [r for r in records if r.kind in ("chapter", "block")]
    ranges = [(rng, r.code) for r in upper if r.kind == "block" and (rng := _block_range(r.code))]
    out: list[Item] = []
    for seq, record in enumerate(upper):
        out.append(
            item(
                record.code,
                record.description,
                seq=-len(upper) + seq,
                billable=False,
                kind=record.kind,
                parent=record.parent,
                parent_kind=record.parent_kind,
            )
        )
    notes: list[Note] = []
    for given in rows:
        row = given
        old = by_key.get((row.code, row.kind))
        if row.kind == "category":
            if old is not None and old.parent_kind in ("block", "chapter"):
                row = row._replace(parent=old.parent, parent_kind=old.parent_kind)
            else:
                holding = [(lo, hi, code) for (lo, hi), code in ranges if lo <= row.code <= hi]
                holding.sort(key=lambda c: c[1])
                holding.sort(key=lambda c: c[0], reverse=True)  # innermost block first
                if holding:
                    row = row._replace(parent=holding[0][2], parent_kind="block")
        if old is not None and old.description == row.description:
            for note_kind, texts in old.notes.items():
                for text in texts:
                    notes.append(Note(row.code, row.kind, len(notes), note_kind, text))
        out.append(row)
    return out, notes


def base_release(fiscal_year: int) -> tuple[Any, Any] | None:
    """The ICD-10-CM release of the year before (any origin), if available."""
    from codekit import _registry
    from codekit.exceptions import CodekitError

    try:
        releases = _registry.current().releases("icd10cm")
    except CodekitError:
        return None
    wanted = f"FY{fiscal_year - 1}"
    matches = [r for r in releases if r.info.release.upper() == wanted]
    if not matches:
        return None
    chosen = min(matches, key=lambda r: {"pack": 0, "plugin": 1, "packaged": 2}[r.info.origin])
    return chosen.info, chosen.source()


def may_derive(release: str, force: bool) -> bool:
    """Derive a release from addenda only where no other source provides it."""
    from codekit import _registry
    from codekit.exceptions import CodekitError

    try:
        infos = [r.info for r in _registry.current().releases("icd10cm")]
    except CodekitError:
        return False
    same = [i for i in infos if i.release.upper() == release]
    if not same:
        return True
    derived = all(i.origin == "pack" and i.source.startswith(SOURCE_ADDENDA) for i in same)
    return force and derived
