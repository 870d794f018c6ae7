"""The ICD-10-CM code-description addenda (``icd10cm_codes_addenda_YYYY.txt``).

Lines are ``<tag padded to 13><code padded to 8><description>`` with tags ``Add:``,
``Delete:``, ``Revise from:`` + ``Revise to:``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import attrs

from codekit._importers._codeset import item
from codekit._importers.icd10cm.order import dotted, kind_of, parent_of
from codekit._read.fields import Unique
from codekit._read.text import read_lines
from codekit._store.sqlite import Note
from codekit.exceptions import DataFileError, MalformedFileError

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from codekit._store.sqlite import Item

__all__ = [
    "ADDENDA_LINE",
    "ADDENDA_NAME",
    "SOURCE_ADDENDA",
    "Change",
    "apply_changes",
    "parse_addenda",
]

ADDENDA_NAME = re.compile(r"icd10cm[-_ ]?(?:codes[-_ ]?)?addenda[-_ ]?(?P<year>20[0-9]{2})", re.I)
ADDENDA_LINE = re.compile(r"(Add|Delete|Revise from|Revise to):\s+([0-9A-Z]{3,7})\s+(\S.*)")
SOURCE_ADDENDA = "CMS ICD-10-CM code-description addenda"


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
        found = ADDENDA_LINE.fullmatch(line.rstrip())
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
        ckey = f"{dotted(change.code)}|{kind_of(change.code)}"
        if change.action == "revise" and ckey in by_code:
            by_code[ckey]["description"] = change.description
        elif change.action == "add":
            codes.add(change.code)
            parent = parent_of(change.code, codes)
            by_code[ckey] = {
                "code": dotted(change.code),
                "kind": kind_of(change.code),
                "description": change.description,
                "short": None,
                "billable": True,
                "parent": dotted(parent) if parent else None,
                "parent_kind": kind_of(parent) if parent else None,
                "notes": {},
            }
            order.append((dotted(change.code), kind_of(change.code)))
            if parent is not None:  # a code that gains children becomes a header
                pkey = f"{dotted(parent)}|{kind_of(parent)}"
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
