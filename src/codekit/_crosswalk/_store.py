"""The on-disk format of crosswalk datasets: one read-only SQLite file, several crosswalks.

A dataset holds *parts* (one crosswalk each, e.g. ICD-9-CM → ICD-10-CM) and each part one or
more *releases* (bits, like code-set datasets: HCC payment years 2025–2027 share rows).

``pairs``
    one row per mapping row of the source file, in file order (``seq``): compact source
    code, compact target code (``NULL`` for a GEM "no map" row), the GEM flags as the
    five-digit number CMS prints (``10113``; 0 for crosswalks without flags), the bit mask of
    the releases the row is in, and optional JSON attributes.
``labels``
    target labels (HCC names).
``hierarchy``
    HCC hierarchies: a parent drops its children, per release bit mask.
``groups``
    shared target lists (MS-DRG PDX exclusion collections), codes separated by spaces;
    a pair whose ``attrs`` is ``{"group": N}`` maps to every code of group ``N``.

The part descriptions (name, code sets, releases with effective periods and provenance)
live in the dataset's manifest. Files are written by :func:`write_crosswalks` from sorted
input and vacuumed: same input, same bytes.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any, NamedTuple

from codekit._store.sqlite import FORMAT_VERSION

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

__all__ = ["Group", "Hierarchy", "Label", "Pair", "write_crosswalks"]

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE pairs (
    part INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    source TEXT NOT NULL,
    target TEXT,
    flags INTEGER NOT NULL,
    present INTEGER NOT NULL,
    attrs TEXT,
    PRIMARY KEY (part, seq)
) WITHOUT ROWID;
CREATE TABLE labels (
    part INTEGER NOT NULL,
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (part, code)
) WITHOUT ROWID;
CREATE TABLE hierarchy (
    part INTEGER NOT NULL,
    parent TEXT NOT NULL,
    child TEXT NOT NULL,
    present INTEGER NOT NULL,
    PRIMARY KEY (part, parent, child)
) WITHOUT ROWID;
CREATE TABLE groups (
    part INTEGER NOT NULL,
    grp INTEGER NOT NULL,
    codes TEXT NOT NULL,
    PRIMARY KEY (part, grp)
) WITHOUT ROWID;
"""


class Pair(NamedTuple):
    """One mapping row."""

    part: int
    seq: int
    source: str
    target: str | None
    flags: int
    present: int
    attrs: str | None = None


class Label(NamedTuple):
    part: int
    code: str
    label: str


class Hierarchy(NamedTuple):
    part: int
    parent: str
    child: str
    present: int


class Group(NamedTuple):
    part: int
    grp: int
    codes: str


def write_crosswalks(
    path: Path,
    *,
    meta: dict[str, Any],
    pairs: Iterable[Pair],
    labels: Iterable[Label] = (),
    hierarchy: Iterable[Hierarchy] = (),
    groups: Iterable[Group] = (),
) -> dict[str, int]:
    """Write a crosswalk dataset at ``path`` (which must not exist); returns row counts."""
    if path.exists():
        raise FileExistsError(path)
    rows: dict[str, list[tuple[Any, ...]]] = {
        "pairs": sorted(pairs, key=lambda p: (p[0], p[1])),
        "labels": sorted(labels),
        "hierarchy": sorted(hierarchy),
        "groups": sorted(groups),
    }
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA page_size = 4096")
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.executescript(_SCHEMA)
        con.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
        con.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            sorted((key, json.dumps(value, sort_keys=True)) for key, value in meta.items()),
        )
        con.executemany("INSERT INTO pairs VALUES (?, ?, ?, ?, ?, ?, ?)", rows["pairs"])
        con.executemany("INSERT INTO labels VALUES (?, ?, ?)", rows["labels"])
        con.executemany("INSERT INTO hierarchy VALUES (?, ?, ?, ?)", rows["hierarchy"])
        con.executemany("INSERT INTO groups VALUES (?, ?, ?)", rows["groups"])
        con.commit()
        con.execute("VACUUM")
    finally:
        con.close()
    return {name: len(values) for name, values in rows.items() if values}


def gem_flags(text: str) -> int:
    """The five GEM flag digits (``"10113"``) as the number stored in ``pairs.flags``."""
    if len(text) != 5 or not text.isdigit():
        raise ValueError(f"GEM flags must be five digits, not {text!r}")
    return int(text)


def read_gem_file(text: str) -> list[tuple[str, str | None, int]]:
    """Rows of a CMS GEM text file (``source target flags`` separated by spaces).

    ``NoDx``/``NoPCS`` targets become ``None`` (the "no map" flag says so too); codes are
    upper-cased (CMS's 2018 ``2018_I10gem.txt`` writes one target as ``v5889``).
    """
    rows: list[tuple[str, str | None, int]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 3:
            raise ValueError(f"line {number}: expected 'source target flags', got {line!r}")
        source, target, flags = fields
        if target in ("NoDx", "NoPCS"):
            rows.append((source.upper(), None, gem_flags(flags)))
        else:
            rows.append((source.upper(), target.upper(), gem_flags(flags)))
    return rows
