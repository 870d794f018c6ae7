"""Search: from what a user typed to ranked hits over one index of every code set.

A query is cut into words (stop words dropped). Known abbreviations and lay phrases
(``synonyms.json``) add their clinical wording as alternatives. Each word matches as a prefix,
and through its stem (``fractures`` also finds ``fracture``); a word of five letters or more
that no index knows is replaced by the index words one edit away. Every word (or one of its
alternatives) must match; when that finds too little, items matching some words follow.
A query shaped like a code (``E11.``, ``e119``, ``0DT``) lists the codes it starts first.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

import importlib_resources

from codekit import _registry
from codekit._dates import to_date
from codekit._search._index import OTHER_TEXT, SearchIndex, cached, index_for, set_token
from codekit._search._results import SearchHit, SearchResults
from codekit._search._text import STOPWORDS, looks_like_code, stem, word_texts, words
from codekit.exceptions import InvalidQueryError

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from codekit._registry import Release

__all__ = [
    "MAX_LIMIT",
    "MAX_OFFSET",
    "MAX_QUERY_LENGTH",
    "RETIRED",
    "Group",
    "View",
    "check_count",
    "code_set_names",
    "compile_query",
    "default_releases",
    "expansions",
    "forget",
    "run_search",
    "search",
    "selected_indexes",
    "unknown_words",
]

DateArg = dt.date | str | None

_CODE_EXACT, _CODE_PREFIX = 100.0, 50.0
#: Code sets replaced long ago (ICD-9, replaced by ICD-10 on 2015-10-01): searched only when
#: named in ``code_sets=`` or when ``as_of`` falls in their period.
RETIRED = frozenset({"icd9cm", "icd9pcs"})
_MAX_PHRASE = 6

#: The longest query :func:`search` reads, in characters (a search box, not a document:
#: :func:`~codekit.suggest` reads case texts).
MAX_QUERY_LENGTH = 1_000
#: The most hits of one page, and the furthest page start.
MAX_LIMIT = 10_000
MAX_OFFSET = 100_000


class Group(NamedTuple):
    """One word (or phrase) of the query and the ways it may match.

    ``alternatives`` are word sequences: the typed words themselves first, then clinical
    wordings from the synonym table. A word matches as a prefix when ``prefix`` is true.
    """

    typed: str
    alternatives: tuple[tuple[str, ...], ...]
    prefix: bool
    abbreviation: bool


@cache
def expansions() -> dict[tuple[str, ...], tuple[tuple[str, ...], bool]]:
    """The synonym table: typed words -> (alternative wordings, is an abbreviation)."""
    raw = json.loads(
        importlib_resources.files("codekit._search").joinpath("synonyms.json").read_text("utf-8")
    )
    table: dict[tuple[str, ...], tuple[tuple[str, ...], bool]] = {}
    for section, is_abbreviation in (("abbreviations", True), ("synonyms", False)):
        for key, values in raw[section].items():
            typed = tuple(w.text for w in words(key))
            table[typed] = (tuple(values), is_abbreviation)
    return table


@cache
def _alternatives() -> dict[tuple[str, ...], tuple[tuple[tuple[str, ...], ...], bool]]:
    """The synonym table tokenised once: typed words -> (the typed words, then each clinical
    wording without stop words; is an abbreviation)."""
    table: dict[tuple[str, ...], tuple[tuple[tuple[str, ...], ...], bool]] = {}
    for phrase, (values, abbreviation) in expansions().items():
        alternatives = [phrase]
        for value in values:
            wording = tuple(w.text for w in words(value) if w.text not in STOPWORDS)
            if wording and wording not in alternatives:
                alternatives.append(wording)
        table[phrase] = (tuple(alternatives), abbreviation)
    return table


def compile_query(text: str, *, prefix: bool = True) -> list[Group]:
    """The word groups of a query (stop words dropped unless nothing else is left).

    With ``prefix`` every typed word may be the start of a longer word.
    """
    return list(_compile(text, prefix))


@lru_cache(maxsize=4096)
def _compile(text: str, prefix: bool) -> tuple[Group, ...]:
    found = word_texts(text)
    kept = [w for w in found if w not in STOPWORDS] or found
    table = _alternatives()
    groups: list[Group] = []
    i = 0
    while i < len(kept):
        for size in range(min(_MAX_PHRASE, len(kept) - i), 0, -1):
            phrase = tuple(kept[i : i + size])
            entry = table.get(phrase)
            if entry is None:
                continue
            alternatives, abbreviation = entry
            groups.append(Group(" ".join(phrase), alternatives, prefix, abbreviation))
            i += size
            break
        else:
            word = kept[i]
            groups.append(Group(word, ((word,),), prefix, False))
            i += 1
    return tuple(groups)


def code_set_names(code_sets: object) -> tuple[str, ...] | None:
    """The code set names of a ``code_sets=`` argument: ``None`` (every code set), one name,
    or an iterable of names. Anything else raises :class:`InvalidQueryError`."""
    if code_sets is None:
        return None
    if isinstance(code_sets, str):
        return (code_sets,)
    if isinstance(code_sets, bytes | bytearray | dict) or not hasattr(code_sets, "__iter__"):
        raise InvalidQueryError(
            f"code_sets must be a code set name or a list of names, not {_shown(code_sets)}"
        )
    try:
        names = tuple(code_sets)
    except Exception as error:  # an iterable may fail while iterated
        raise InvalidQueryError(f"code_sets could not be read: {error}") from error
    if not all(isinstance(n, str) for n in names):
        raise InvalidQueryError(
            "code_sets must name code sets, like code_sets=['icd10cm', 'hcpcs'], not "
            f"{_shown(code_sets)}"
        )
    return names


def check_count(value: object, name: str, low: int, high: int) -> None:
    """Raise :class:`InvalidQueryError` unless ``value`` is an int from ``low`` to ``high``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidQueryError(f"{name} must be an integer, not {_shown(value)}")
    if not low <= value <= high:
        raise InvalidQueryError(
            f"{name} must be at least {low:,} and at most {high:,}, not {_shown(value)}"
        )


