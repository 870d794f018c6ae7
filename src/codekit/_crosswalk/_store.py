"""The on-disk format of crosswalk datasets: one read-only SQLite file, several crosswalks.

A dataset holds *parts* (one crosswalk each, e.g. ICD-9-CM → ICD-10-CM) and each part one or
more *releases* (bits, like code-set datasets: HCC payment years 2025–2027 share rows).

``pairs``
    one zlib-compressed blob per part holding its mapping rows in file order, one line each:
    compact source code, compact target code (empty for a GEM "no map" row), the GEM flags
    as the five-digit number CMS prints (``10113``; 0 for crosswalks without flags), the bit
    mask of the releases the row is in, and optional JSON attributes, tab-separated. A
    crosswalk release is always read whole, so rows are not indexed one by one; compressed,
    the GEMs take a tenth of the space.
``labels``
    target labels (HCC names).
``hierarchy``
    HCC hierarchies: a parent drops its children, per release bit mask.
``groups``
    shared target lists (MS-DRG PDX exclusion collections), one compressed blob per part of
    ``number<TAB>codes separated by spaces`` lines; a pair whose attributes are
    ``{"group": N}`` maps to every code of group ``N``.

The part descriptions (name, code sets, releases with effective periods and provenance)
live in the dataset's manifest. Files are written by :func:`write_crosswalks` from sorted
input and vacuumed: same input, same bytes.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, Any, NamedTuple

from codekit._store.format import new_dataset

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import Path

__all__ = ["Group", "Hierarchy", "Label", "Pair", "write_crosswalks"]

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE pairs (part INTEGER PRIMARY KEY, rows INTEGER NOT NULL, data BLOB NOT NULL);
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
CREATE TABLE groups (part INTEGER PRIMARY KEY, data BLOB NOT NULL);
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
    rows: dict[str, list[tuple[Any, ...]]] = {
        "pairs": sorted(pairs, key=lambda p: (p[0], p[1])),
        "labels": sorted(labels),
        "hierarchy": sorted(hierarchy),
        "groups": sorted(groups),
    }
    with new_dataset(path, _SCHEMA, meta) as con:
        con.executemany("INSERT INTO pairs VALUES (?, ?, ?)", _pack_pairs(rows["pairs"]))
        con.executemany("INSERT INTO labels VALUES (?, ?, ?)", rows["labels"])
        con.executemany("INSERT INTO hierarchy VALUES (?, ?, ?, ?)", rows["hierarchy"])
        con.executemany("INSERT INTO groups VALUES (?, ?)", _pack_groups(rows["groups"]))
    return {name: len(values) for name, values in rows.items() if values}


def _compress(lines: list[str]) -> bytes:
    return zlib.compress("\n".join(lines).encode("utf-8"), 9)


def _pack_pairs(pairs: list[tuple[Any, ...]]) -> list[tuple[int, int, bytes]]:
    by_part: dict[int, list[str]] = {}
    for part, _, source, target, flags, present, attrs in pairs:
        fields = (source, target or "", str(flags), str(present), attrs or "")
        if any("\t" in f or "\n" in f for f in fields):
            raise ValueError(f"crosswalk row of {source!r} holds a tab or a line break")
        by_part.setdefault(part, []).append("\t".join(fields))
    return [(part, len(lines), _compress(lines)) for part, lines in sorted(by_part.items())]


def _pack_groups(groups: list[tuple[Any, ...]]) -> list[tuple[int, bytes]]:
    by_part: dict[int, list[str]] = {}
    for part, number, codes in groups:
        by_part.setdefault(part, []).append(f"{number}\t{codes}")
    return [(part, _compress(lines)) for part, lines in sorted(by_part.items())]


def read_pairs(
    blob: bytes,
) -> Iterator[tuple[str, str | None, int, int, str | None]]:
    """The rows of one part's ``pairs`` blob: source, target, flags, present, attributes."""
    for line in zlib.decompress(blob).decode("utf-8").split("\n"):
        source, target, flags, present, attrs = line.split("\t")
        yield source, target or None, int(flags), int(present), attrs or None


def read_groups(blob: bytes) -> dict[int, list[str]]:
    """The groups of one part's ``groups`` blob: number → codes."""
    found = {}
    for line in zlib.decompress(blob).decode("utf-8").split("\n"):
        number, codes = line.split("\t")
        found[int(number)] = codes.split()
    return found


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
