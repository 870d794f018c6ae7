"""Reading codekit's dataset files: :class:`Dataset` (one file) and :class:`SqliteRelease`.

The format and its writer live in :mod:`codekit._store.format` (re-exported here). Files
are opened read-only with ``immutable=1``: readers need no locks and never see a
half-written file, since a new release is a new file, put in place by rename.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, NamedTuple
from urllib.parse import quote

from codekit._codesets.records import CodeRecord
from codekit._codesets.spec import KIND_RANK
from codekit._store.column import read_descriptions
from codekit._store.format import (
    ALL_RELEASES,
    FORMAT_VERSION,
    READABLE_FORMATS,
    Item,
    Note,
    Text,
    write_dataset,
)
from codekit._store.positional import PositionalAttributes
from codekit.exceptions import DataError
from codekit.models import CodeKind, LazyNotes

__all__ = [
    "ALL_RELEASES",
    "FORMAT_VERSION",
    "READABLE_FORMATS",
    "Dataset",
    "Item",
    "Note",
    "SqliteRelease",
    "Text",
    "write_dataset",
]

_RANK = KIND_RANK
_WHOLE_COLUMN = 5000  # codes asked at once, past which the whole description column is read
_KIND_ORDER = f"CASE kind {' '.join(f'WHEN {k!r} THEN {r}' for k, r in _RANK.items())} ELSE 9 END"
_COLUMNS = 'code, kind, description, short, parent, parent_kind, billable, start, "end", attrs'
# One item's rows with their title override (an item has at most one per release).
_FIND_JOINED = (
    "SELECT i.code, i.kind, i.description, i.short, i.parent, i.parent_kind, i.billable, "
    'i.start, i."end", i.attrs, t.code, t.description, t.short, t.origin '
    "FROM items i LEFT JOIN texts t ON t.code = i.code AND t.kind = i.kind AND t.present & ?1 "
    "WHERE i.code = ?2 AND i.present & ?1 ORDER BY CASE i.kind WHEN 'code' THEN 0 "
    "WHEN 'category' THEN 1 WHEN 'block' THEN 2 ELSE 3 END"
)


_OPEN_ATTEMPTS = 5
_INHERIT = "\x00inherit"  # a format 1 title row: the item's short title stands


class _Titles(NamedTuple):
    description: str | None
    short: str | None
    origin: str | None


class _Unreadable(Exception):
    """A dataset file missing or unreadable at this instant (may be mid-swap)."""


class Dataset:
    """A dataset file opened lazily (on first query), read-only, shared by threads."""

    def __init__(self, locate: Callable[[], Path], label: str) -> None:
        self._locate = locate
        self.label = label
        self._con: sqlite3.Connection | None = None
        self._format = FORMAT_VERSION
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        # A data pack may be swapped for a re-installed copy between finding its file and
        # opening it: look again a few times before calling the file missing or damaged.
        for attempt in range(_OPEN_ATTEMPTS):
            try:
                return self._open(self._locate())
            except _Unreadable as exc:
                if attempt == _OPEN_ATTEMPTS - 1:
                    raise DataError(str(exc)) from exc.__cause__
                time.sleep(0.02 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def _open(self, path: Path) -> sqlite3.Connection:
        if not path.is_file():
            raise _Unreadable(f"{self.label}: data file {path.name} is missing; reinstall codekit")
        uri = f"file:{quote(str(path))}?mode=ro&immutable=1"
        try:
            con = sqlite3.connect(uri, uri=True, check_same_thread=False)
            # Read pages through a memory map: a random lookup then costs no read() calls,
            # and every process shares the same page-cache pages.
            con.execute("PRAGMA mmap_size = 268435456")
            version = con.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise _Unreadable(
                f"{self.label}: {path.name} is not a codekit dataset ({exc})"
            ) from exc
        if version not in READABLE_FORMATS:
            con.close()
            raise DataError(
                f"{self.label}: {path.name} has format {version}, this codekit reads "
                f"formats {', '.join(map(str, sorted(READABLE_FORMATS)))}; reinstall the data "
                "(or upgrade codekit)"
            )
        self._format = version
        return con

    def format(self) -> int:
        """The file's format version (opening the file if need be)."""
        with self._lock:
            if self._con is None:
                self._con = self._connect()
            return self._format

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Run one read query and return all rows."""
        with self._lock:
            if self._con is None:
                self._con = self._connect()
            try:
                return self._con.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as exc:
                raise DataError(f"{self.label}: cannot read data ({exc})") from exc

    def meta(self) -> dict[str, Any]:
        """The dataset's ``meta`` table, decoded."""
        return {key: json.loads(value) for key, value in self.query("SELECT key, value FROM meta")}

    def close(self) -> None:
        """Close the connection (it reopens on the next query)."""
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None


