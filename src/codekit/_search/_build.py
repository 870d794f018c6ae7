"""Writing a search index file: its layout (the names of each item and their static rank
are :mod:`codekit._search._names`'s).

Layout of an index file:

* ``docs``: one row per item (release number, code, compact code, kind, billable,
  description, validity dates); ``docs_ccode`` answers code prefixes.
* ``names``: one row per name of an item: its description and each inclusion term
  (``"High blood pressure"`` is a name of I10), then one row of its other text (short
  description, index terms) ranked after every name. ``term`` keeps the text of a name that
  is not the item's own description, so that a hit can show what it matched. Row ids follow
  a static rank (see :func:`codekit._search._names.add_names`). FTS5 returns matches in
  row-id order, so the first page of an all-words query comes straight off the index
  without scoring every match, and an item is found first by its shortest matching name,
  as BM25's length normalisation would have it.
* ``fts``: a contentless FTS5 table, one row per name: ``title`` (the name), ``terms`` (the
  other text) and ``cs`` (a token naming the release), with prefix indexes for prefixes of
  two to six characters (every word of two letters or more may be a prefix; a word of one
  letter is searched as itself).
* ``heads``: for each word, how many items of each release have a name starting with it
  (the code set whose items a query's word names, see ``_engine``).
* ``vocab``: every word of the index with its document frequency (read into memory to check
  prefixes, expand long ones and find corrections), ``spell``: the deletion neighbourhood of
  every word of five letters or more (a misspelt word and its correction share a deletion).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import uuid
from typing import TYPE_CHECKING, Any

from codekit._normalize import compact_key
from codekit._search._names import (
    NameRow,
    Sizes,
    add_names,
    counted_words,
    first_word,
    with_terms,
)
from codekit._search._prior import default_codes

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from collections.abc import Set as AbstractSet
    from pathlib import Path

    from codekit.plugins import CodeRecord

__all__ = [
    "HEAD_TERM_WORDS",
    "INDEX_VERSION",
    "add_head_terms",
    "build_index",
    "compact",
    "deletions",
    "fill",
    "head_words",
    "set_token",
]

#: Bumped whenever the layout or the text that is indexed changes (old files are rebuilt).
INDEX_VERSION = 16

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
    prefix='2 3 4 5 6'
);
CREATE TABLE names (
    id INTEGER PRIMARY KEY, doc INTEGER NOT NULL, size INTEGER NOT NULL,
    full INTEGER NOT NULL, term TEXT
);
CREATE TABLE vocab (word TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE spell (del TEXT NOT NULL, word TEXT NOT NULL, PRIMARY KEY (del, word))
    WITHOUT ROWID;
CREATE TABLE heads (word TEXT NOT NULL, cs INTEGER NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (word, cs)) WITHOUT ROWID;
"""

#: Bytes of rows FTS5 holds in memory while an index is built (see :func:`fill`).
_FTS_MEMORY = 64 << 20


def compact(code: str) -> str:
    """A code upper case, without dots or spaces (the ``ccode`` column)."""
    return compact_key(code)


def deletions(word: str) -> set[str]:
    """``word`` with one letter removed, every way."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def set_token(cs: int) -> str:
    """The token marking the rows of the index's ``cs``-th release (its ``cs`` column)."""
    return f"zzcodeset{cs}"


