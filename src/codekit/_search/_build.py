"""Writing a search index file: its layout, the static rank of its names, and the prior.

Layout of an index file:

* ``docs``: one row per item (release number, code, compact code, kind, billable,
  description, validity dates); ``docs_ccode`` answers code prefixes.
* ``names``: one row per name of an item: its description and each inclusion term
  (``"High blood pressure"`` is a name of I10), then one row of its other text (short
  description, index terms) ranked after every name. ``term`` keeps the text of a name that
  is not the item's own description, so that a hit can show what it matched. Row ids follow
  a static rank (see :func:`_add_names`). FTS5 returns matches in row-id order, so the first page
  of an all-words query comes straight off the index without scoring every match, and an
  item is found first by its shortest matching name, as BM25's length normalisation would
  have it.
* ``fts``: a contentless FTS5 table, one row per name: ``title`` (the name), ``terms`` (the
  other text) and ``cs`` (a token naming the release), with prefix indexes for prefixes of
  two to six characters (every word of two letters or more may be a prefix; a word of one
  letter is searched as itself).
* ``heads``: for each word, how many items of each release have a name starting with it
  (the code set whose items a query's word names, see ``_engine``).
* ``vocab``: every word of the index with its document frequency (read into memory to check
  prefixes, expand long ones and find corrections), ``spell``: the deletion neighbourhood of
  every word of five letters or more (a misspelt word and its correction share a deletion).

**The prior for generic queries.** A heading that may not be reported (a category such as
E11 "Type 2 diabetes mellitus", or a subcategory) lends each of its names to its *default
code*: the billable code below it that a coder reports when nothing more is known, found
from the hierarchy and the wording (:mod:`codekit._search._prior`). The lent name ranks just before
the heading's own, so "type 2 diabetes" gives E11.9 before E11, and no heading ranks above
its own default code.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import uuid
from typing import TYPE_CHECKING, Any

import attrs

from codekit._codesets.spec import kind_rank
from codekit._normalize import compact_key
from codekit._search._prior import default_codes
from codekit._search._text import STOPWORDS

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from collections.abc import Set as AbstractSet
    from pathlib import Path

    from codekit.plugins import CodeRecord

__all__ = [
    "INDEXED_NOTES",
    "INDEX_VERSION",
    "OTHER_TEXT",
    "build_index",
    "counted_words",
    "deletions",
    "fill",
    "set_token",
    "terms",
]

#: Bumped whenever the layout or the text that is indexed changes (old files are rebuilt).
INDEX_VERSION = 16

#: Note kinds whose texts name the item itself (never excludes or "code first" notes).
INDEXED_NOTES = ("inclusion_term", "includes", "index_term", "synonym")
#: Of those, the kinds that are names of the item on their own (indexed as separate names):
#: a coders' index term names its code as an inclusion term does ("Colonoscopy", 0DJD8ZZ).
_NAME_NOTES = ("inclusion_term", "includes", "index_term")
#: The others: more text of the item, not names of their own.
_OTHER_NOTES = tuple(kind for kind in INDEXED_NOTES if kind not in _NAME_NOTES)

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
#: The ``size`` of rows of other text (short descriptions) is this plus the description's.
OTHER_TEXT = 10000
_UNCOUNTED = STOPWORDS | {"unspecified", "nos"}
_WORD = re.compile(r"[^\W_]+")
_NOT_SPECIFIED = re.compile(r"\b(?:site )?not specified\b", re.IGNORECASE)
_PARENTHESES = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
#: The 7th-character wording of ICD-10-CM injuries ("..., initial encounter for closed
#: fracture"): it tells encounters apart, not conditions, so it does not count.
_ENCOUNTER = re.compile(r",? (?:initial|subsequent) encounter\b.*$|,? sequela$", re.IGNORECASE)


def compact(code: str) -> str:
    """A code upper case, without dots or spaces (the ``ccode`` column)."""
    return compact_key(code)


def terms(record: CodeRecord) -> list[str]:
    """Every text of ``record`` that the index holds besides its description."""
    texts = []
    if record.short_description and record.short_description != record.description:
        texts.append(record.short_description)
    for kind in INDEXED_NOTES:
        texts.extend(record.notes.get(kind, ()))
    return texts


def counted_words(text: str, *, full: bool = False) -> list[str]:
    """The words of a name that count for ranking (see :func:`size`), lower case."""
    bare = text.lower()
    if "encounter" in bare or "sequela" in bare:
        bare = _ENCOUNTER.sub("", bare)
    if "specified" in bare:
        bare = _NOT_SPECIFIED.sub(" ", bare)
    if not full and ("(" in bare or "[" in bare):
        bare = _PARENTHESES.sub(" ", bare)
    return [w for w in _WORD.findall(bare) if w not in _UNCOUNTED]


def size(text: str, *, full: bool = False) -> int:
    """How many words of a name count for ranking.

    Not stop words, not "unspecified"/"NOS", not the 7th-character encounter wording, and
    (unless ``full``) not the words in parentheses, which ICD-10-CM uses for nonessential
    modifiers ("Essential (primary) hypertension").
    """
    return max(1, len(counted_words(text, full=full)))


def head_size(text: str) -> int:
    """The counted words of a name's head term: the words before its first comma
    ("Pneumonia, unspecified organism" has the head "Pneumonia", of one word)."""
    head = text.split(",", 1)[0]
    return max(1, len(counted_words(head)))


def _part_of_a_body_part(record: CodeRecord) -> int:
    """1 for an ICD-10-PCS Excision (root operation B: a portion of a body part), else 0.

    An index term shared by Excision and Resection codes ("Appendectomy": 0DBJ and 0DTJ)
    names the removal of the organ, which guideline B3.8 codes as Resection (all of a body
    part): among the names of one size, the Resection code comes first."""
    code = record.code
    return int(len(code) == 7 and code[0] == "0" and code[2] == "B" and code.isalnum())


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
    term and index term are names; its short description and synonyms are other text, in a
    row of their own (an empty name) that ranks after every name."""
    names = [(record.description, "")]
    notes = record.notes
    if notes:
        for kind in _NAME_NOTES:
            names.extend((term, "") for term in notes.get(kind, ()))
    extra = []
    if record.short_description and record.short_description != record.description:
        extra.append(record.short_description)
    if notes:
        for kind in _OTHER_NOTES:
            extra.extend(notes.get(kind, ()))
    if extra:
        names.append(("", "\n".join(extra)))
    return names


