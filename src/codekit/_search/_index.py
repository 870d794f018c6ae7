"""The search index of one release: an SQLite file with an FTS5 table, built once.

Layout of an index file:

* ``docs``: one row per item (code, compact code, kind, billable, texts, validity dates);
  ``docs_ccode`` answers code prefixes.
* ``names``: one row per name of an item: its description and each inclusion term
  (``"High blood pressure"`` is a name of I10). Row ids follow a static rank: fewer
  counted words first (see :func:`_size`), then "unspecified" items, billable codes before
  headings. FTS5 returns matches in row-id order, so the first page of an all-words query
  comes straight off the index without scoring every match, and an item is found first by
  its shortest matching name, as BM25's length normalisation would have it.
* ``fts``: a contentless FTS5 table, one row per name: ``title`` (the name) and ``terms``
  (for the description: the short description and index terms), with prefix indexes for
  prefixes of one to six characters (every word may be a prefix).
* ``vocab``: every word of the index with its document frequency (read into memory to check
  prefixes and to find corrections), ``spell``: the deletion neighbourhood of every word of
  five letters or more (a misspelt word and its correction share a deletion).

Files are written aside and renamed into place, then opened read-only and ``immutable``: any
number of processes share them without locks. The file name carries a key derived from the
release's identity (its sha256 and period, or for plugin data a hash of its records), so a
changed pack or plugin code set gets a new index and the old one is removed.
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

from codekit._search._cache import cache_dir
from codekit._search._text import STOPWORDS, words
from codekit.exceptions import DataError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence
    from pathlib import Path

    from codekit._registry import Release
    from codekit.plugins import CodeRecord

__all__ = ["INDEX_VERSION", "SearchIndex", "build_index", "index_for", "release_key"]

#: Bumped whenever the layout or the text that is indexed changes (old files are rebuilt).
INDEX_VERSION = 8

#: Note kinds whose texts name the item itself (never excludes or "code first" notes).
INDEXED_NOTES = ("inclusion_term", "includes", "index_term", "synonym")
#: Of those, the kinds that are names of the item on their own (indexed as separate names).
_NAME_NOTES = ("inclusion_term", "includes")

#: Releases with more items than this print a line on stderr while their index is built.
_ANNOUNCE = 20000

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE docs (
    id INTEGER PRIMARY KEY,
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
    title, terms, content='', tokenize='unicode61 remove_diacritics 2',
    prefix='1 2 3 4 5 6'
);
CREATE TABLE names (
    id INTEGER PRIMARY KEY, doc INTEGER NOT NULL, size INTEGER NOT NULL, full INTEGER NOT NULL
);
CREATE TABLE vocab (word TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE spell (del TEXT NOT NULL, word TEXT NOT NULL, PRIMARY KEY (del, word))
    WITHOUT ROWID;
"""

_KIND_RANK = {"code": 0, "category": 1, "block": 2, "chapter": 3}
_UNCOUNTED = STOPWORDS | {"unspecified", "nos"}
_WORD = re.compile(r"[^\W_]+")
_NOT_SPECIFIED = re.compile(r"\b(?:site )?not specified\b", re.IGNORECASE)


def _compact(code: str) -> str:
    return code.replace(".", "").replace(" ", "").upper()


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
    """The names an item is found by: (name, other text) for its description (with its
    short description and index terms) and for each inclusion term."""
    extra = []
    if record.short_description and record.short_description != record.description:
        extra.append(record.short_description)
    for kind in INDEXED_NOTES:
        if kind not in _NAME_NOTES:
            extra.extend(record.notes.get(kind, ()))
    names = [(record.description, "\n".join(extra))]
    for kind in _NAME_NOTES:
        names.extend((term, "") for term in record.notes.get(kind, ()))
    return names


