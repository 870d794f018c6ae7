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
from typing import TYPE_CHECKING, Any

from codekit import _registry
from codekit._dates import to_date
from codekit._search._codes import code_rows, code_span
from codekit._search._explain import Wording
from codekit._search._heads import (
    DOC_COLUMNS,
    HEAD,
    MAX_HEAD_WORDS,
    Row,
    head_rows,
    plain_words,
    toward_intent,
)
from codekit._search._index import cached, index_for, opened, prune_stale
from codekit._search._index import forget as forget_indexes
from codekit._search._limits import (
    MAX_LIMIT,
    MAX_OFFSET,
    check_count,
    check_query,
    code_set_names,
)
from codekit._search._names import OTHER_TEXT
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
from codekit._search._text import looks_like_code, word_texts
from codekit.exceptions import InvalidQueryError

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from codekit._registry import Registry, Release

__all__ = ["default_releases", "forget", "run_search", "search", "selected_indexes"]

DateArg = dt.date | str | None

#: How many "all words but one" passes a query may run (dropping each of its last words).
_MAX_DROPS = 8


# Every cache here is the registry's (Registry.memo): a rebuilt registry (a pack installed or
# removed, a plugin added) starts with none, so no answer outlives the data it came from.
_ANSWERS = ("search answers",)  # (text, code sets, limit, billable, day, offset) -> results
_SELECTED = ("search selected",)  # (code sets, day, indexes opened) -> the views searched
_PRUNED = ("search index files pruned",)  # the stale index files deleted at the first search
#: Recent answers kept (a user going back and forth over a word asks the same again), and
#: the (code sets, day) questions whose views are kept; past either, all are dropped.
_ANSWERS_MAX = 4096
_SELECTED_MAX = 256


def selected_indexes(
    code_sets: str | Iterable[str] | None, day: dt.date | None, registry: Registry | None = None
) -> list[View]:
    """The index to search for the release of each code set in force on ``day`` (or the newest).

    All code sets share one index (one ranking): the index of every code set's release is
    used, filtered, when it exists; otherwise an index of exactly the releases asked for is
    built (and the full one on the first search of every code set).
    """
    names = code_set_names(code_sets)
    if registry is None:
        registry = _registry.current()
    selected: dict[tuple[Any, ...], list[View]] = registry.memo(_SELECTED, dict)
    key = (names, day, opened())
    found = selected.get(key)
    if found is None:
        registry.memo(_PRUNED, lambda: prune_stale(registry))
        if len(selected) >= _SELECTED_MAX:
            selected.clear()
        found = selected[key] = _select(registry, names, day)
    return found


def forget() -> None:
    """Drop every answer, compiled query and word check remembered so far (the indexes stay
    open): the next searches run as the first ones of a process would."""
    registry = _registry.current()
    registry.memo(_ANSWERS, dict).clear()
    _compile.cache_clear()
    selected: dict[tuple[Any, ...], list[View]] = registry.memo(_SELECTED, dict)
    for views in list(selected.values()):
        for view in views:
            view.unknown.clear()
    forget_indexes()


def default_releases(day: dt.date | None, registry: Registry | None = None) -> list[Release]:
    """The release of every code set with data in force on ``day`` (retired ones only when
    ``day`` falls in their period)."""
    if registry is None:
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


def _select(registry: Registry, names: tuple[str, ...] | None, day: dt.date | None) -> list[View]:
    everything = default_releases(day, registry)
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


