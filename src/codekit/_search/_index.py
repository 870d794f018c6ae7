"""The search index: an SQLite file with an FTS5 table over one release of each code set.

One index holds the releases of several code sets (by default the newest of each), so they
share one ranking; each row carries the number of its release (``cs``), which queries filter
on when fewer code sets are asked for. Layout of an index file:

* ``docs``: one row per item (release number, code, compact code, kind, billable,
  description, validity dates); ``docs_ccode`` answers code prefixes.
* ``names``: one row per name of an item: its description and each inclusion term
  (``"High blood pressure"`` is a name of I10), then one row of its other text (short
  description, index terms) ranked after every name. Row ids follow a static rank: fewer
  counted words first (see :func:`_size`), then initial encounters, "unspecified" items,
  billable codes before headings. FTS5 returns matches in row-id order, so the first page
  of an all-words query comes straight off the index without scoring every match, and an
  item is found first by its shortest matching name, as BM25's length normalisation would
  have it.
* ``fts``: a contentless FTS5 table, one row per name: ``title`` (the name), ``terms`` (the
  other text) and ``cs`` (a token naming the release), with prefix indexes for prefixes of
  one to six characters (every word may be a prefix).
* ``vocab``: every word of the index with its document frequency (read into memory to check
  prefixes, expand long ones and find corrections), ``spell``: the deletion neighbourhood of
  every word of five letters or more (a misspelt word and its correction share a deletion).

Files are written aside and renamed into place, then opened read-only and ``immutable``: any
number of processes share them without locks. The file name carries a key derived from the
releases' identity (each one's sha256 and period, or for plugin data a hash of its records),
so a changed pack or plugin code set gets a new index and the old one is removed.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import json
import os
import re
import sqlite3
import sys
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from codekit._codesets.spec import kind_rank
from codekit._normalize import compact_key
from codekit._search._cache import cache_dir
from codekit._search._text import STOPWORDS
from codekit.exceptions import DataError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence
    from pathlib import Path

    from codekit._registry import Release
    from codekit.plugins import CodeRecord

__all__ = ["INDEX_VERSION", "SearchIndex", "build_index", "index_for", "release_key"]

#: Bumped whenever the layout or the text that is indexed changes (old files are rebuilt).
INDEX_VERSION = 9

#: Note kinds whose texts name the item itself (never excludes or "code first" notes).
INDEXED_NOTES = ("inclusion_term", "includes", "index_term", "synonym")
#: Of those, the kinds that are names of the item on their own (indexed as separate names).
_NAME_NOTES = ("inclusion_term", "includes")

#: How many query answers an open index remembers, and the largest one it remembers (rows,
#: and characters of query parameters): keystrokes ask small questions again, while a large
#: page or a long query would only fill memory.
_RESULTS = 4096
_REMEMBERED_ROWS = 512
_REMEMBERED_TEXT = 2048

#: Releases with more items than this print a line on stderr while their index is built.
_ANNOUNCE = 20000

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE docs (
    id INTEGER PRIMARY KEY,
    cs INTEGER NOT NULL,
    code TEXT NOT NULL,
    ccode TEXT NOT NULL,
    kind TEXT NOT NULL,
    billable INTEGER NOT NULL,
    description TEXT NOT NULL,
    size INTEGER NOT NULL,
    start TEXT,
    "end" TEXT
);
CREATE VIRTUAL TABLE fts USING fts5(
    title, terms, cs, content='', tokenize='unicode61 remove_diacritics 2',
    prefix='1 2 3 4 5 6'
);
CREATE TABLE names (
    id INTEGER PRIMARY KEY, doc INTEGER NOT NULL, size INTEGER NOT NULL, full INTEGER NOT NULL
);
CREATE TABLE vocab (word TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE spell (del TEXT NOT NULL, word TEXT NOT NULL, PRIMARY KEY (del, word))
    WITHOUT ROWID;
"""

#: The ``size`` of rows of other text (short descriptions) is this plus the description's.
OTHER_TEXT = 10000
_OTHER = OTHER_TEXT
_UNCOUNTED = STOPWORDS | {"unspecified", "nos"}
_WORD = re.compile(r"[^\W_]+")
_NOT_SPECIFIED = re.compile(r"\b(?:site )?not specified\b", re.IGNORECASE)


def _compact(code: str) -> str:
    return compact_key(code)


def _terms(record: CodeRecord) -> list[str]:
    texts = []
    if record.short_description and record.short_description != record.description:
        texts.append(record.short_description)
    for kind in INDEXED_NOTES:
        texts.extend(record.notes.get(kind, ()))
    return texts


_PARENTHESES = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