def set_token(cs: int) -> str:
    """The token marking the rows of the index's ``cs``-th release (its ``cs`` column)."""
    return f"zzcodeset{cs}"


_Rank = tuple[Any, ...]
_NameRow = tuple[_Rank, int, str, str, int, int, "str | None"]


class _Sizes(dict[str, tuple[int, int, int]]):
    """The counted words of names, each text measured once per build (headings lend their
    names to their default codes, and many codes share a description): for a name, its
    :func:`size`, its size with the words in parentheses, and its :func:`head_size`."""

    def __missing__(self, text: str) -> tuple[int, int, int]:
        # size() and size(full=True) in one pass: they differ only by the parentheses.
        bare = text.lower()
        if "encounter" in bare or "sequela" in bare:
            bare = _ENCOUNTER.sub("", bare)
        if "specified" in bare:
            bare = _NOT_SPECIFIED.sub(" ", bare)
        full = max(1, len([w for w in _WORD.findall(bare) if w not in _UNCOUNTED]))
        if "(" in bare or "[" in bare:
            bare = _PARENTHESES.sub(" ", bare)
            outer = max(1, len([w for w in _WORD.findall(bare) if w not in _UNCOUNTED]))
        else:
            outer = full
        head = head_size(text) if "," in text else outer
        found = self[text] = (outer, full, head)
        return found


