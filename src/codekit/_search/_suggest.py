"""Suggest: from a free-text case description to ranked codes with their evidence.

1. **Negation** (NegEx-style): a trigger (``no``, ``denies``, ``negative for``, ``without``,
   ``ruled out`` after the finding, ...) negates the words up to the end of its clause or to a
   word that ends the scope (``but``, ``however``, ``reports``, ...). Negated words are never
   evidence.
2. **Findings**: the remaining text is cut into phrases at punctuation and conjunctions; every
   run of up to six consecutive words of a phrase is searched as whole words (with stems,
   abbreviations, lay terms and typo corrections, as :func:`~codekit.search` does), longest
   runs first.
3. **Scoring**: a candidate scores ``k * k / n`` for a run of ``k`` words matching a name of
   ``n`` counted words (the run explains the code and the code's name is explained by the
   run), times 0.6 for non-billable headings; a heading is dropped when a billable code below
   it is suggested. The best code of each finding comes first, then the alternatives.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from typing import TYPE_CHECKING, Any, NamedTuple

from codekit._dates import to_date
from codekit._search._context import THERAPY_WORDING, therapy_spans
from codekit._search._engine import selected_indexes
from codekit._search._explain import Forms, word_forms
from codekit._search._limits import MAX_SUGGESTIONS, check_case_text, check_count
from codekit._search._names import OTHER_TEXT, counted_words
from codekit._search._plan import View, _Plan, compile_query, unknown_words
from codekit._search._results import Suggestion, Suggestions
from codekit._search._text import CASE_WORDS, STOPWORDS, Word, fold, words
from codekit.exceptions import InvalidQueryError

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence


__all__ = ["negated_spans", "suggest"]

DateArg = dt.date | str | None

_PRE_NEGATION = (
    r"no|not|denies|denied|deny|denying|without|never|none|neither|nor|"
    r"negative for|free of|absence of|absent|no evidence of|no sign of|no signs of|"
    r"no history of|no complaints? of|rules? out|ruled out for|r/o|unremarkable for|"
    r"resolved"
)
_POST_NEGATION = (
    r"(?:was|were|is|are|been)? ?(?:ruled out|negative|unlikely|absent|not present|not seen|"
    r"excluded|resolved|free)"
)
_PRE = re.compile(rf"\b(?:{_PRE_NEGATION})\b", re.IGNORECASE)
#: Triggers that negate the noun phrase after them ("no fever"), or a list of noun phrases
#: closed by a coordinator ("no fever, chills or cough"): a comma that starts no such list
#: ends their scope ("no fever, productive cough": the cough is there). Verbs ("denies")
#: take the whole list after them.
_DETERMINERS = frozenset(
    {"no", "not", "without", "never", "none", "neither", "nor", "free of", "absence of",
     "absent", "resolved"}
)  # fmt: skip
_LIST_CLOSER = re.compile(r"\b(?:or|nor|and)\b", re.IGNORECASE)
_POST = re.compile(rf"\b{_POST_NEGATION}\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[.;:!?\n]|\s-\s")
#: Where a finding negated after it ("... was ruled out") begins: after one of these.
_SEPARATORS = frozenset(",.;:!?\n")
_SCOPE_END = re.compile(
    r"\b(?:but|however|although|though|except|aside from|apart from|yet|presents?|presenting|"
    r"reports?|reporting|complains?|complaining|admits?|endorses?|positive for|who|which|"
    r"because|due to|secondary to)\b",
    re.IGNORECASE,
)
#: Phrases end at punctuation and at these words (one finding rarely spans them).
_PHRASE_BREAK = re.compile(
    r"[,.;:!?()\n]|\b(?:and|or|but|who|which|presents?|presenting|reports?|complains?|"
    r"since|after|before|then|also|status post|s/p)\b",
    re.IGNORECASE,
)
#: Words of a case text that name no finding.
_CASE_STOPWORDS = STOPWORDS | CASE_WORDS | {
    "presents", "presenting", "complains", "complaining", "reports", "reporting", "states",
    "male", "female", "man", "woman", "boy", "girl", "today", "ago", "days", "day", "weeks",
    "week", "months", "month", "noted", "seen", "here", "hx", "since", "visit",
    "mr", "mrs", "ms", "he", "she", "his", "her", "they", "their", "this", "that", "who",
    "also", "very", "some", "been", "had", "currently", "now", "recent", "recently",
    "evaluation", "follow", "up", "known", "likely", "probable", "suspected", "consistent",
    "diagnosed", "found", "clinic", "er", "ed", "admitted", "came", "comes", "brought",
    "about", "after", "before", "onset", "new", "old", "year", "years", "yo", "y", "aged",
    "age",
}  # fmt: skip
_AGE_UNITS = {"year", "years", "yo", "y", "month", "months", "day", "days", "week", "weeks"}
_MAX_RUN = 6
#: Longer words are no word of any index (the longest medical words have about 45 letters).
_MAX_WORD = 64
_PER_RUN = 8
_HEADING_FACTOR = 0.6
#: Code sets that name no diagnosis or procedure (suggested only when asked for).
_NOT_FINDINGS = frozenset({"modifier", "pos"})
#: A run whose best match names at least this share of its words explains its sub-runs.
_COVERING_FIT = 0.5
#: A code whose name the run explains less than this share of is not suggested from it.
_MIN_SHARE = 0.5
#: Where the head term of a name ends: "Pneumonia, unspecified organism", "Syncope and
#: collapse".
_HEAD_END = re.compile(r",| and ")
#: Case texts are prose: only words at least this long are corrected as typos (a shorter
#: word one edit from a medical word is mostly an English word: "jumps", not "mumps").
_MIN_CORRECTED = 7
#: A drug-therapy code found for the drug named after "on", "taking"...: its score.
_THERAPY_SCORE = 1.0


def negated_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of ``text`` that a negation covers (``"denies chest pain"``).

    Each boundary (clause ends, scope ends, commas) is found once, in one pass over the
    text; each trigger then finds its own by bisection, so the cost grows with the text.
    """
    clause_ends = [m.start() for m in _CLAUSE_END.finditer(text)]
    scope = [(m.start(), m.end()) for m in _SCOPE_END.finditer(text)]
    scope_starts = [start for start, _ in scope]
    scope_ends = [end for _, end in scope]
    separators = [i for i, c in enumerate(text) if c in _SEPARATORS]
    commas = [i for i in separators if text[i] == ","]
    closers = [m.start() for m in _LIST_CLOSER.finditer(text)]
    spans: list[tuple[int, int]] = []
    for match in _PRE.finditer(text):
        start = match.end()
        i = bisect.bisect_left(clause_ends, start)
        end = clause_ends[i] if i < len(clause_ends) else len(text)
        j = bisect.bisect_left(scope_starts, start)
        if j < len(scope) and scope_ends[j] <= end:
            end = scope_starts[j]
        if " ".join(match.group().lower().split()) in _DETERMINERS:
            end = _list_end(commas, closers, start, end)
        if end > start:
            spans.append((match.start(), end))
    for match in _POST.finditer(text):
        # "pneumonia was ruled out": from the start of the clause (or the last word that ends
        # a scope) to the trigger.
        i = bisect.bisect_left(separators, match.start())
        before = separators[i - 1] if i else -1
        j = bisect.bisect_right(scope_ends, match.start())
        last = scope[j - 1] if j else None
        begin = last[1] if last is not None and last[0] >= before + 1 else before + 1
        if match.start() > begin:
            spans.append((begin, match.end()))
    return _merge(spans)