def _shown(value: object) -> str:
    """A short form of a bad argument for a message (a huge number or text is cut)."""
    try:
        text = repr(value)
    except Exception:  # any object may be passed, and its repr may fail
        text = f"a {type(value).__name__}"
    return text if len(text) <= 40 else text[:37] + "..."


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


#: FTS5 answers prefixes up to this length from its prefix indexes (see ``_index``).
_INDEXED_PREFIX = 6
#: A longer prefix with at most this many completions is searched as those words (FTS5 reads
#: them lazily, stopping at the first page; a prefix query merges every match up front).
_MAX_EXPANSION = 8
#: How many compiled word groups each index remembers.
_MEMO_SIZE = 8192
#: How many "all words but one" passes a query may run (dropping each of its last words).
_MAX_DROPS = 8


def _prefix_form(index: View, prefix: str) -> str:
    if len(prefix) > _INDEXED_PREFIX:
        words_ = index.completions(prefix, _MAX_EXPANSION)
        if 0 < len(words_) <= _MAX_EXPANSION:
            quoted = [_quote(w) for w in words_]
            return quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"
    return _quote(prefix) + "*"


class _Plan:
    """A query compiled for one index: an FTS5 expression per group (or None)."""

    def __init__(
        self, index: View, groups: Sequence[Group], unknown: frozenset[str] = frozenset()
    ) -> None:
        self.index = index
        self.unknown = unknown
        self.corrections: dict[str, tuple[str, ...]] = {}
        self.parts: list[str | None] = [self._cached_group(g) for g in groups]

    def _cached_group(self, group: Group) -> str | None:
        # A group compiles the same way every time on the same index (which never changes),
        # given which of its typed words are unknown: keystrokes repeat the words before.
        typos = tuple(w for w in group.alternatives[0] if w in self.unknown)
        memo = self.index.compiled
        key = (group, typos)
        found = memo.get(key)
        if found is None:
            outer, self.corrections = self.corrections, {}
            part = self._group(group)
            found = (part, tuple(self.corrections.items()))
            self.corrections = outer
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            memo[key] = found
        self.corrections.update(found[1])
        return found[0]

    def _forms(self, word: str, prefix: bool) -> list[str]:
        index = self.index
        if len(word) == 1:
            return [_quote(word)] if index.has_word(word) else []
        root = stem(word)
        if not prefix:
            forms = [_quote(word)] if index.has_word(word) else []
            if root != word and index.has_prefix(root):
                forms.append(_prefix_form(index, root))
            return forms
        if root != word and index.has_prefix(root):
            if word.startswith(root):
                return [_prefix_form(index, root)]  # the stem's prefix covers the word's
            if index.has_prefix(word):
                return [_prefix_form(index, word), _prefix_form(index, root)]
            return [_prefix_form(index, root)]
        return [_prefix_form(index, word)] if index.has_prefix(word) else []

    def _alternative(self, wording: tuple[str, ...], prefix: bool, typed: bool) -> str | None:
        parts = []
        for word in wording:
            forms = self._forms(word, prefix)
            if typed and word in self.unknown:
                # Not a word of any index (nor the start of one): maybe a typo.
                fixed = tuple(self.index.corrections(word)[:3])
                if fixed:
                    self.corrections[word] = fixed
                    forms += [_quote(w) for w in fixed]
            if not forms:
                return None
            parts.append(forms[0] if len(forms) == 1 else "(" + " OR ".join(forms) + ")")
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"

    def _group(self, group: Group) -> str | None:
        options: list[str] = []
        for n, wording in enumerate(group.alternatives):
            typed = n == 0
            if typed and len(group.alternatives) > 1:
                # A phrase of the synonym table is searched as itself in whole words only
                # ("flu" is influenza, not "fluid").
                option = self._alternative(wording, prefix=False, typed=False)
            else:
                option = self._alternative(wording, prefix=group.prefix, typed=typed)
            if option is not None and option not in options:
                options.append(option)
        if not options:
            return None
        return options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")"