#: The 7th-character wording of ICD-10-CM injuries ("..., initial encounter for closed
#: fracture"): it tells encounters apart, not conditions, so it does not count.
_ENCOUNTER = re.compile(r",? (?:initial|subsequent) encounter\b.*$|,? sequela$", re.IGNORECASE)


def _size(text: str, *, full: bool = False) -> int:
    """How many words of a name count for ranking.

    Not stop words, not "unspecified"/"NOS", not the 7th-character encounter wording, and
    (unless ``full``) not the words in parentheses, which ICD-10-CM uses for nonessential
    modifiers ("Essential (primary) hypertension").
    """
    bare = text.lower()
    if "encounter" in bare or "sequela" in bare:
        bare = _ENCOUNTER.sub("", bare)
    if "specified" in bare:
        bare = _NOT_SPECIFIED.sub(" ", bare)
    if not full and ("(" in bare or "[" in bare):
        bare = _PARENTHESES.sub(" ", bare)
    return max(1, sum(1 for w in _WORD.findall(bare) if w not in _UNCOUNTED))


def _encounter_rank(description: str) -> int:
    """Initial encounters (and items without one) first, then subsequent, then sequela."""
    lowered = description.lower()
    if lowered.endswith("sequela"):
        return 2
    return 1 if "subsequent encounter" in lowered else 0


def deletions(word: str) -> set[str]:
    """``word`` with one letter removed, every way."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _names(record: CodeRecord) -> list[tuple[str, str]]:
    """The rows an item is found by: (name, other text). Its description and each inclusion
    term are names; its short description and index terms are other text, in a row of their
    own (an empty name) that ranks after every name."""
    names = [(record.description, "")]
    for kind in _NAME_NOTES:
        names.extend((term, "") for term in record.notes.get(kind, ()))
    extra = []
    if record.short_description and record.short_description != record.description:
        extra.append(record.short_description)
    for kind in INDEXED_NOTES:
        if kind not in _NAME_NOTES:
            extra.extend(record.notes.get(kind, ()))
    if extra:
        names.append(("", "\n".join(extra)))
    return names


def set_token(cs: int) -> str:
    """The token marking the rows of the index's ``cs``-th release (its ``cs`` column)."""
    return f"zzcodeset{cs}"


def _fill(
    con: sqlite3.Connection,
    sources: Sequence[Iterable[CodeRecord]],
    meta: dict[str, Any],
) -> int:
    con.executescript(_SCHEMA)
    docs: list[tuple[Any, ...]] = []
    names: list[tuple[tuple[Any, ...], int, str, str, int, int]] = []
    docid = 0
    for cs, records in enumerate(sources):
        for record in records:
            docid += 1
            size = _size(record.description)
            docs.append(
                (
                    docid,
                    cs,
                    record.code,
                    _compact(record.code),
                    record.kind,
                    int(record.billable),
                    record.description,
                    size,
                    record.start,
                    record.end,
                )
            )
            encounter = _encounter_rank(record.description)
            unspecified = 0 if "unspecified" in record.description.lower() else 1
            heading = (0 if record.billable else 1, kind_rank(record.kind))
            for n, (name, extra) in enumerate(_names(record)):
                if not name:  # other text: after every name, by the size of the description
                    rank = (_OTHER + size, encounter, unspecified, *heading, 0, docid)
                    names.append((rank, docid, name, extra, size, cs))
                    continue
                bare = size if n == 0 else _size(name)
                full = _size(name, full=True) if "(" in name or "[" in name else bare
                rank = (bare, encounter, unspecified, *heading, len(name), docid)
                names.append((rank, docid, name, extra, full, cs))
    names.sort(key=lambda n: n[0])
    con.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", docs)
    con.executemany(
        "INSERT INTO names VALUES (?, ?, ?, ?)",
        ((rowid, n[1], n[0][0], n[4]) for rowid, n in enumerate(names, start=1)),
    )
    con.executemany(
        "INSERT INTO fts (rowid, title, terms, cs) VALUES (?, ?, ?, ?)",
        ((rowid, n[2], n[3], set_token(n[5])) for rowid, n in enumerate(names, start=1)),
    )
    con.execute("CREATE INDEX docs_ccode ON docs (ccode)")
    con.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, fts, col)")
    con.execute(
        "INSERT INTO vocab SELECT term, sum(doc) FROM temp.v WHERE col != 'cs' GROUP BY term"
    )
    con.execute("DROP TABLE temp.v")
    spell = sorted(
        {
            (gone, word)
            for (word,) in con.execute("SELECT word FROM vocab WHERE length(word) >= 5")
            if word.isalpha()
            for gone in deletions(word)
        }
    )
    con.executemany("INSERT INTO spell VALUES (?, ?)", spell)
    con.execute("INSERT INTO fts (fts) VALUES ('optimize')")
    count = len(docs)
    meta = {**meta, "index_version": INDEX_VERSION, "items": count, "names": len(names)}
    con.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        sorted((k, json.dumps(v, sort_keys=True, default=str)) for k, v in meta.items()),
    )
    return count