def _list_end(commas: Sequence[int], closers: Sequence[int], start: int, end: int) -> int:
    """Where the scope of a determiner trigger ("no") that starts at ``start`` and may reach
    ``end`` ends: at its first comma, unless a coordinator after that comma closes a list
    ("no fever, chills or cough")."""
    c = bisect.bisect_left(commas, start)
    if c == len(commas) or commas[c] >= end:
        return end
    k = bisect.bisect_left(closers, commas[c])
    return end if k < len(closers) and closers[k] < end else commas[c]


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _phrases(text: str, negated: Sequence[tuple[int, int]]) -> list[list[Word]]:
    """Runs of content words outside negations, cut at punctuation and conjunctions."""
    breaks = sorted({m.start() for m in _PHRASE_BREAK.finditer(text)} | {s for s, _ in negated})
    found = words(text)
    phrases: list[list[Word]] = []
    current: list[Word] = []
    b = n = 0  # the next break, the first negated span not ending before this word
    for i, word in enumerate(found):
        while b < len(breaks) and breaks[b] < word.start:
            if current:
                phrases.append(current)
                current = []
            b += 1
        while n < len(negated) and negated[n][1] <= word.start:
            n += 1
        if n < len(negated) and negated[n][0] <= word.start:
            continue
        text_ = word.text
        if len(text_) > _MAX_WORD:
            if current:  # no index holds so long a word: it ends the phrase
                phrases.append(current)
                current = []
            continue
        following = found[i + 1].text if i + 1 < len(found) else ""
        if text_.isdigit() and (len(text_) > 2 or following in _AGE_UNITS):
            continue  # an age or a count, not a finding
        if text_ in _CASE_STOPWORDS:
            continue
        current.append(word)
    if current:
        phrases.append(current)
    return phrases


