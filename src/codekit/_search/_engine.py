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
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from codekit import _registry
from codekit._dates import to_date
from codekit._search._build import OTHER_TEXT, counted_words
from codekit._search._explain import Reason, Wording
from codekit._search._index import cached, index_for
from codekit._search._limits import (
    MAX_LIMIT,
    MAX_OFFSET,
    check_count,
    check_query,
    code_set_names,
)
from codekit._search._plan import (
    Group,
    View,
    _compile,
    _Plan,
    compile_query,
    expansions,
    unknown_words,
)
from codekit._search._results import SearchHit, SearchResults
from codekit._search._text import looks_like_code, stem, word_texts
from codekit.exceptions import InvalidQueryError

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from codekit._registry import Release

__all__ = ["default_releases", "forget", "run_search", "search", "selected_indexes"]

DateArg = dt.date | str | None

_CODE_EXACT, _CODE_PREFIX = 100.0, 50.0
#: The score of a name whose head term is the query (above any other text match).
_HEAD = 35.0
#: Code sets replaced long ago (ICD-9, replaced by ICD-10 on 2015-10-01): searched only when
#: named in ``code_sets=`` or when ``as_of`` falls in their period.

#: How many "all words but one" passes a query may run (dropping each of its last words).
_MAX_DROPS = 8


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
        if day is None and spec.retired:
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
    return [View(index_for(chosen, full=chosen == everything), None)]


class _Row(NamedTuple):
    score: float
    order: tuple[Any, ...]
    source: View
    doc: tuple[Any, ...]
    matched: tuple[str, ...]
    #: The name the item matched by when it is not its description (or None).
    term: str | None = None


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
    """The codes a code-shaped query starts, exact match first, in code order.

    Only code sets whose shape fits the query are searched (a dot only where the code set
    writes one: ``E11.4`` is no HCPCS code); when the code exists in some of them, only
    those (``E114`` is ICD-10-CM's E11.4, not HCPCS E1140).
    """
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
    fitting = _shape_fits(code, {r.order[2] for r in rows})
    existing = {r.order[2] for r in rows if r.score == _CODE_EXACT and r.order[2] in fitting}
    rows = [r for r in rows if r.order[2] in (existing or fitting)]
    rows.sort(key=lambda r: r.order)
    return rows[:want]


def _shape_fits(typed: str, code_sets: set[str]) -> set[str]:
    """Of ``code_sets``, those whose codes may be written as ``typed`` (a dot only where
    the code set writes one; code sets with a parser of their own take any dot)."""
    dot = typed.strip().find(".")
    if dot < 0:
        return code_sets
    registry = _registry.current()
    fits = set()
    for name in code_sets:
        try:
            spec = registry.spec(name)
        except LookupError:
            continue
        if spec.parser is not None or spec.dot_after == dot:
            fits.add(name)
    return fits


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
    if len(groups) <= _MAX_HEAD_WORDS:
        for plan in plans:
            rows.extend(_head_rows(plan, groups, want, filters, seen))
    for level in (0, 2):
        if len(rows) >= want:
            break
        for plan, passes in planned:
            chosen = [p for p in passes if p[0] == level]
            if chosen:
                rows.extend(_run_passes(plan.index, chosen, want, filters, seen))
    rows = _toward_intent(plans, groups, rows)
    rows.sort(key=lambda r: r.order)
    return rows[:want]


#: A word names the items of one code set when at least this share of the items whose name
#: starts with it (and this many) are of that code set.
_INTENT_SHARE, _INTENT_ITEMS = 0.9, 3
#: What a text match of the code set a query names gains (less than a level's 10).
_INTENT = 5.0


def _toward_intent(plans: Sequence[_Plan], groups: Sequence[Group], rows: list[_Row]) -> list[_Row]:
    """Text matches of the code set whose items the query's words name first among the
    matches of all words: "replacement" starts the names of ICD-10-PCS procedures ("Replacement
    of Right Knee Joint ..."), not of diagnoses, so "knee replacement" is a procedure before
    "Presence of artificial knee joint". Found from the ``heads`` table: words that start
    names in several code sets name none."""
    intents = {plan.index.label: _intent(plan.index, groups) for plan in plans}
    if not any(v is not None for v in intents.values()):
        return rows
    out = []
    for row in rows:
        intent = intents.get(row.source.label)
        if intent is not None and row.doc[5] == intent and 10 <= row.score < _HEAD:
            score = row.score + _INTENT
            out.append(row._replace(score=score, order=(row.order[0], -score, *row.order[2:])))
        else:
            out.append(row)
    return out


def _intent(view: View, groups: Sequence[Group]) -> int | None:
    """The release number of the code set the typed words name (see :func:`_toward_intent`)."""
    found: set[int] = set()
    for group in groups[-1:]:  # the head noun of an English compound: "knee replacement"
        for word in group.alternatives[0][-1:]:
            if len(word) < 4 or not view.has_word(word):
                continue
            counts = [
                (cs, n)
                for cs, n in view.query("SELECT cs, n FROM heads WHERE word = ?", [word])
                if view.sets is None or cs in view.sets
            ]
            total = sum(n for _, n in counts)
            for cs, n in counts:
                if n >= _INTENT_ITEMS and n >= _INTENT_SHARE * total:
                    found.add(cs)
    return found.pop() if len(found) == 1 else None