def unknown_words(groups: Sequence[Group], indexes: Sequence[View]) -> frozenset[str]:
    """Typed words of five letters or more that start no word of any index (typos?)."""
    candidates = [
        word
        for group in groups
        for word in group.alternatives[0]
        if len(word) >= 5 and word.isalpha()
    ]
    if not candidates or not indexes:
        return frozenset()
    memo = indexes[0].unknown
    key = (tuple(candidates), tuple(indexes[1:]))
    found = memo.get(key)
    if found is None:
        found = frozenset(
            word for word in candidates if not any(index.has_prefix(word) for index in indexes)
        )
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        memo[key] = found
    return found


class View:
    """An index seen through a filter on its code sets (``None``: all of them)."""

    def __init__(self, index: SearchIndex, sets: frozenset[int] | None) -> None:
        self.index = index
        self.sets = sets
        self.label = index.label
        #: (code set, release id) of the rows numbered 0, 1, ...
        self.names = [(r.info.code_set, r.info.release) for r in index.releases]
        self.has_word = index.has_word
        self.has_prefix = index.has_prefix
        self.completions = index.completions
        self.corrections = index.corrections
        self.query = index.query
        self.compiled = index.compiled
        #: Typed words found to start no word of this index (and of the others searched).
        self.unknown: dict[Any, frozenset[str]] = {}
        if sets is None:
            self.fts_filter = self.sql_filter = ""
        else:
            tokens = " OR ".join(_quote(set_token(cs)) for cs in sorted(sets))
            self.fts_filter = f" AND {{cs}} : ({tokens})"
            self.sql_filter = f" AND d.cs IN ({', '.join(str(cs) for cs in sorted(sets))})"

    def without(self, code_sets: frozenset[str]) -> View:
        """This view less the rows of some code sets."""
        kept = {
            cs
            for name, cs in self.index.sets.items()
            if name not in code_sets and (self.sets is None or cs in self.sets)
        }
        return View(self.index, frozenset(kept))

    def release(self, cs: int) -> Release:
        """The release of the rows numbered ``cs``."""
        return self.index.releases[cs]


_selected: dict[tuple[Any, ...], list[View]] = {}


def selected_indexes(code_sets: str | Iterable[str] | None, day: dt.date | None) -> list[View]:
    """The index to search for the release of each code set in force on ``day`` (or the newest).

    All code sets share one index (one ranking): the index of every code set's release is
    used, filtered, when it exists; otherwise an index of exactly the releases asked for is
    built (and the full one on the first search of every code set).
    """
    names = code_set_names(code_sets)
    key = (_registry.generation(), id(_registry.current()), names, day)
    found = _selected.get(key)
    if found is None:
        if len(_selected) > 256:
            _selected.clear()
        found = _selected[key] = _select(names, day)
    return found


def forget() -> None:
    """Drop every answer, compiled query and word check remembered so far (the indexes stay
    open): the next searches run as the first ones of a process would."""
    _recent.cache_clear()
    _compile.cache_clear()
    for views in list(_selected.values()):
        for view in views:
            view.unknown.clear()
            view.index.forget()


def default_releases(day: dt.date | None) -> list[Release]:
    """The release of every code set with data in force on ``day`` (retired ones only when
    ``day`` falls in their period)."""
    registry = _registry.current()
    chosen: list[Release] = []
    for spec in registry.specs():
        if not registry.releases(spec.name):
            continue
        try:
            release = registry.select(spec.name, as_of=day)
        except LookupError:
            continue
        if day is None and spec.name in RETIRED:
            continue
        chosen.append(release)
    return chosen


