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
from typing import Any, Literal
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

_WHOLE_COLUMN = 5000  # codes asked at once, past which the whole description column is read
_RANK_SQL = (
    f"CASE i.kind {' '.join(f'WHEN {k!r} THEN {r}' for k, r in KIND_RANK.items())} ELSE 9 END"
)
# Items with their title override for the release ?1 (an item has at most one per
# release), joined in SQL: no Python object per override is built or kept. Format 1 has
# long titles only (the item's short title stands).
_JOINED = (
    "SELECT i.code, i.kind, i.description, i.short, i.parent, i.parent_kind, i.billable, "
    'i.start, i."end", i.attrs, t.code, t.description, {titles}, i.seq '
    "FROM items i LEFT JOIN texts t ON t.code = i.code AND t.kind = i.kind AND t.present & ?1 "
)
_TITLES = {1: "char(0) || 'inherit', NULL", 2: "t.short, t.origin"}  # format 1: _INHERIT
_sql: dict[tuple[int, str], str] = {}  # (format, condition) → the whole query
# The hot path, one code's items: its query per format, ready.
_FIND = {
    version: _JOINED.format(titles=_TITLES[version])
    + f"WHERE i.code = ?2 AND i.present & ?1 ORDER BY {_RANK_SQL}"
    for version in (1, 2)
}
# A record whose short title is a text of its own (not its long title): "long titles".
_HAS_LONG = (
    "SELECT EXISTS (SELECT 1 FROM (SELECT COALESCE(t.description, i.description) AS long, "
    "{short} AS short FROM items i LEFT JOIN texts t ON t.code = i.code AND t.kind = i.kind "
    "AND t.present & ?1 WHERE i.present & ?1) WHERE short IS NOT NULL AND short != '' "
    "AND short != long)"
)
_SHORTS = {1: "i.short", 2: "CASE WHEN t.code IS NULL THEN i.short ELSE t.short END"}


_OPEN_ATTEMPTS = 5
_INHERIT = "\x00inherit"  # a format 1 title row: the item's short title stands


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
        self._default_origin: str | Literal[False] | None = False
        self._column: dict[str, str] | None = None
        # False until the dataset's axis tables (if any) are read on first use.
        self._positional: PositionalAttributes | Literal[False] | None = False

    def _joined(self, where: str, params: Sequence[Any] = (), *, keep: bool = True) -> list[Any]:
        """Rows of items (with their title override) matching ``where``; ``?1`` is the
        release's mask, further parameters are ``?2`` on. ``keep=False``: a one-off
        condition (a list of codes), whose query text is not remembered."""
        key = (self._data.format(), where)
        sql = _sql.get(key)
        if sql is None:
            sql = _JOINED.format(titles=_TITLES[1 if key[0] == 1 else 2]) + where
            if keep:
                _sql[key] = sql
        return self._data.query(sql, (self._mask, *params))

    def has_long_titles(self) -> bool:
        """Whether any item of the release has a short title of its own besides its long
        title (a release read from a short-descriptor-only source has none)."""
        short = _SHORTS[1 if self._data.format() == 1 else 2]
        return bool(self._data.query(_HAS_LONG.format(short=short), (self._mask,))[0][0])

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
        *,
        attributes: bool = True,
    ) -> CodeRecord:
        """A record from a :data:`_JOINED` row (``notes=None``: read on first use);
        ``attributes=False`` leaves the attributes out."""
        code, kind, description, short, parent, parent_kind, billable, start, end, attrs = row[:10]
        if notes is None:
            notes = LazyNotes(lambda: self._notes(code, kind))
        origin = None
        if row[10] is not None:  # the release's title override
            origin = row[13]
            if row[11] is not None:
                description = row[11]
            if row[12] != _INHERIT:
                short = row[12]
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
        rows = self._data.query(_FIND[self._data.format()], (self._mask, code))
        return [self._record(row, None) for row in rows]

    def _chunks(self, codes: Sequence[str], select: str) -> Iterator[Any]:
        """Rows of ``select`` (``?1``: the mask) for the distinct ``codes``, 900 at a time,
        in code order and the most specific item of each code last."""
        unique = sorted(set(codes))
        for start in range(0, len(unique), 900):
            chunk = unique[start : start + 900]
            marks = ",".join(f"?{at}" for at in range(2, len(chunk) + 2))
            where = (
                f"WHERE i.code IN ({marks}) AND i.present & ?1 ORDER BY i.code, {_RANK_SQL} DESC"
            )
            if select:
                yield from self._data.query(select + where, (self._mask, *chunk))
            else:
                yield from self._joined(where, chunk, keep=False)

    def find_many(self, codes: Sequence[str]) -> dict[str, CodeRecord]:
        """The most specific item of each code that exists (notes not loaded), in one pass."""
        return {row[0]: self._record(row, {}) for row in self._chunks(codes, "")}

    def descriptions(self, codes: Sequence[str]) -> Mapping[str, str]:
        """The description of the most specific item of each code that exists, in one pass.

        Past a few thousand codes it is cheaper to read the release's whole column once
        (one query, kept for the process) than to look codes up in batches.
        """
        if len(set(codes)) > _WHOLE_COLUMN:
            return self._all_descriptions()
        found: dict[str, str] = {}
        select = (
            "SELECT i.code, COALESCE(t.description, i.description) FROM items i LEFT JOIN texts t "
            "ON t.code = i.code AND t.kind = i.kind AND t.present & ?1 "
        )
        for code, text in self._chunks(codes, select):
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
        rows = self._joined("WHERE i.code = ?2 AND i.kind = ?3 AND i.present & ?1", (code, kind))
        return self._record(rows[0], None) if rows else None

    def children(self, code: str, kind: CodeKind) -> Sequence[CodeRecord]:
        rows = self._joined(
            "WHERE i.parent = ?2 AND i.parent_kind = ?3 AND i.present & ?1 ORDER BY i.seq",
            (code, kind),
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
        rows = self._joined("WHERE i.present & ?1")
        rows.sort(key=lambda row: row[14])  # the release's order (a sort in SQL costs more)
        for row in rows:
            item_notes = notes.get((row[0], row[1]), {})
            yield self._record(
                row, {k: tuple(v) for k, v in item_notes.items()}, attributes=attributes
            )