def _filters(billable_only: bool, day: dt.date | None) -> tuple[str, list[Any]]:
    sql, params = "", []
    if billable_only:
        sql += " AND d.billable = 1"
    if day is not None:
        iso = day.isoformat()
        sql += ' AND (d.start IS NULL OR d.start <= ?) AND (d."end" IS NULL OR d."end" >= ?)'
        params += [iso, iso]
    return sql, params


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
) -> list[Row]:
    """Text matches, best first, level by level over every index: all words in a name, then
    all words anywhere, then all words but one (the last typed first). A level runs only
    when the levels above found too little. Within a level, the index order."""
    typed = tuple(g.typed for g in groups)
    planned = [(plan, _passes(plan, typed)) for plan in plans]
    rows: list[Row] = []
    if len(groups) <= MAX_HEAD_WORDS:
        for plan in plans:
            rows.extend(head_rows(plan, groups, want, filters, seen))
    for level in (0, 2):
        if len(rows) >= want:
            break
        for plan, passes in planned:
            chosen = [p for p in passes if p[0] == level]
            if chosen:
                rows.extend(_run_passes(plan.index, chosen, want, filters, seen))
    rows = toward_intent(plans, groups, rows)
    rows.sort(key=lambda r: r.order)
    return rows[:want]


def _run_passes(
    index: View,
    passes: Sequence[tuple[int, str, float, tuple[str, ...]]],
    want: int,
    filters: tuple[str, list[Any]],
    seen: set[tuple[str, int]],
) -> list[Row]:
    rows: list[Row] = []
    label = index.label
    sql = (
        f"SELECT {DOC_COLUMNS}, n.size, n.id, n.term FROM fts JOIN names n ON n.id = fts.rowid"
        f" JOIN docs d ON d.id = n.doc WHERE fts MATCH ?{filters[0]}"
        " ORDER BY fts.rowid LIMIT ?"
    )
    for pass_level, expression, share, matched in passes:
        if len(rows) >= want:
            break
        found = index.query(sql, [f"({expression}){index.fts_filter}", *filters[1], want + 4])
        plain = plain_words(matched) if pass_level == 0 else None
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
            if level == 0 and doc[3] and size == plain:
                # A name of the typed words only, in any order: the Index's "Puncture,
                # lumbar" for "lumbar puncture" is a name whose head term is the query
                # (of a billable code: a heading lends its names to its default code).
                score = HEAD
            rows.append(Row(score, (1, -score, doc[7]), index, doc, matched, doc[8]))
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
    check_query(text)
    check_count(limit, "limit", 1, MAX_LIMIT)
    check_count(offset, "offset", 0, MAX_OFFSET)
    day = to_date(as_of, "as_of") if as_of is not None else None
    names = code_set_names(code_sets)
    key = (text, names, limit, bool(billable_only), day, offset)
    registry = _registry.current()
    # Recent answers, the registry's (results are immutable; a new registry has none).
    answers: dict[tuple[Any, ...], SearchResults] = registry.memo(_ANSWERS, dict)
    found = answers.get(key)
    if found is None:
        found = run_search(key, registry)
        if len(answers) >= _ANSWERS_MAX:
            answers.clear()
        answers[key] = found
    return found


def run_search(key: tuple[Any, ...], registry: Registry | None = None) -> SearchResults:
    """The search itself, for ``(text, code_sets, limit, billable_only, day, offset)``."""
    text, code_sets, limit, billable_only, day, offset = key
    indexes = selected_indexes(code_sets, day, registry)
    want = offset + limit + 1
    filters = _filters(billable_only, day)
    rows: list[Row] = []
    code = looks_like_code(text)
    if code is not None and tuple(word_texts(text)) not in expansions():
        rows = code_rows(indexes, code, want, filters, text.strip())
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
        doc = r.doc
        reason = None
        if r.order[0] == 0:  # a code match
            term, span = doc[1], code_span(doc[1], code or "")
        else:
            term, span, reason = r.term or doc[4], (0, 0), wording
        code_set, release = r.source.names[doc[5]]
        hits.append(
            SearchHit(
                code=doc[1],
                code_set=code_set,
                description=doc[4],
                score=r.score,
                matched=r.matched,
                term=term,
                term_span=span,
                reason=reason,
                kind=doc[2],
                billable=bool(doc[3]),
                release=release,
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
