"""Ranking by head terms: a name whose head term is the query, and the code set whose
names a query's head noun starts (see :func:`head_rows`, :func:`toward_intent`; the
rest of the ranking is :mod:`codekit._search._engine`'s)."""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING, Any, NamedTuple

from codekit._search._build import HEAD_TERM_WORDS
from codekit._search._names import counted_words
from codekit._search._text import stem

__all__ = [
    "DOC_COLUMNS",
    "HEAD",
    "MAX_HEAD_WORDS",
    "Row",
    "head_rows",
    "plain_words",
    "toward_intent",
]

if TYPE_CHECKING:
    from collections.abc import Sequence

    from codekit._search._plan import Group, View, _Plan

#: The score of a name whose head term is the query (above any other text match).
HEAD = 35.0


class Row(NamedTuple):
    score: float
    order: tuple[Any, ...]
    source: View
    doc: tuple[Any, ...]
    matched: tuple[str, ...]
    #: The name the item matched by when it is not its description (or None).
    term: str | None = None


DOC_COLUMNS = "d.id, d.code, d.kind, d.billable, d.description, d.cs"


#: A word names the items of one code set when at least this share of the items whose name
#: starts with it (and this many) are of that code set.
_INTENT_SHARE, _INTENT_ITEMS = 0.9, 3
#: What a text match of the code set a query names gains (less than a level's 10).
_INTENT = 5.0
#: How many answers (a word's code set) an index remembers here.
_MEMO_SIZE = 8192


def toward_intent(plans: Sequence[_Plan], groups: Sequence[Group], rows: list[Row]) -> list[Row]:
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
        if intent is not None and row.doc[5] == intent and 10 <= row.score < HEAD:
            score = row.score + _INTENT
            out.append(row._replace(score=score, order=(row.order[0], -score, *row.order[2:])))
        else:
            out.append(row)
    return out


def _intent(view: View, groups: Sequence[Group]) -> int | None:
    """The release number of the code set the typed words name (see :func:`toward_intent`):
    that of the head noun of an English compound, the last word ("knee replacement")."""
    if not groups or not groups[-1].alternatives[0]:
        return None
    word = groups[-1].alternatives[0][-1]
    if len(word) < 4:
        return None
    # Keystrokes ask of the same last word again: its answer is remembered by the index
    # (which never changes), with the code sets the view searches.
    key = ("intent", view.sets, word)
    memo = view.head_memo
    if key in memo:
        found: int | None = memo[key]
        return found
    found = _word_intent(view, word)
    if len(memo) >= _MEMO_SIZE:
        memo.clear()
    memo[key] = found
    return found


def _word_intent(view: View, word: str) -> int | None:
    if not view.has_word(word):
        return None
    counts = [(cs, n) for cs, n in view.head_counts(word) if view.sets is None or cs in view.sets]
    total = sum(n for _, n in counts)
    found = {cs for cs, n in counts if n >= _INTENT_ITEMS and n >= _INTENT_SHARE * total}
    return found.pop() if len(found) == 1 else None


#: Queries of up to this many words are looked for as the head term of a name (the
#: ``head_terms`` table lists the names whose head term is that short).
MAX_HEAD_WORDS = HEAD_TERM_WORDS
#: How many names starting with the query's first word are read to find those whose head
#: term is the query (only for words typed whole, whose first word starts some name: the
#: pass costs a keystroke about half again).
_HEAD_ROWS = 16
_SIMPLE = re.compile(r'^\(?"[^"]+"\*?(?: OR "[^"]+"\*?)*\)?$')


def head_rows(
    plan: _Plan,
    groups: Sequence[Group],
    want: int,
    filters: tuple[str, list[Any]],
    seen: set[tuple[str, int]],
) -> list[Row]:
    """Names whose head term (the words before the first comma) is what was typed, first:
    "Walker, folding, wheeled, adjustable or fixed height" for "walker", as an index lists
    a main term before its modifiers ("Pneumonia, unspecified organism"); not "Late
    walker" (a milestone) nor "Seat attachment, walker" (an accessory)."""
    parts = plan.parts
    index = plan.index
    typed_words = [w for g in groups for w in g.alternatives[0]]
    if not all(index.has_word(w) for w in typed_words):
        return []  # a word still being typed
    if not index.head_counts(typed_words[0]):
        return []  # no name starts with the first word
    first = parts[0] if parts else None
    if first is None or not all(parts) or not _SIMPLE.match(first):
        return []
    exact = {w for g in groups for w in g.alternatives[0]}
    typed = [stem(w) for w in exact]
    if not _some_head_fits(index, len(groups), typed):
        return []  # no name of the index has such a head term: none to read
    tokens = first.strip("()").split(" OR ")
    head = "(" + " OR ".join(f"^{t}" for t in tokens) + ")"
    expression = " AND ".join([head, *(str(p) for p in parts[1:])])
    # The head term of each name comes with it (``name_heads``: None past three words).
    sql = (
        f"SELECT {DOC_COLUMNS}, n.size, n.id, n.term, h.words FROM fts"
        " JOIN names n ON n.id = fts.rowid JOIN docs d ON d.id = n.doc"
        f" LEFT JOIN name_heads h ON h.id = n.id WHERE fts MATCH ?{filters[0]}"
        " ORDER BY fts.rowid LIMIT ?"
    )
    found = index.query(
        sql, [f"{{title}} : ({expression}){index.fts_filter}", *filters[1], _HEAD_ROWS]
    )
    matched = tuple(g.typed for g in groups)
    spaces = len(groups) - 1
    best: dict[tuple[str, int], Row] = {}
    for doc in found:
        head = doc[9]
        if head is None or head.count(" ") != spaces:
            continue  # a head term of other length (other text has none)
        key = (index.label, doc[0])
        if key in seen:
            continue
        words = head.split(" ")
        if not all(_fits(w, typed) for w in words):
            continue
        # The words as typed before other forms of them ("Crutches, forearm" before
        # "Crutch, underarm" for "crutches").
        score = HEAD + (0.5 if all(w in exact for w in words) else 0.0)
        row = Row(score, (1, -score, doc[7]), index, doc, matched, doc[8])
        if key not in best or row.order < best[key].order:
            best[key] = row
    rows = sorted(best.values(), key=lambda r: r.order)[:want]
    seen.update((index.label, r.doc[0]) for r in rows)
    return rows


def _fits(word: str, typed: Sequence[str]) -> bool:
    """Whether a word of a head term is one of the typed words (their stems ``typed``)."""
    return any(word.startswith(t) or t.startswith(stem(word)) for t in typed)


def _some_head_fits(index: View, k: int, typed: Sequence[str]) -> bool:
    """Whether the index has a name whose head term has ``k`` counted words, the first of
    them one of the typed words (stems ``typed``): the condition :func:`head_rows` puts on
    every word of a head term, asked of its first word, from the ``head_terms`` table."""
    firsts, roots = index.head_firsts(k)
    for t in typed:
        i = bisect.bisect_left(firsts, t)
        if i < len(firsts) and firsts[i].startswith(t):
            return True  # a first word that starts with a typed word
        if any(t[:end] in roots for end in range(1, len(t) + 1)):
            return True  # one whose stem starts a typed word
    return False


def plain_words(typed: tuple[str, ...]) -> int:
    """How many counted words were typed (-1 when a phrase of the synonym table was, whose
    wordings have other lengths)."""
    if any(" " in t for t in typed):
        return -1
    return len(counted_words(" ".join(typed)))
