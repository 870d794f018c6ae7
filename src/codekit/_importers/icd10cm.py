"""ICD-10-CM from CMS's release files: the order file and the code-description addenda.

Order file ``icd10cm_order_YYYY.txt`` (one line per tabular entry, fixed positions, 1-based):
order number 1-5, code 7-13 (no dot, left-justified), header flag 15 (``0`` header, ``1``
billable), short description 17-76, long description from 78. It becomes an ``icd10cm`` pack
of release ``FYYYYY`` (effective October 1 of the year before, until September 30; the
April update — a zip or file whose name says ``april`` — is ``FYYYYY-APR`` from April 1).
Categories (three characters) are ``category`` items. The order file has no chapters,
blocks or notes: they are taken from the newest release already available (packaged
first), each category under its block there (a new category under the narrowest block
whose range holds it), notes only where the description is unchanged.

Addenda ``icd10cm[-_]codes[-_]addenda[-_]YYYY.txt``: ``<tag padded to 13><code padded to
8><description>`` with tags ``Add:``, ``Delete:``, ``Revise from:`` + ``Revise to:``. They
install as an ``icd10cm_addenda`` pack (the changes, each an item whose ``action``
attribute says what happened), and — when the release before is available and the
release itself is not — as the ``icd10cm`` release they produce, so that the validity
history reaches the new fiscal year.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from codekit._filecheck import Unique
from codekit._importers._base import Detection
from codekit._importers._codeset import already_installed, install_code_set, item
from codekit._importers._text import read_lines
from codekit._store.sqlite import Note
from codekit.exceptions import DataFileError, MalformedFileError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from codekit._store.packs import Pack
    from codekit._store.sqlite import Item

__all__ = [
    "ICD10CM_ADDENDA",
    "ICD10CM_ORDER",
    "Change",
    "OrderEntry",
    "parse_addenda",
    "parse_order",
]

_ORDER_LINE = re.compile(r"([0-9]{5}) ([0-9A-Z]{3,7}) {0,4} ([01]) (.{60}) (.*)")
_ORDER_NAME = re.compile(r"icd10(?P<set>cm|pcs)_order_(?P<year>20[0-9]{2})", re.I)
_ADDENDA_NAME = re.compile(r"icd10cm[-_ ]?(?:codes[-_ ]?)?addenda[-_ ]?(?P<year>20[0-9]{2})", re.I)
_ADDENDA_LINE = re.compile(r"(Add|Delete|Revise from|Revise to):\s+([0-9A-Z]{3,7})\s+(\S.*)")
_CM_CODE = re.compile(r"[A-Z][0-9][0-9A-Z]{1,5}")
SOURCE_ORDER = "CMS ICD-10-CM order file"
SOURCE_ADDENDA = "CMS ICD-10-CM code-description addenda"
LICENCE = "Public domain (CDC/NCHS and CMS, US government work)"


def fiscal_period(fiscal_year: int, april: bool = False) -> tuple[dt.date, dt.date]:
    """Effective period of a fiscal-year release (or of its April update)."""
    start = dt.date(fiscal_year, 4, 1) if april else dt.date(fiscal_year - 1, 10, 1)
    return start, dt.date(fiscal_year, 9, 30)


def dotted(code: str) -> str:
    """ICD-10-CM canonical spelling (dot after the third character)."""
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


@attrs.frozen
class OrderEntry:
    """One line of an order file."""

    order: int
    code: str
    billable: bool
    short: str
    long: str


def parse_order(path: Path) -> tuple[list[OrderEntry], dict[str, int]]:
    """Every line of an order file, or :class:`DataFileError` naming the first bad line."""
    entries: list[OrderEntry] = []
    stats = {"lines": 0, "headers": 0, "billable": 0, "blank": 0}
    once = Unique(path.name, "code")
    for number, line in enumerate(read_lines(path), 1):
        stats["lines"] += 1
        if not line.strip():
            stats["blank"] += 1
            continue
        found = _ORDER_LINE.fullmatch(line)
        if found is None:
            raise MalformedFileError(path.name, number, f"is not an order-file line: {line[:40]!r}")
        once.add(found[2], number)
        billable = found[3] == "1"
        stats["billable" if billable else "headers"] += 1
        entries.append(
            OrderEntry(int(found[1]), found[2], billable, found[4].rstrip(), found[5].rstrip())
        )
    if not entries:
        raise DataFileError(path.name, "holds no order-file lines")
    return entries, stats


def _parent(code: str, known: set[str]) -> str | None:
    for size in range(len(code) - 1, 2, -1):
        if code[:size] in known:
            return code[:size]
    return None


def _kind(code: str) -> str:
    return "category" if len(code) == 3 else "code"


def order_items(entries: Sequence[OrderEntry]) -> list[Item]:
    """Dataset rows of an ICD-10-CM order file."""
    known = {e.code for e in entries}
    rows = []
    for entry in entries:
        if not _CM_CODE.fullmatch(entry.code):
            raise DataFileError(entry.code, "is not an ICD-10-CM code")
        parent = _parent(entry.code, known)
        rows.append(
            item(
                dotted(entry.code),
                entry.long,
                seq=entry.order,
                short=entry.short or None,
                billable=entry.billable,
                kind=_kind(entry.code),
                parent=dotted(parent) if parent else None,
                parent_kind=_kind(parent) if parent else None,
            )
        )
    return rows


@attrs.frozen
class Change:
    """One change of the addenda: ``add``, ``delete`` or ``revise`` (with the old text)."""

    action: str
    code: str
    description: str
    previous: str | None = None


def parse_addenda(path: Path) -> tuple[list[Change], dict[str, int]]:
    """Every change of an addenda file; ``Revise from`` must be followed by ``Revise to``."""
    changes: list[Change] = []
    stats = {"lines": 0, "add": 0, "delete": 0, "revise": 0, "blank": 0}
    pending: tuple[str, str, int] | None = None
    once = Unique(path.name, "code")
    for number, line in enumerate(read_lines(path), 1):
        stats["lines"] += 1
        if not line.strip():
            stats["blank"] += 1
            continue
        found = _ADDENDA_LINE.fullmatch(line.rstrip())
        if found is None:
            raise MalformedFileError(path.name, number, f"is not an addenda line: {line[:40]!r}")
        tag, code, text = found[1], found[2], found[3].strip()
        if tag == "Revise to":
            if pending is None or pending[0] != code:
                raise MalformedFileError(path.name, number, "'Revise to' without 'Revise from'")
            changes.append(Change("revise", code, text, pending[1]))
            stats["revise"] += 2
            pending = None
            continue
        if pending is not None:
            raise MalformedFileError(path.name, pending[2], "'Revise from' without 'Revise to'")
        once.add(code, number)
        if tag == "Revise from":
            pending = (code, text, number)
        else:
            changes.append(Change(tag.lower(), code, text))
            stats[tag.lower()] += 1
    if pending is not None:
        raise MalformedFileError(path.name, pending[2], "'Revise from' without 'Revise to'")
    if not changes:
        raise DataFileError(path.name, "holds no addenda lines")
    return changes, stats


def april_update(origin: str) -> bool:
    """Whether a file (or the zip it came in) is an April 1 update, by its name."""
    return re.search(r"april|(?<![a-z])apr(?![a-z])", origin, re.I) is not None


class _OrderImporter:
    """ICD-10-CM order files (see the module docstring)."""

    name = "icd10cm_order"

    def detect(self, path: Path) -> Detection | None:
        found = _ORDER_NAME.search(path.name)
        if found is None or found["set"].lower() != "cm":
            return None
        head = list(read_lines(path, limit=4096))
        if not head or _ORDER_LINE.fullmatch(head[0]) is None:
            raise DataFileError(path.name, "is named like an order file but its lines are not")
        year = int(found["year"])
        return Detection(
            importer=self.name,
            kind="icd10cm",
            release=f"FY{year}",
            effective=fiscal_period(year)[0],
            until=fiscal_period(year)[1],
            path=path,
            origin=path.name,
            summary=f"ICD-10-CM order file, FY{year}",
        )

    def install(self, detections: Sequence[Detection], *, force: bool) -> list[Pack]:
        packs = []
        for found in detections:
            april = april_update(found.origin)
            year = int(found.release[2:6])
            release = f"FY{year}-APR" if april else f"FY{year}"
            effective, until = fiscal_period(year, april)
            done = already_installed(("icd10cm",), release, force)
            if done is not None:
                packs.extend(done)
                continue
            entries, stats = parse_order(found.path)
            rows = order_items(entries)
            notes: list[Note] = []
            base = _hierarchy_base(effective)
            extra: dict[str, Any] = {}
            if base is not None:
                rows, notes = enrich(rows, base[1])
                extra["hierarchy_from"] = f"{base[0].release} ({base[0].origin})"
            packs.append(
                install_code_set(
                    "icd10cm",
                    release,
                    effective=effective,
                    until=until,
                    items=rows,
                    notes=notes,
                    sources=[found.path],
                    source=SOURCE_ORDER,
                    force=force,
                    extra={
                        "parse": stats,
                        "source_names": [found.origin],
                        "licence": LICENCE,
                        **extra,
                    },
                )
            )
        return packs


def _hierarchy_base(effective: dt.date) -> tuple[Any, Any] | None:
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


def _base_release(fiscal_year: int) -> tuple[Any, Any] | None:
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


def _may_derive(release: str, force: bool) -> bool:
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


def apply_changes(base: Any, changes: Sequence[Change]) -> tuple[list[Item], list[Note]]:
    """The release the addenda produce from the release before (``base``: a CodeSource).

    Items carry over with their notes (the addenda change titles, not notes); an added code
    makes its parent a header; a deleted code disappears unless codes were added below it,
    in which case it stays as a header.
    """
    records = {(r.code, r.kind): r for r in base.records()}
    by_code: dict[str, dict[str, Any]] = {}
    order: list[tuple[str, str]] = list(records)
    for (code_, kind_), record in records.items():
        by_code[f"{code_}|{kind_}"] = {
            "code": record.code,
            "kind": record.kind,
            "description": record.description,
            "short": record.short_description,
            "billable": record.billable,
            "parent": record.parent,
            "parent_kind": record.parent_kind,
            "notes": record.notes,
        }
    codes = {r.code.replace(".", "") for r in records.values() if r.kind in ("code", "category")}
    deleted = {c.code for c in changes if c.action == "delete"}
    for change in changes:
        ckey = f"{dotted(change.code)}|{_kind(change.code)}"
        if change.action == "revise" and ckey in by_code:
            by_code[ckey]["description"] = change.description
        elif change.action == "add":
            codes.add(change.code)
            parent = _parent(change.code, codes)
            by_code[ckey] = {
                "code": dotted(change.code),
                "kind": _kind(change.code),
                "description": change.description,
                "short": None,
                "billable": True,
                "parent": dotted(parent) if parent else None,
                "parent_kind": _kind(parent) if parent else None,
                "notes": {},
            }
            order.append((dotted(change.code), _kind(change.code)))
            if parent is not None:  # a code that gains children becomes a header
                pkey = f"{dotted(parent)}|{_kind(parent)}"
                if pkey in by_code:
                    by_code[pkey]["billable"] = False
    children = {v["parent"] for v in by_code.values() if v["parent"]}
    rows: list[Item] = []
    notes: list[Note] = []
    seen: set[str] = set()
    for code, kind in sorted(set(order), key=lambda k: (k[0].replace(".", ""), k[1])):
        rkey = f"{code}|{kind}"
        if rkey in seen or rkey not in by_code:
            continue
        seen.add(rkey)
        value = by_code[rkey]
        if code.replace(".", "") in deleted and kind == "code":
            if code not in children:
                continue
            value["billable"] = False
        for note_kind, texts in value["notes"].items():
            for text in texts:
                notes.append(Note(value["code"], value["kind"], len(notes), note_kind, text))
        rows.append(
            item(
                value["code"],
                value["description"],
                seq=len(rows),
                short=value["short"],
                billable=value["billable"],
                kind=value["kind"],
                parent=value["parent"],
                parent_kind=value["parent_kind"],
            )
        )
    return rows, notes


class _AddendaImporter:
    """ICD-10-CM code-description addenda (see the module docstring)."""

    name = "icd10cm_addenda"

    def detect(self, path: Path) -> Detection | None:
        found = _ADDENDA_NAME.search(path.name)
        if found is None:
            return None
        head = [line for line in read_lines(path, limit=4096) if line.strip()]
        if not head or _ADDENDA_LINE.fullmatch(head[0].rstrip()) is None:
            raise DataFileError(path.name, "is named like an addenda file but its lines are not")
        year = int(found["year"])
        return Detection(
            importer=self.name,
            kind="icd10cm_addenda",
            release=f"FY{year}",
            effective=fiscal_period(year)[0],
            until=fiscal_period(year)[1],
            path=path,
            origin=path.name,
            summary=f"ICD-10-CM code addenda, FY{year}",
        )

    def install(self, detections: Sequence[Detection], *, force: bool) -> list[Pack]:
        packs = []
        for found in detections:
            done = already_installed(("icd10cm_addenda",), found.release, force)
            if done is not None:
                packs.extend(done)
                continue
            changes, stats = parse_addenda(found.path)
            year = int(found.release[2:])
            rows = [
                item(
                    dotted(c.code),
                    c.description,
                    seq=seq,
                    billable=c.action != "delete",
                    attrs={"action": c.action, **({"previous": c.previous} if c.previous else {})},
                )
                for seq, c in enumerate(changes)
            ]
            extra = {"parse": stats, "source_names": [found.origin], "licence": LICENCE}
            packs.append(
                install_code_set(
                    "icd10cm_addenda",
                    found.release,
                    effective=found.effective,
                    until=found.until,
                    items=rows,
                    sources=[found.path],
                    source=SOURCE_ADDENDA,
                    force=force,
                    extra={**extra, "code_set": None},
                )
            )
            if _may_derive(found.release, force):
                base = _base_release(year)
                if base is not None:
                    info, source = base
                    derived, derived_notes = apply_changes(source, changes)
                    packs.append(
                        install_code_set(
                            "icd10cm",
                            found.release,
                            effective=found.effective,
                            until=found.until,
                            items=derived,
                            notes=derived_notes,
                            sources=[found.path],
                            source=f"{SOURCE_ADDENDA} applied to {info.release} ({info.origin})",
                            force=force,
                            extra=extra,
                        )
                    )
        return packs


ICD10CM_ORDER = _OrderImporter()
ICD10CM_ADDENDA = _AddendaImporter()