def _select(names: tuple[str, ...] | None, day: dt.date | None) -> list[View]:
    registry = _registry.current()
    everything = default_releases(day)
    if names is None:
        chosen = everything
    else:
        chosen = [registry.select(name, as_of=day) for name in dict.fromkeys(names)]
    if not chosen:
        return []
    if chosen != everything and all(r in everything for r in chosen):
        full = cached(everything)
        if full is not None:
            return [View(full, frozenset(full.sets[r.info.code_set] for r in chosen))]
    return [View(index_for(chosen), None)]


class _Row(NamedTuple):
    score: float
    order: tuple[Any, ...]
    source: View
    doc: tuple[Any, ...]
    matched: tuple[str, ...]


_DOC_COLUMNS = "d.id, d.code, d.kind, d.billable, d.description, d.cs"


def _filters(billable_only: bool, day: dt.date | None) -> tuple[str, list[Any]]:
    sql, params = "", []
    if billable_only:
        sql += " AND d.billable = 1"
    if day is not None:
        iso = day.isoformat()
        sql += ' AND (d.start IS NULL OR d.start <= ?) AND (d."end" IS NULL OR d."end" >= ?)'
        params += [iso, iso]
    return sql, params


def _code_rows(
    indexes: Sequence[View],
    prefix: str,
    want: int,
    filters: tuple[str, list[Any]],
    code: str,
) -> list[_Row]:
    rows: list[_Row] = []
    for view in indexes:
        found = view.query(
            f"SELECT {_DOC_COLUMNS}, d.ccode FROM docs d WHERE d.ccode >= ? AND d.ccode < ?"
            f"{view.sql_filter}{filters[0]} ORDER BY d.ccode, d.id LIMIT ?",
            [prefix, prefix + "\uffff", *filters[1], want],
        )
        for doc in found:
            exact = doc[6] == prefix
            rows.append(
                _Row(
                    _CODE_EXACT if exact else _CODE_PREFIX,
                    (0, doc[6], view.release(doc[5]).info.code_set, doc[0]),
                    view,
                    doc[:6],
                    (code,),
                )
            )
    rows.sort(key=lambda r: r.order)
    return rows[:want]


def _passes(plan: _Plan, typed: tuple[str, ...]) -> list[tuple[int, str, float, tuple[str, ...]]]:
    """A plan's passes: (level, FTS5 expression, share of the words, words matched)."""
    parts = plan.parts
    passes: list[tuple[int, str, float, tuple[str, ...]]] = []
    if parts and all(parts):
        # One pass finds names (level 0) and then other text (level 1): see OTHER_TEXT.
        passes.append((0, " AND ".join(p for p in parts if p is not None), 1.0, typed))
    present = [i for i, p in enumerate(parts) if p]
    if len(parts) > 1:
        # All words but one, the last typed first: at most _MAX_DROPS passes, so the work
        # grows with the number of words, not with its square.
        for drop in present[::-1][:_MAX_DROPS]:
            rest = [i for i in present if i != drop]
            if rest and len(rest) < len(parts):
                expression = " AND ".join(str(parts[i]) for i in rest)
                share = len(rest) / len(parts)
                passes.append((2, expression, share, tuple(typed[i] for i in rest)))
    return passes


def _text_rows(
    plans: Sequence[_Plan],
    groups: Sequence[Group],
    want: int,
    filters: tuple[str, list[Any]],
    seen: set[tuple[str, int]],
) -> list[_Row]:
    """Text matches, best first, level by level over every index: all words in a name, then
    all words anywhere, then all words but one (the last typed first). A level runs only
    when the levels above found too little. Within a level, the index order."""
    typed = tuple(g.typed for g in groups)
    planned = [(plan, _passes(plan, typed)) for plan in plans]
    rows: list[_Row] = []
    for level in (0, 2):
        if len(rows) >= want:
            break
        for plan, passes in planned:
            chosen = [p for p in passes if p[0] == level]
            if chosen:
                rows.extend(_run_passes(plan.index, chosen, want, filters, seen))
    rows.sort(key=lambda r: r.order)
    return rows[:want]


def _run_passes(
    index: View,
    passes: Sequence[tuple[int, str, float, tuple[str, ...]]],
    want: int,
    filters: tuple[str, list[Any]],
    seen: set[tuple[str, int]],
) -> list[_Row]:
    rows: list[_Row] = []
    label = index.label
    sql = (
        f"SELECT {_DOC_COLUMNS}, n.size, n.id FROM fts JOIN names n ON n.id = fts.rowid"
        f" JOIN docs d ON d.id = n.doc WHERE fts MATCH ?{filters[0]}"
        " ORDER BY fts.rowid LIMIT ?"
    )
    for pass_level, expression, share, matched in passes:
        if len(rows) >= want:
            break
        found = index.query(sql, [f"({expression}){index.fts_filter}", *filters[1], want + 4])
        for doc in found:
            key = (label, doc[0])
            if key in seen:
                continue
            seen.add(key)
            size = doc[6]
            level = pass_level
            if size >= OTHER_TEXT:
                level, size = max(level, 1), size - OTHER_TEXT
            score = (2 - level) * 10 + 10 * share / size if level < 2 else 10 * share / size
            rows.append(_Row(score, (1, -score, doc[7]), index, doc, matched))
            if len(rows) >= want:
                break
    return rows