def fill(
    con: sqlite3.Connection,
    sources: Sequence[Iterable[CodeRecord]],
    meta: Mapping[str, Any],
    extra_names: Sequence[Mapping[str, Sequence[str]]] = (),
    short_only: Sequence[AbstractSet[str]] = (),
) -> int:
    """Create the tables of an index in ``con`` and fill them; returns the items.

    ``extra_names[cs]`` maps codes of the ``cs``-th source to more names (the index terms of
    an installed ICD-10-CM Alphabetic Index pack, the compounds of lent long titles).
    ``short_only[cs]``: codes of the ``cs``-th source still known by a short descriptor only
    while another release lends long titles to the others; they rank after those on a tie."""
    con.executescript(_SCHEMA)
    # FTS5 keeps this much of the rows in memory before it writes a segment: one build
    # writes a few large segments instead of merging hundreds of small ones as it goes.
    con.execute("INSERT INTO fts (fts, rank) VALUES ('hashsize', ?)", (_FTS_MEMORY,))
    docs: list[tuple[Any, ...]] = []
    names: list[NameRow] = []
    sizes = Sizes()
    docid = 0
    for cs, source in enumerate(sources):
        more = extra_names[cs] if cs < len(extra_names) else {}
        short = short_only[cs] if cs < len(short_only) else frozenset()
        records = [with_terms(r, more.get(r.code, ())) for r in source] if more else list(source)
        first = docid + 1
        for record in records:
            docid += 1
            docs.append(
                (
                    docid,
                    cs,
                    record.code,
                    compact(record.code),
                    record.kind,
                    int(record.billable),
                    record.description,
                    sizes[record.description][0],
                    record.start,
                    record.end,
                )
            )
            add_names(names, record, docid, docid, cs, sizes=sizes, short_only=record.code in short)
        for heading, default in default_codes(records).items():
            add_names(
                names,
                records[heading],
                first + heading,
                first + default,
                cs,
                sizes=sizes,
                lent_to=records[default],
            )
    names.sort(key=lambda n: n[0])
    con.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", docs)
    con.executemany(
        "INSERT INTO names VALUES (?, ?, ?, ?, ?)",
        ((rowid, n[1], n[0][0], n[4], n[6]) for rowid, n in enumerate(names, start=1)),
    )
    con.executemany(
        "INSERT INTO fts (rowid, title, terms, cs) VALUES (?, ?, ?, ?)",
        ((rowid, n[2], n[3], set_token(n[5])) for rowid, n in enumerate(names, start=1)),
    )
    con.executemany("INSERT INTO heads VALUES (?, ?, ?)", head_words(names))
    add_head_terms(con, names)
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


def head_words(names: Sequence[NameRow]) -> list[tuple[str, int, int]]:
    """(word, release number, items) for every word that is the first counted word of a
    name of that many items of the release (the ``heads`` table): what a code set names its
    items by ("Walker, folding, ..." in HCPCS, "Replacement of ..." in ICD-10-PCS)."""
    seen: set[tuple[str, int, int]] = set()
    for _, docid, name, _, _, cs, _ in names:
        if name:
            first = first_word(name)
            if first is not None:
                seen.add((first, cs, docid))
    counts: dict[tuple[str, int], int] = {}
    for word, cs, _ in seen:
        counts[word, cs] = counts.get((word, cs), 0) + 1
    return sorted((word, cs, n) for (word, cs), n in counts.items())


#: Names whose head term has up to this many counted words are listed in ``head_terms``.
HEAD_TERM_WORDS = 3


def add_head_terms(con: sqlite3.Connection, names: Sequence[NameRow]) -> None:
    """The head terms (the counted words before a name's first comma) of up to
    :data:`HEAD_TERM_WORDS` words: ``name_heads`` has those of each name (by its row id,
    space-separated), ``head_terms`` each (number of words, first word) found. A query of k
    words is the head term of no name when no first word of a head term of k words fits
    its words (``_heads`` then reads no names for one)."""
    con.execute("CREATE TABLE name_heads (id INTEGER PRIMARY KEY, words TEXT NOT NULL)")
    con.execute(
        "CREATE TABLE head_terms (k INTEGER NOT NULL, word TEXT NOT NULL, PRIMARY KEY (k, word))"
        " WITHOUT ROWID"
    )
    heads: dict[str, list[str] | None] = {}
    rows = []
    for rowid, (_, _, name, _, _, _, _) in enumerate(names, start=1):
        if name:
            head = name.split(",", 1)[0]
            if head in heads:
                words = heads[head]
            else:
                words = counted_words(head)
                words = heads[head] = words if 0 < len(words) <= HEAD_TERM_WORDS else None
            if words is not None:
                rows.append((rowid, " ".join(words)))
    con.executemany("INSERT INTO name_heads VALUES (?, ?)", rows)
    firsts = {(len(w), w[0]) for w in heads.values() if w is not None}
    con.executemany("INSERT INTO head_terms VALUES (?, ?)", sorted(firsts))


def build_index(
    path: Path,
    sources: Sequence[Iterable[CodeRecord]],
    meta: dict[str, Any],
    extra_names: Sequence[Mapping[str, Sequence[str]]] = (),
    short_only: Sequence[AbstractSet[str]] = (),
) -> int:
    """Write a new index file at ``path`` (written aside, then renamed); returns its items."""
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        con = sqlite3.connect(aside)
        try:
            con.execute("PRAGMA journal_mode = OFF")
            con.execute("PRAGMA synchronous = OFF")
            con.execute("PRAGMA page_size = 4096")
            count = fill(con, sources, meta, extra_names, short_only)
            con.commit()
        finally:
            con.close()
        os.replace(aside, path)
    finally:
        with contextlib.suppress(OSError):
            aside.unlink()
    return count