class SqliteRelease:
    """One release (one bit) of a :class:`Dataset`, as a :class:`~codekit.plugins.CodeSource`."""

    def __init__(self, dataset: Dataset, bit: int) -> None:
        self._data = dataset
        self._bit = bit
        self._mask = 1 << bit
        self._overrides: dict[tuple[str, str], _Titles] | None = None
        self._default_origin: str | Literal[False] | None = False
        self._column: dict[str, str] | None = None
        # False until the dataset's axis tables (if any) are read on first use.
        self._positional: PositionalAttributes | Literal[False] | None = False

    def _titles(self) -> dict[tuple[str, str], _Titles]:
        """This release's title overrides, read once."""
        if self._overrides is None:
            if self._data.format() == 1:
                rows = self._data.query(
                    "SELECT code, kind, description, ?, NULL FROM texts WHERE present & ?",
                    (_INHERIT, self._mask),
                )
            else:
                rows = self._data.query(
                    "SELECT code, kind, description, short, origin FROM texts WHERE present & ?",
                    (self._mask,),
                )
            self._overrides = {(c, k): _Titles(d, s, o) for c, k, d, s, o in rows}
        return self._overrides

    def _titles_of(self, code: str, kind: str) -> _Titles | None:
        """One item's title override: from the whole table once it is read, else by key
        (a point lookup does not read a table that may hold an entry per item)."""
        if self._overrides is not None:
            return self._overrides.get((code, kind))
        if self._data.format() == 1:
            sql = (
                "SELECT description, ?, NULL FROM texts WHERE code = ? AND kind = ? AND present & ?"
            )
            rows = self._data.query(sql, (_INHERIT, code, kind, self._mask))
        else:
            sql = (
                "SELECT description, short, origin FROM texts "
                "WHERE code = ? AND kind = ? AND present & ?"
            )
            rows = self._data.query(sql, (code, kind, self._mask))
        return _Titles(*rows[0]) if rows else None

    def _origin(self, origin: str | None) -> str | None:
        """The release whose source gave a title (``None``: this release's own)."""
        if origin is not None:
            return origin
        if self._default_origin is False:
            defaults = self._data.meta().get("title_releases") or {}
            self._default_origin = defaults.get(str(self._bit))
        return self._default_origin

    def _record(
        self,
        row: Sequence[Any],
        notes: Mapping[str, tuple[str, ...]] | None,
        titles: _Titles | Literal[False] | None = False,
        *,
        attributes: bool = True,
    ) -> CodeRecord:
        """A record from an ``items`` row; ``titles`` is its override when the query
        joined it in (``False``: look it up); ``attributes=False`` leaves them out."""
        code, kind, description, short, parent, parent_kind, billable, start, end, attrs = row
        if notes is None:
            notes = LazyNotes(lambda: self._notes(code, kind))
        if titles is False:
            titles = self._titles_of(code, kind)
        origin = None
        if titles is not None:
            origin = titles.origin
            if titles.description is not None:
                description = titles.description
            if titles.short != _INHERIT:
                short = titles.short
        return CodeRecord(
            code=code,
            kind=kind,
            description=description,
            short_description=description if short == "" else short,
            billable=bool(billable & self._mask),
            parent=parent,
            parent_kind=parent_kind,
            notes=notes,
            attributes=self._attributes(code, kind, attrs) if attributes else None,
            start=start,
            end=end,
            title_release=self._origin(origin) if description else None,
        )

    def _attributes(self, code: str, kind: str, attrs: str | None) -> dict[str, Any] | None:
        stored: dict[str, Any] | None = json.loads(attrs) if attrs else None
        if kind != "code":
            return stored
        if self._positional is False:
            self._positional = PositionalAttributes.from_meta(self._data.meta())
        if self._positional is None:
            return stored
        return self._positional.decode(code) | (stored or {})

    def _note_filter(self) -> str:
        """The SQL condition picking this release's notes (format 1: every note)."""
        return "1" if self._data.format() == 1 else f"present & {self._mask}"

    def _notes(self, code: str, kind: str) -> dict[str, tuple[str, ...]]:
        grouped: dict[str, list[str]] = {}
        for note_kind, text in self._data.query(
            "SELECT note_kind, text FROM notes WHERE code = ? AND kind = ? "
            f"AND {self._note_filter()} ORDER BY seq",
            (code, kind),
        ):
            grouped.setdefault(note_kind, []).append(text)
        return {k: tuple(v) for k, v in grouped.items()}

    def find(self, code: str) -> Sequence[CodeRecord]:
        if self._overrides is None and self._data.format() > 1:
            # The hot path: items and their title overrides in one query.
            rows = self._data.query(_FIND_JOINED, (self._mask, code))
            return [
                self._record(row[:10], None, _Titles(*row[11:]) if row[10] else None)
                for row in rows
            ]
        rows = self._data.query(
            f"SELECT {_COLUMNS} FROM items WHERE code = ? AND present & ? ORDER BY {_KIND_ORDER}",
            (code, self._mask),
        )
        return [self._record(row, None) for row in rows]

    def find_many(self, codes: Sequence[str]) -> dict[str, CodeRecord]:
        """The most specific item of each code that exists (notes not loaded), in one pass."""
        found: dict[str, CodeRecord] = {}
        if len(codes) > _WHOLE_COLUMN:
            self._titles()
        unique = sorted(set(codes))
        for start in range(0, len(unique), 900):
            chunk = unique[start : start + 900]
            marks = ",".join("?" * len(chunk))
            rows = self._data.query(
                f"SELECT {_COLUMNS} FROM items WHERE code IN ({marks}) AND present & ? "
                f"ORDER BY code, {_KIND_ORDER} DESC",
                (*chunk, self._mask),
            )
            for row in rows:
                found[row[0]] = self._record(row, {})
        return found

    def descriptions(self, codes: Sequence[str]) -> Mapping[str, str]:
        """The description of the most specific item of each code that exists, in one pass.

        Past a few thousand codes it is cheaper to read the release's whole column once
        (one query, kept for the process) than to look codes up in batches.
        """
        unique = sorted(set(codes))
        if len(unique) > _WHOLE_COLUMN:
            return self._all_descriptions()
        found: dict[str, str] = {}
        for start in range(0, len(unique), 900):
            chunk = unique[start : start + 900]
            marks = ",".join("?" * len(chunk))
            rows = self._data.query(
                f"SELECT code, kind, description FROM items WHERE code IN ({marks}) "
                f"AND present & ? ORDER BY code, {_KIND_ORDER} DESC",
                (*chunk, self._mask),
            )
            for code, kind, description in rows:
                override = self._titles_of(code, kind)
                text = description
                if override is not None and override.description is not None:
                    text = override.description
                if text:
                    found[code] = text
                else:
                    found.pop(code, None)
        return found

    def _all_descriptions(self) -> Mapping[str, str]:
        if self._column is None:
            self._column = self.description_column()
        return self._column

    def description_column(self) -> dict[str, str]:
        """Every code of the release with a title → that title (the description
        :meth:`find` gives its most specific item), read now in a few queries."""
        return read_descriptions(self._data, self._mask)

    def item(self, code: str, kind: CodeKind) -> CodeRecord | None:
        rows = self._data.query(
            f"SELECT {_COLUMNS} FROM items WHERE code = ? AND kind = ? AND present & ?",
            (code, kind, self._mask),
        )
        return self._record(rows[0], None) if rows else None

    def children(self, code: str, kind: CodeKind) -> Sequence[CodeRecord]:
        rows = self._data.query(
            f"SELECT {_COLUMNS} FROM items WHERE parent = ? AND parent_kind = ? AND present & ? "
            "ORDER BY seq",
            (code, kind, self._mask),
        )
        return [self._record(row, None) for row in rows]

    def near(self, code: str, limit: int) -> Sequence[str]:
        for size in range(len(code), 0, -1):
            prefix = code[:size]
            rows = self._data.query(
                "SELECT code FROM items WHERE code >= ? AND code < ? AND present & ? "
                "GROUP BY code ORDER BY MAX(billable & ?) DESC, code LIMIT ?",
                (prefix, prefix + "\uffff", self._mask, self._mask, limit),
            )
            if rows:
                return [row[0] for row in rows]
        return []

    def records(self) -> Iterator[CodeRecord]:
        return self._records(attributes=True)

    def bare_records(self) -> Iterator[CodeRecord]:
        """:meth:`records` without their attributes (the search index holds none, and
        decoding the seven axis labels of every ICD-10-PCS code is most of its reading)."""
        return self._records(attributes=False)

    def _records(self, *, attributes: bool) -> Iterator[CodeRecord]:
        notes: dict[tuple[str, str], dict[str, list[str]]] = {}
        for code, kind, note_kind, text in self._data.query(
            f"SELECT code, kind, note_kind, text FROM notes WHERE {self._note_filter()} "
            "ORDER BY code, kind, seq"
        ):
            notes.setdefault((code, kind), {}).setdefault(note_kind, []).append(text)
        self._titles()
        rows = self._data.query(
            f"SELECT {_COLUMNS}, seq FROM items WHERE present & ?", (self._mask,)
        )
        rows.sort(key=lambda row: row[-1])
        for *row, _seq in rows:
            item_notes = notes.get((row[0], row[1]), {})
            yield self._record(
                row, {k: tuple(v) for k, v in item_notes.items()}, attributes=attributes
            )