def _fill(con: sqlite3.Connection, records: Iterable[CodeRecord], meta: dict[str, Any]) -> int:
    con.executescript(_SCHEMA)
    docs: list[tuple[Any, ...]] = []
    names: list[tuple[tuple[Any, ...], int, str, str, int]] = []
    for docid, record in enumerate(records, start=1):
        size = _size(record.description)
        docs.append(
            (
                docid,
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
        heading = (0 if record.billable else 1, _KIND_RANK.get(record.kind, 4))
        for n, (name, extra) in enumerate(_names(record)):
            bare = size if n == 0 else _size(name)
            full = _size(name, full=True) if "(" in name or "[" in name else bare
            rank = (bare, encounter, unspecified, *heading, len(name), docid)
            names.append((rank, docid, name, extra, full))
    names.sort(key=lambda n: n[0])
    con.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", docs)
    con.executemany(
        "INSERT INTO names VALUES (?, ?, ?, ?)",
        ((rowid, n[1], n[0][0], n[4]) for rowid, n in enumerate(names, start=1)),
    )
    con.executemany(
        "INSERT INTO fts (rowid, title, terms) VALUES (?, ?, ?)",
        ((rowid, n[2], n[3]) for rowid, n in enumerate(names, start=1)),
    )
    con.execute("CREATE INDEX docs_ccode ON docs (ccode)")
    con.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, fts, row)")
    con.execute("INSERT INTO vocab SELECT term, doc FROM temp.v")
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


def build_index(path: Path, records: Iterable[CodeRecord], meta: dict[str, Any]) -> int:
    """Write a new index file at ``path`` (written aside, then renamed); returns its items."""
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        con = sqlite3.connect(aside)
        try:
            con.execute("PRAGMA journal_mode = OFF")
            con.execute("PRAGMA synchronous = OFF")
            con.execute("PRAGMA page_size = 4096")
            count = _fill(con, records, meta)
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


def _file_stem(release: Release) -> str:
    info = release.info
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in info.release)
    return f"{info.code_set}-{safe}-{info.origin}"


class SearchIndex:
    """An open, read-only index of one release."""

    def __init__(self, con: sqlite3.Connection, release: Release, label: str) -> None:
        self.release = release
        self.label = label
        self._con = con
        self._lock = threading.Lock()
        rows = con.execute("SELECT word, df FROM vocab ORDER BY word").fetchall()
        self.words: list[str] = [w for w, _ in rows]
        self.df: dict[str, int] = dict(rows)
        self.docs: int = con.execute("SELECT count(*) FROM docs").fetchone()[0]

    @classmethod
    def open(cls, path: Path, release: Release) -> SearchIndex:
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
        return cls(con, release, path.name)

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
        with self._lock:
            try:
                return self._con.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as exc:
                raise DataError(f"search index {self.label}: {exc}") from exc


_open: dict[object, SearchIndex] = {}
_open_lock = threading.RLock()


def index_for(release: Release) -> SearchIndex:
    """The index of ``release``: opened from the cache, or built there first."""
    info = release.info
    memo: object = (info, release.plugin) if info.sha256 else release
    found = _open.get(memo)
    if found is not None:
        return found
    with _open_lock:
        found = _open.get(memo)
        if found is None:
            found = _open[memo] = _load(release)
        return found


def _load(release: Release) -> SearchIndex:
    key = release_key(release)
    folder = cache_dir()
    path = folder / f"{_file_stem(release)}-{key}.sqlite"
    if path.is_file():
        with contextlib.suppress(DataError):
            return SearchIndex.open(path, release)
    try:
        _build_announced(release, path)
        _remove_stale(folder, release, path)
        return SearchIndex.open(path, release)
    except OSError:
        # An unwritable cache: build in memory for this process instead.
        con = sqlite3.connect(":memory:", check_same_thread=False)
        _fill(con, release.source().records(), _meta(release))
        return SearchIndex(con, release, f"{_file_stem(release)} (in memory)")


def _meta(release: Release) -> dict[str, Any]:
    info = release.info
    return {
        "code_set": info.code_set,
        "release": info.release,
        "origin": info.origin,
        "sha256": info.sha256,
        "plugin": release.plugin,
    }


def _build_announced(release: Release, path: Path) -> None:
    info = release.info
    loud = info.rows > _ANNOUNCE or info.origin != "plugin"
    started = time.perf_counter()
    if loud:
        print(
            f"codekit: building the search index of {info.code_set} {info.release} "
            f"(once; shared by later runs) ...",
            file=sys.stderr,
            flush=True,
        )
    count = build_index(path, _records(release), _meta(release))
    if loud:
        print(
            f"codekit: indexed {count} items in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
            flush=True,
        )


def _records(release: Release) -> Iterator[CodeRecord]:
    yield from release.source().records()


def _remove_stale(folder: Path, release: Release, keep: Path) -> None:
    for old in folder.glob(f"{_file_stem(release)}-*.sqlite"):
        if old != keep:
            with contextlib.suppress(OSError):
                old.unlink()


def clear() -> None:
    """Forget open indexes (the files stay)."""
    with _open_lock:
        _open.clear()


def index_words(text: str) -> list[str]:
    """The words of ``text`` as the index stores them."""
    return [w.text for w in words(text)]