def search(
    text: str,
    *,
    code_sets: str | Iterable[str] | None = None,
    limit: int = 10,
    billable_only: bool = False,
    as_of: DateArg = None,
    offset: int = 0,
) -> SearchResults:
    """Ranked codes for what a user typed: a code prefix, words, abbreviations, lay terms.

    :param text: ``"E11."``, ``"e119"``, ``"diab neuropath"``, ``"htn"``, ``"broken wrist"``.
    :param code_sets: one code set name or several (default: every code set with data).
    :param limit: how many hits per page.
    :param billable_only: only items that may be reported.
    :param as_of: date of service: searches the release in force then, and leaves out codes
        not valid on that day.
    :param offset: how many hits to skip (paging).
    :raises UnknownCodeSetError: an unknown name in ``code_sets``.
    :raises UnknownReleaseError: a named code set has no release in force on ``as_of``.
    """
    if not isinstance(text, str):
        raise InvalidQueryError(f"search text must be a string, not {type(text).__name__}")
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidQueryError(
            f"search text is {len(text):,} characters; a search reads at most "
            f"{MAX_QUERY_LENGTH:,}: search for fewer words, or use codekit.suggest for a case "
            "text"
        )
    check_count(limit, "limit", 1, MAX_LIMIT)
    check_count(offset, "offset", 0, MAX_OFFSET)
    day = to_date(as_of, "as_of") if as_of is not None else None
    names = code_set_names(code_sets)
    key = (text, names, limit, bool(billable_only), day, offset)
    return _recent(key, _registry.generation(), id(_registry.current()))


@lru_cache(maxsize=4096)
def _recent(key: tuple[Any, ...], generation: int, registry: int) -> SearchResults:
    """Recent answers (a user going back and forth over a word asks the same again).

    Results are immutable; ``generation`` and ``registry`` change when data change.
    """
    return run_search(key)


def run_search(key: tuple[Any, ...]) -> SearchResults:
    """The search itself, for ``(text, code_sets, limit, billable_only, day, offset)``."""
    text, code_sets, limit, billable_only, day, offset = key
    indexes = selected_indexes(code_sets, day)
    want = offset + limit + 1
    filters = _filters(billable_only, day)
    rows: list[_Row] = []
    code = looks_like_code(text)
    if code is not None and tuple(word_texts(text)) not in expansions():
        rows = _code_rows(indexes, code, want, filters, text.strip())
    groups = compile_query(text) if len(rows) < want else []
    unknown = unknown_words(groups, indexes)
    plans = [_Plan(index, groups, unknown) for index in indexes] if groups else []
    corrections: dict[str, tuple[str, ...]] = {}
    ignored: list[str] = []
    if plans:
        live = [any(p.parts[i] is not None for p in plans) for i in range(len(groups))]
        ignored = [g.typed for g, ok in zip(groups, live, strict=True) if not ok]
        if any(live) and not all(live):
            groups = [g for g, ok in zip(groups, live, strict=True) if ok]
            for plan in plans:
                plan.parts = [p for p, ok in zip(plan.parts, live, strict=True) if ok]
        for plan in plans:
            for word, fixed in plan.corrections.items():
                merged = corrections.get(word, ()) + tuple(
                    w for w in fixed if w not in corrections.get(word, ())
                )
                corrections[word] = merged
        seen = {(r.source.label, r.doc[0]) for r in rows}
        if len(rows) < want and any(live):
            rows.extend(_text_rows(plans, groups, want - len(rows), filters, seen))
    hits = tuple(
        SearchHit(
            code=r.doc[1],
            code_set=r.source.names[r.doc[5]][0],
            description=r.doc[4],
            score=r.score,
            matched=r.matched,
            kind=r.doc[2],
            billable=bool(r.doc[3]),
            release=r.source.names[r.doc[5]][1],
        )
        for r in rows[offset : offset + limit]
    )
    return SearchResults(
        query=text,
        hits=hits,
        offset=offset,
        limit=limit,
        has_more=len(rows) > offset + limit,
        corrections=corrections,
        ignored=tuple(ignored),
    )