class _Candidate(NamedTuple):
    score: float
    run: tuple[int, int]
    source: View
    doc: tuple[Any, ...]
    matched: tuple[str, ...]


def _search_run(
    indexes: Sequence[View], phrase: str, day: dt.date | None
) -> list[tuple[View, tuple[Any, ...]]]:
    groups = compile_query(phrase, prefix=False)
    if not groups:
        return []
    unknown = frozenset(w for w in unknown_words(groups, indexes) if len(w) >= _MIN_CORRECTED)
    single = len(groups) == 1 and " " not in groups[0].typed
    forms = word_forms(groups, {}) if single else None
    found: list[tuple[View, tuple[Any, ...]]] = []
    for view in indexes:
        plan = _Plan(view, groups, unknown)
        if not plan.parts or not all(plan.parts):
            continue
        expression = " AND ".join(p for p in plan.parts if p is not None)
        sql = (
            "SELECT d.id, d.code, d.kind, d.billable, d.description, n.size + n.full,"
            ' n.id, d.cs, d.start, d."end", n.term'
            " FROM fts JOIN names n ON n.id = fts.rowid JOIN docs d ON d.id = n.doc"
            " WHERE fts MATCH ? ORDER BY fts.rowid LIMIT ?"
        )
        for row in view.query(sql, [f"({expression}){view.fts_filter}", _PER_RUN * 3]):
            if day is not None and not _valid_on(row[8], row[9], day):
                continue
            if forms is not None and not _names_head(row[10] or row[4], forms):
                continue  # one word that is not what the name is about ("Bitten by dog")
            if single and len(counted_words(_HEAD_END.split(row[10] or row[4], 1)[0])) > 1:
                continue  # one word of a head term of more ("back" of "Back pain NOS")
            doc = tuple(row[:8])
            if doc[5] >= 2 * OTHER_TEXT:  # a short description: as long as the description
                doc = (*doc[:5], doc[5] - OTHER_TEXT, *doc[6:])
            found.append((view, doc))
    return found


def _names_head(name: str, forms: Forms) -> bool:
    """Whether the first counted word of ``name`` (its head noun in ICD-10-CM's "Head,
    modifier" titles) is one of the query's word forms."""
    counted = counted_words(name)
    if not counted:
        return False
    whole, prefixes = forms
    head = fold(counted[0])
    return head in whole or head.startswith(prefixes)


def _valid_on(start: str | None, end: str | None, day: dt.date) -> bool:
    iso = day.isoformat()
    return (start is None or start <= iso) and (end is None or end >= iso)


def suggest(
    case_text: str,
    *,
    code_sets: str | Iterable[str] | None = None,
    limit: int = 10,
    as_of: DateArg = None,
) -> Suggestions:
    """Codes suggested for a free-text case description, best first, with their evidence.

    Negated findings ("no fever", "denies chest pain", "pneumonia was ruled out") are not
    suggested; billable, specific codes are preferred over headings and vague codes.

    :param case_text: the case description (a note, a discharge summary, a problem list).
    :param code_sets: one code set name or several (default: every code set with data).
    :param limit: how many suggestions.
    :param as_of: date of service: the release in force then, codes valid on that day.
    :returns: :class:`Suggestions` (iterate them; each has ``code``, ``evidence``, ``span``).
    """
    if not isinstance(case_text, str):
        raise InvalidQueryError(f"case text must be a string, not {type(case_text).__name__}")
    check_case_text(case_text)
    check_count(limit, "limit", 1, MAX_SUGGESTIONS)
    day = to_date(as_of, "as_of") if as_of is not None else None
    indexes = selected_indexes(code_sets, day)
    if code_sets is None:
        indexes = [view.without(_NOT_FINDINGS) for view in indexes]
    negated = negated_spans(case_text)
    best: dict[tuple[str, int], _Candidate] = {}
    therapy = _scan_therapy(case_text, negated, indexes, day, best)
    for phrase in _phrases(case_text, _merge([*negated, *therapy])):
        _scan_phrase(phrase, indexes, day, best)
    return Suggestions(
        text=case_text, items=tuple(_rank(case_text, best.values(), limit)), negated=tuple(negated)
    )