class _Owner:
    """What the static rank of a name takes from the item it names (see
    :func:`_add_names`): worked out once per item rather than once per name."""

    __slots__ = ("described", "encounter", "heading", "part", "short", "unspecified")

    def __init__(
        self, record: CodeRecord, lent_to: CodeRecord | None, sizes: _Sizes, *, short_only: bool
    ) -> None:
        owner = lent_to or record
        # Known by a short descriptor only (no long title lent: see ``fill``).
        self.short = int(short_only)
        self.heading = (0 if owner.billable else 1, kind_rank(owner.kind))
        self.encounter = _encounter_rank(record.description)
        self.unspecified = 0 if "unspecified" in record.description.lower() else 1
        self.described = sizes[record.description][0]
        self.part = _part_of_a_body_part(record)


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
    names: list[_NameRow] = []
    sizes = _Sizes()
    docid = 0
    for cs, source in enumerate(sources):
        more = extra_names[cs] if cs < len(extra_names) else {}
        short = short_only[cs] if cs < len(short_only) else frozenset()
        records = [_with_terms(r, more.get(r.code, ())) for r in source] if more else list(source)
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
            _add_names(
                names, record, docid, docid, cs, sizes=sizes, short_only=record.code in short
            )
        for heading, default in default_codes(records).items():
            _add_names(
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


def head_words(names: Sequence[_NameRow]) -> list[tuple[str, int, int]]:
    """(word, release number, items) for every word that is the first counted word of a
    name of that many items of the release (the ``heads`` table): what a code set names its
    items by ("Walker, folding, ..." in HCPCS, "Replacement of ..." in ICD-10-PCS)."""
    seen: set[tuple[str, int, int]] = set()
    for _, docid, name, _, _, cs, _ in names:
        if name:
            first = _WORD.search(name.lower())
            if first is not None and first.group() not in _UNCOUNTED:
                seen.add((first.group(), cs, docid))
    counts: dict[tuple[str, int], int] = {}
    for word, cs, _ in seen:
        counts[word, cs] = counts.get((word, cs), 0) + 1
    return sorted((word, cs, n) for (word, cs), n in counts.items())


#: Names whose head term has up to this many counted words are listed in ``head_terms``.
HEAD_TERM_WORDS = 3


def add_head_terms(con: sqlite3.Connection, names: Sequence[_NameRow]) -> None:
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


def _with_terms(record: CodeRecord, names: Sequence[str]) -> CodeRecord:
    """``record`` with more names (as its inclusion terms)."""
    if not names:
        return record
    notes = dict(record.notes)
    notes["inclusion_term"] = (*notes.get("inclusion_term", ()), *names)
    return attrs.evolve(record, notes=notes)


def _add_names(
    names: list[_NameRow],
    record: CodeRecord,
    rankid: int,
    docid: int,
    cs: int,
    *,
    sizes: _Sizes,
    lent_to: CodeRecord | None = None,
    short_only: bool = False,
) -> None:
    """Append the name rows of ``record`` for the item ``docid`` (``record`` itself, or
    its default code ``lent_to`` that the heading ``record`` lends its names to).

    The static rank of a name (lower first): fewer counted words first (see :func:`size`),
    then an item with a long title before one known by a short descriptor only (in a
    release lent long titles, ``short_only``), then fewer words in its head term, then an
    item's own description before its inclusion terms (and of those, an ICD-10-PCS
    Resection before an Excision: :func:`_part_of_a_body_part`), initial encounters,
    "unspecified" items, billable codes before headings (a default code before the heading
    that lends it the name), shorter names.
    Other text ranks after every name, by the size of the description.
    """
    item = _Owner(record, lent_to, sizes, short_only=short_only)
    billable, kind = item.heading
    description = record.description
    for name, extra in _names(record):
        if not name:
            rank = (OTHER_TEXT + item.described, item.short, 0, 1, 0, item.encounter, 1,
                    billable, kind, 0, rankid)  # fmt: skip
            names.append((rank, docid, name, extra, item.described, cs, extra))
            continue
        bare, full, head = sizes[name]
        own = name == description
        rank = (bare, item.short, head, 0 if own else 1, 0 if own else item.part,
                item.encounter, item.unspecified, billable, kind, len(name), rankid)  # fmt: skip
        term = None if own and lent_to is None else name
        names.append((rank, docid, name, extra, full, cs, term))


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
