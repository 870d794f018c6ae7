"""codekit's on-disk format for code sets: one read-only SQLite file per dataset.

The same format serves packaged data (``src/codekit/data/*.sqlite``) and installed data
packs. A dataset holds one or more releases of one code set; each release is a bit, and
every item carries two bit masks: the releases it is *present* in and those in which it is
*billable*. Notes, per-release titles and code-set specific attributes (JSON) sit beside
the items.

Format 2 (read alongside format 1, which older packs were written in):

* each note carries a release mask (``present``): a release shows only its own notes. A
  format 1 file has no such column; its notes apply to every release of the file.
* ``texts`` rows give an item's titles for the releases of their mask: the long title
  (``NULL``: the item's own), the short title (``NULL``: none; ``""``: the same as the
  long one) and ``origin``, the release whose own source gave the titles (``NULL``: the
  release's default, see below). Format 1 rows hold only a long title (the short one
  stays the item's).
* the ``meta`` key ``title_releases`` maps a release bit (as text) to the release whose
  source gave that release's titles by default (absent: the release itself). An item whose
  long title is ``""`` has no title in that release.

Files are written once by :func:`write_dataset` (sorted input, ``VACUUM``: the same input
gives the same bytes for a given SQLite version) and opened read-only with
``immutable=1``, so readers need no locks and never see a half-written file: a new
release is a new file, put in place by rename.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "ALL_RELEASES",
    "FORMAT_VERSION",
    "READABLE_FORMATS",
    "Item",
    "Note",
    "Text",
    "write_dataset",
]

FORMAT_VERSION = 2
#: Every format this codekit reads (format 1: packs installed by older versions).
READABLE_FORMATS = frozenset({1, 2})

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE items (
    code TEXT NOT NULL,
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    short TEXT,
    parent TEXT,
    parent_kind TEXT,
    present INTEGER NOT NULL,
    billable INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    start TEXT,
    "end" TEXT,
    attrs TEXT,
    PRIMARY KEY (code, kind)
) WITHOUT ROWID;
-- Partial: flat code sets (ICD-10-PCS: 78,603 items, no parents) pay nothing for it.
CREATE INDEX items_parent ON items (parent, parent_kind, seq) WHERE parent IS NOT NULL;
CREATE TABLE notes (
    code TEXT NOT NULL,
    kind TEXT NOT NULL,
    seq INTEGER NOT NULL,
    note_kind TEXT NOT NULL,
    text TEXT NOT NULL,
    present INTEGER NOT NULL,
    PRIMARY KEY (code, kind, seq)
) WITHOUT ROWID;
CREATE TABLE texts (
    code TEXT NOT NULL,
    kind TEXT NOT NULL,
    present INTEGER NOT NULL,
    description TEXT,
    short TEXT,
    origin TEXT,
    PRIMARY KEY (code, kind, present)
) WITHOUT ROWID;
"""


class Item(NamedTuple):
    """One row of ``items`` as the writers produce it."""

    code: str
    kind: str
    description: str
    short: str | None  # "" means: the same text as the description (saves space)
    parent: str | None
    parent_kind: str | None
    present: int
    billable: int
    seq: int
    start: str | None = None
    end: str | None = None
    attrs: str | None = None


#: A release mask with every bit set: the default of :attr:`Note.present`.
ALL_RELEASES = -1


class Note(NamedTuple):
    """One note text of one item (``seq`` orders the notes of the item, across releases).

    ``present`` is the mask of the releases whose source has this note.
    """

    code: str
    kind: str
    seq: int
    note_kind: str
    text: str
    present: int = ALL_RELEASES


class Text(NamedTuple):
    """An item's titles for the releases in ``present`` (overriding the item's own).

    ``short`` is ``None`` when the releases have no short title and ``""`` when it is the
    long title; ``origin`` names the release whose source gave the titles (``None``: the
    release's default). A ``description`` of ``None`` keeps the item's long title; ``""``
    means: no title in these releases.
    """

    code: str
    kind: str
    present: int
    description: str | None
    short: str | None = None
    origin: str | None = None


def write_dataset(
    path: Path,
    *,
    meta: dict[str, Any],
    items: Iterable[Item],
    notes: Iterable[Note] = (),
    texts: Iterable[Text] = (),
) -> None:
    """Write a dataset file at ``path`` (which must not exist), deterministically."""
    with new_dataset(path, _SCHEMA, meta) as con:
        item_rows: list[Item] = sorted(items, key=lambda item: (item.code, item.kind))
        note_rows: list[Note] = sorted(notes, key=lambda note: (note.code, note.kind, note.seq))
        con.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", item_rows)
        con.executemany("INSERT INTO notes VALUES (?, ?, ?, ?, ?, ?)", note_rows)
        text_rows = sorted((Text(*row) for row in texts), key=lambda t: t[:3])
        con.executemany("INSERT INTO texts VALUES (?, ?, ?, ?, ?, ?)", text_rows)


@contextlib.contextmanager
def new_dataset(path: Path, schema: str, meta: dict[str, Any]) -> Iterator[sqlite3.Connection]:
    """A new SQLite file at ``path`` (which must not exist) with ``schema`` and the ``meta``
    table filled; the caller inserts its rows, then it is committed and vacuumed, so the
    same input gives the same bytes (for a given SQLite version)."""
    if path.exists():
        raise FileExistsError(path)
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA page_size = 4096")
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.executescript(schema)
        con.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
        con.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            sorted((key, json.dumps(value, sort_keys=True)) for key, value in meta.items()),
        )
        yield con
        con.commit()
        con.execute("VACUUM")
    finally:
        con.close()