def _scan_therapy(
    text: str,
    negated: Sequence[tuple[int, int]],
    indexes: Sequence[View],
    day: dt.date | None,
    best: dict[tuple[str, int], _Candidate],
) -> list[tuple[int, int]]:
    """Drug-therapy codes for the drugs the text says the patient is on ("on insulin":
    Z79.4); returns the spans they explain, which are then no finding of their own."""
    spans = []
    for start, drug in therapy_spans(text):
        if any(a <= start < b for a, b in negated):
            continue
        for size in range(len(drug), 0, -1):
            run = drug[:size]
            if run[-1].text in STOPWORDS or run[-1].text in CASE_WORDS:
                continue
            phrase = " ".join([THERAPY_WORDING, *(w.text for w in run)])
            found = _search_run(indexes, phrase, day)
            if not found:
                continue
            index, doc = found[0]
            span = (start, run[-1].end)
            key = (index.label, doc[0])
            if key not in best or best[key].score < _THERAPY_SCORE:
                matched = tuple(w.text for w in run)
                best[key] = _Candidate(_THERAPY_SCORE, span, index, doc, matched)
            spans.append(span)
            break
    return spans


def _scan_phrase(
    phrase: Sequence[Word],
    indexes: Sequence[View],
    day: dt.date | None,
    best: dict[tuple[str, int], _Candidate],
) -> None:
    """Search the runs of a phrase, longest first, keeping each code's best candidate."""
    covered_until = -1
    for i in range(len(phrase)):
        for j in range(min(len(phrase), i + _MAX_RUN), i, -1):
            if j <= covered_until:
                break  # a longer run from an earlier word already explained these
            run = phrase[i:j]
            found = _search_run(indexes, " ".join(w.text for w in run), day)
            if not found:
                continue
            k = j - i
            fit = 0.0
            for index, doc in found:
                size = max(doc[5] / 2, 1)  # words in parentheses count half
                share = min(1.0, k / size)
                fit = max(fit, share)
                if share < _MIN_SHARE:
                    continue  # the run names a small part of the code's name
                score = k * share
                if not doc[3]:
                    score *= _HEADING_FACTOR
                key = (index.label, doc[0])
                old = best.get(key)
                if old is None or score > old.score:
                    matched = tuple(w.text for w in run)
                    best[key] = _Candidate(score, (run[0].start, run[-1].end), index, doc, matched)
            if fit >= _COVERING_FIT:
                covered_until = max(covered_until, j)
                break


def _rank(text: str, candidates: Iterable[_Candidate], limit: int) -> list[Suggestion]:
    ordered = sorted(candidates, key=lambda c: (-c.score, c.doc[6], c.doc[1]))
    # Billable codes, in code order, per index: the codes below a heading follow it.
    billable = sorted({(c.source.label, c.doc[1].replace(".", "")) for c in ordered if c.doc[3]})

    def covered(c: _Candidate) -> bool:
        heading = (c.source.label, c.doc[1].replace(".", ""))
        i = bisect.bisect_left(billable, heading)
        return (
            i < len(billable)
            and billable[i][0] == heading[0]
            and (billable[i][1].startswith(heading[1]))
        )

    kept = [c for c in ordered if c.doc[3] or not covered(c)]
    # The best code of each finding (evidence span) first, then the alternatives.
    firsts: list[_Candidate] = []
    rest: list[_Candidate] = []
    spans: set[tuple[int, int]] = set()
    for c in kept:
        if c.run in spans:
            rest.append(c)
        else:
            spans.add(c.run)
            firsts.append(c)
    chosen = (firsts + rest)[:limit]
    return [
        Suggestion(
            code=c.doc[1],
            code_set=c.source.release(c.doc[7]).info.code_set,
            description=c.doc[4],
            score=round(c.score, 4),
            evidence=text[c.run[0] : c.run[1]],
            span=c.run,
            matched=c.matched,
            kind=c.doc[2],
            billable=bool(c.doc[3]),
            release=c.source.release(c.doc[7]).info.release,
        )
        for c in chosen
    ]