def build_index(path: Path, sources: Sequence[Iterable[CodeRecord]], meta: dict[str, Any]) -> int:
    """Write a new index file at ``path`` (written aside, then renamed); returns its items."""
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        con = sqlite3.connect(aside)
        try:
            con.execute("PRAGMA journal_mode = OFF")
            con.execute("PRAGMA synchronous = OFF")
            con.execute("PRAGMA page_size = 4096")
            count = _fill(con, sources, meta)
            con.commit()
            con.execute("VACUUM")
        finally:
            con.close()
        os.replace(aside, path)
    finally:
        with contextlib.suppress(OSError):
            aside.unlink()
    return count


def release_key(release: Release) -> str:
    """A short key naming the content of ``release`` (changes when the data change).

    Releases that carry a sha256 (packaged data, packs) are named by it and their period;
    others (plugin code sets) by a hash of their records.
    """
    info = release.info
    digest = hashlib.sha256(f"codekit-search-{INDEX_VERSION}\n".encode())
    fields = (info.code_set, info.release, info.origin, info.effective, info.until, release.plugin)
    digest.update(repr(fields).encode())
    if info.sha256:
        digest.update(f"{info.sha256}\n{info.source}\n{info.source_file}\n{info.rows}".encode())
    else:
        for record in release.source().records():
            digest.update(
                repr(
                    (
                        record.code,
                        record.kind,
                        record.description,
                        record.short_description,
                        record.billable,
                        _terms(record),
                        record.start,
                        record.end,
                    )
                ).encode()
            )
    return digest.hexdigest()[:20]


def _file_stem(releases: Sequence[Release]) -> str:
    parts = []
    for release in releases:
        info = release.info
        parts.append(f"{info.code_set}-{info.release}-{info.origin}")
    stem = "+".join(parts)
    stem = "".join(c if c.isalnum() or c in "-_+" else "_" for c in stem)
    if len(stem) > 120:
        stem = stem[:100] + "-" + hashlib.sha256(stem.encode()).hexdigest()[:8]
    return stem


