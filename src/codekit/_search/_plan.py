"""A query compiled for an index: its word groups (typed words, abbreviations and lay terms
from ``synonyms.json``) and the FTS5 expression of each group on one index, with prefixes,
stems and typo corrections (see :mod:`codekit._search._engine` for how they are searched).
"""

from __future__ import annotations

import json
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

import importlib_resources

from codekit._search._build import set_token
from codekit._search._reader import SearchIndex
from codekit._search._text import STOPWORDS, stem, word_texts, words

if TYPE_CHECKING:
    from collections.abc import Sequence

    from codekit._registry import Release

__all__ = ["Group", "View", "compile_query", "expansions", "unknown_words"]

_MAX_PHRASE = 6


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


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


#: FTS5 answers prefixes up to this length from its prefix indexes (see ``_index``).
_INDEXED_PREFIX = 6
#: A longer prefix with at most this many completions is searched as those words (FTS5 reads
#: them lazily, stopping at the first page; a prefix query merges every match up front).
_MAX_EXPANSION = 8
#: How many compiled word groups each index remembers.
_MEMO_SIZE = 8192


def _prefix_form(index: View, prefix: str) -> str:
    if len(prefix) > _INDEXED_PREFIX:
        words_ = index.completions(prefix, _MAX_EXPANSION)
        if 0 < len(words_) <= _MAX_EXPANSION:
            quoted = [_quote(w) for w in words_]
            return quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"
    return _quote(prefix) + "*"


#: How many words starting with a stem are checked for being forms of it.
_MAX_FORMS = 64


def _word_forms(index: View, root: str) -> list[str]:
    """The words of the index that are forms of the stem ``root`` (their own stem is it:
    "fracture", "fractured" for "fractur"; not "parkinsonism" for "park")."""
    return [w for w in index.completions(root, _MAX_FORMS) if stem(w) == root]


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
            if root != word:
                forms.extend(_quote(w) for w in _word_forms(index, root) if w != word)
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
        self.head_counts = index.head_counts
        self.head_firsts = index.head_firsts
        self.has_prefix = index.has_prefix
        self.completions = index.completions
        self.corrections = index.corrections
        self.query = index.query
        self.compiled = index.compiled
        self.head_memo = index.head_memo
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