#: Queries of up to this many words are looked for as the head term of a name.
_MAX_HEAD_WORDS = 3
#: How many names starting with the query's first word are read to find those whose head
#: term is the query.
_HEAD_ROWS = 48
_SIMPLE = re.compile(r'^\(?"[^"]+"\*?(?: OR "[^"]+"\*?)*\)?$')


def _head_rows(
    plan: _Plan,
    groups: Sequence[Group],
    want: int,
    filters: tuple[str, list[Any]],
    seen: set[tuple[str, int]],
) -> list[_Row]:
    """Names whose head term (the words before the first comma) is what was typed, first:
    "Walker, folding, wheeled, adjustable or fixed height" for "walker", as an index lists
    a main term before its modifiers ("Pneumonia, unspecified organism"); not "Late
    walker" (a milestone) nor "Seat attachment, walker" (an accessory)."""
    parts = plan.parts
    first = parts[0] if parts else None
    if first is None or not all(parts) or not _SIMPLE.match(first):
        return []
    tokens = first.strip("()").split(" OR ")
    head = "(" + " OR ".join(f"^{t}" for t in tokens) + ")"
    expression = " AND ".join([head, *(str(p) for p in parts[1:])])
    index = plan.index
    sql = (
        f"SELECT {_DOC_COLUMNS}, n.size, n.id, n.term FROM fts JOIN names n ON n.id = fts.rowid"
        f" JOIN docs d ON d.id = n.doc WHERE fts MATCH ?{filters[0]}"
        " ORDER BY fts.rowid LIMIT ?"
    )
    found = index.query(
        sql, [f"{{title}} : ({expression}){index.fts_filter}", *filters[1], _HEAD_ROWS]
    )
    exact = {w for g in groups for w in g.alternatives[0]}
    typed = [stem(w) for w in exact]
    matched = tuple(g.typed for g in groups)
    best: dict[tuple[str, int], _Row] = {}
    for doc in found:
        key = (index.label, doc[0])
        if key in seen or doc[6] >= OTHER_TEXT:
            continue
        name = doc[8] or doc[4]
        words = counted_words(name.split(",", 1)[0])
        if len(words) != len(groups) or not all(
            any(w.startswith(t) or t.startswith(stem(w)) for t in typed) for w in words
        ):
            continue
        # The words as typed before other forms of them ("Crutches, forearm" before
        # "Crutch, underarm" for "crutches").
        score = _HEAD + (0.5 if all(w in exact for w in words) else 0.0)
        row = _Row(score, (1, -score, doc[7]), index, doc, matched, doc[8])
        if key not in best or row.order < best[key].order:
            best[key] = row
    rows = sorted(best.values(), key=lambda r: r.order)[:want]
    seen.update((index.label, r.doc[0]) for r in rows)
    return rows


def _plain_words(typed: tuple[str, ...]) -> int:
    """How many counted words were typed (-1 when a phrase of the synonym table was, whose
    wordings have other lengths)."""
    if any(" " in t for t in typed):
        return -1
    return len(counted_words(" ".join(typed)))


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
        f"SELECT {_DOC_COLUMNS}, n.size, n.id, n.term FROM fts JOIN names n ON n.id = fts.rowid"
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
            if level == 0 and doc[3] and size == _plain_words(matched):
                # A name of the typed words only, in any order: the Index's "Puncture,
                # lumbar" for "lumbar puncture" is a name whose head term is the query
                # (of a billable code: a heading lends its names to its default code).
                score = _HEAD
            rows.append(_Row(score, (1, -score, doc[7]), index, doc, matched, doc[8]))
            if len(rows) >= want:
                break
    return rows


def _code_span(code: str, compact: str) -> tuple[int, int]:
    """The span of ``code`` that a code prefix typed (compactly) covers."""
    seen = end = 0
    for end, char in enumerate(code, start=1):  # noqa: B007 (end is the result)
        if char not in ". ":
            seen += 1
        if seen >= len(compact):
            break
    return (0, end if compact else 0)


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
    check_query(text)
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
    wording = Wording(groups, corrections)
    hits = []
    for r in rows[offset : offset + limit]:
        reason = None
        if r.order[0] == 0:  # a code match
            term, span = r.doc[1], _code_span(r.doc[1], code or "")
        else:
            term, span, reason = "", (0, 0), Reason(r.term or r.doc[4], wording)
        hits.append(
            SearchHit(
                code=r.doc[1],
                code_set=r.source.names[r.doc[5]][0],
                description=r.doc[4],
                score=r.score,
                matched=r.matched,
                term=term,
                term_span=span,
                reason=reason,
                kind=r.doc[2],
                billable=bool(r.doc[3]),
                release=r.source.names[r.doc[5]][1],
            )
        )
    return SearchResults(
        query=text,
        hits=tuple(hits),
        offset=offset,
        limit=limit,
        has_more=len(rows) > offset + limit,
        corrections=corrections,
        ignored=tuple(ignored),
    )