class SearchIndex:
    """An open, read-only index of one or more releases (one of each code set).

    ``releases[cs]`` is the release of the rows whose ``cs`` is that number; ``sets`` maps
    each code set name to its number.
    """

    def __init__(self, con: sqlite3.Connection, releases: Sequence[Release], label: str) -> None:
        self.releases = tuple(releases)
        self.sets = {r.info.code_set: cs for cs, r in enumerate(self.releases)}
        self.label = label
        self._con = con
        self._lock = threading.Lock()
        rows = con.execute("SELECT word, df FROM vocab ORDER BY word").fetchall()
        self.words: list[str] = [w for w, _ in rows]
        self.df: dict[str, int] = dict(rows)
        #: The length of the longest word: a longer word is no word's typo.
        self.longest = max((len(w) for w in self.words), default=0)
        self.docs: int = con.execute("SELECT count(*) FROM docs").fetchone()[0]
        #: Query words compiled for this index (see ``_plan._Plan``); the index never
        #: changes, so neither do they.
        self.compiled: dict[Any, Any] = {}
        #: Rows of recent queries (see :meth:`query`).
        self.results: dict[tuple[Any, ...], list[Any]] = {}

    @classmethod
    def open(cls, path: Path, releases: Sequence[Release]) -> SearchIndex:
        uri = f"file:{quote(str(path))}?mode=ro&immutable=1"
        try:
            con = sqlite3.connect(uri, uri=True, check_same_thread=False)
            version = con.execute("SELECT value FROM meta WHERE key = 'index_version'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise DataError(
                f"search index {path.name} is unreadable ({exc}); delete it to rebuild it"
            ) from exc
        if version is None or json.loads(version[0]) != INDEX_VERSION:
            con.close()
            raise DataError(f"search index {path.name} has another format; delete it")
        return cls(con, releases, path.name)

    # -- words ----------------------------------------------------------------------------
    def has_word(self, word: str) -> bool:
        return word in self.df

    def has_prefix(self, prefix: str) -> bool:
        i = bisect.bisect_left(self.words, prefix)
        return i < len(self.words) and self.words[i].startswith(prefix)

    def completions(self, prefix: str, limit: int) -> list[str]:
        """Up to ``limit`` + 1 words of the index starting with ``prefix``, in order."""
        i = bisect.bisect_left(self.words, prefix)
        out = []
        for word in self.words[i : i + limit + 1]:
            if not word.startswith(prefix):
                break
            out.append(word)
        return out

    def corrections(self, word: str) -> list[str]:
        """Words of the index one edit away from ``word`` (most frequent first)."""
        if len(word) > self.longest + 1:
            return []  # one edit changes the length by one at most
        keys = sorted(deletions(word) | {word})
        marks = ",".join("?" * len(keys))
        found = {
            w
            for (w,) in self.query(f"SELECT DISTINCT word FROM spell WHERE del IN ({marks})", keys)
        }
        found |= {w for w in deletions(word) if w in self.df}
        found.discard(word)
        return sorted(found, key=lambda w: (-self.df.get(w, 0), w))

    # -- queries --------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """The rows of a query, remembered: the index never changes, and keystrokes ask the
        same again (the words typed before, a word's forms). Callers must not change them."""
        key = (sql, *params)
        found = self.results.get(key)
        if found is not None:
            return found
        with self._lock:
            try:
                found = self._con.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as exc:
                raise DataError(f"search index {self.label}: {exc}") from exc
        if len(found) > _REMEMBERED_ROWS or sum(len(str(p)) for p in params) > _REMEMBERED_TEXT:
            return found
        if len(self.results) >= _RESULTS:
            self.results.clear()
        self.results[key] = found
        return found

    def forget(self) -> None:
        """Drop what this index remembers of earlier queries."""
        self.results.clear()
        self.compiled.clear()


_open: dict[object, SearchIndex] = {}
_open_lock = threading.RLock()


def _memo(release: Release) -> object:
    info = release.info
    return (info, release.plugin) if info.sha256 else release


def path_for(releases: Sequence[Release]) -> Path:
    """Where the index of exactly these releases lives in the cache."""
    digest = hashlib.sha256("\n".join(release_key(r) for r in releases).encode())
    return cache_dir() / f"{_file_stem(releases)}-{digest.hexdigest()[:20]}.sqlite"


def cached(releases: Sequence[Release]) -> SearchIndex | None:
    """The index of these releases if it is open or on disk (never builds)."""
    memo = tuple(_memo(r) for r in releases)
    found = _open.get(memo)
    if found is None and path_for(releases).is_file():
        return index_for(releases)
    return found


def index_for(releases: Sequence[Release]) -> SearchIndex:
    """The index of these releases: opened from the cache, or built there first."""
    memo = tuple(_memo(r) for r in releases)
    found = _open.get(memo)
    if found is not None:
        return found
    with _open_lock:
        found = _open.get(memo)
        if found is None:
            found = _open[memo] = _load(releases)
        return found


def _load(releases: Sequence[Release]) -> SearchIndex:
    path = path_for(releases)
    if path.is_file():
        with contextlib.suppress(DataError):
            return SearchIndex.open(path, releases)
    try:
        _build_announced(releases, path)
        _remove_stale(path.parent, releases, path)
        return SearchIndex.open(path, releases)
    except OSError:
        # An unwritable cache: build in memory for this process instead.
        con = sqlite3.connect(":memory:", check_same_thread=False)
        _fill(con, [r.source().records() for r in releases], _meta(releases))
        return SearchIndex(con, releases, f"{_file_stem(releases)} (in memory)")


def _meta(releases: Sequence[Release]) -> dict[str, Any]:
    return {
        "releases": [
            {
                "code_set": r.info.code_set,
                "release": r.info.release,
                "origin": r.info.origin,
                "sha256": r.info.sha256,
                "plugin": r.plugin,
            }
            for r in releases
        ]
    }


def _build_announced(releases: Sequence[Release], path: Path) -> None:
    loud = any(r.info.rows > _ANNOUNCE or r.info.origin != "plugin" for r in releases)
    what = ", ".join(f"{r.info.code_set} {r.info.release}" for r in releases)
    started = time.perf_counter()
    if loud:
        print(
            f"codekit: building the search index of {what} (once; shared by later runs) ...",
            file=sys.stderr,
            flush=True,
        )
    count = build_index(path, [_records(r) for r in releases], _meta(releases))
    if loud:
        print(
            f"codekit: indexed {count} items in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
            flush=True,
        )


def _records(release: Release) -> Iterator[CodeRecord]:
    yield from release.source().records()


def _remove_stale(folder: Path, releases: Sequence[Release], keep: Path) -> None:
    for old in folder.glob(f"{_file_stem(releases)}-*.sqlite"):
        if old != keep and old.name[len(_file_stem(releases)) + 1 :].count("-") == 0:
            with contextlib.suppress(OSError):
                old.unlink()


def clear() -> None:
    """Forget open indexes (the files stay)."""
    with _open_lock:
        _open.clear()
