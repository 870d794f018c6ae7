"""Why a hit matched: the name it was found by (its description, an inclusion term, a
heading's title, a short description or index term) and where the query's words sit in it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from codekit._search._text import fold, stem

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from codekit._search._plan import Group

__all__ = ["Forms", "Reason", "Wording", "explain", "word_forms"]

#: The words a name may show for a query: (whole words, prefixes).
Forms = tuple[frozenset[str], tuple[str, ...]]

_WORD = re.compile(r"[^\W_]+")


def word_forms(groups: Sequence[Group], corrections: Mapping[str, Sequence[str]]) -> Forms:
    """The words a name may show for the query: (whole words, prefixes).

    Each word of each alternative (typed words, abbreviations' and lay terms' wordings) is
    a prefix when its group is, and its stem always is; corrections are whole words.
    """
    whole: set[str] = set()
    prefixes: set[str] = set()
    for group in groups:
        for wording in group.alternatives:
            for word in wording:
                (prefixes if group.prefix else whole).add(word)
                root = stem(word)
                if root != word:
                    prefixes.add(root)
    for fixed in corrections.values():
        whole.update(fixed)
    return frozenset(whole), tuple(sorted(prefixes))


def explain(
    text: str, forms: tuple[frozenset[str], tuple[str, ...]]
) -> tuple[str, tuple[int, int]]:
    """The line of ``text`` that shows most query words, and the span from the first of
    them to the last (``(0, 0)`` when none shows: a match through the index's other text).
    """
    whole, prefixes = forms
    best: tuple[int, str, tuple[int, int]] = (-1, text, (0, 0))
    for line in text.split("\n") if "\n" in text else (text,):
        shown = 0
        first = last = (0, 0)
        for match in _WORD.finditer(line):
            word = fold(match.group())
            if word in whole or word.startswith(prefixes):
                if not shown:
                    first = match.span()
                last = match.span()
                shown += 1
        if shown > best[0]:
            best = (shown, line, (first[0], last[1]) if shown else (0, 0))
    return best[1], best[2]


class Wording:
    """The words the hits of one query may show (see :func:`word_forms`), worked out when
    the first of its hits is explained: most searches (keystrokes) never ask."""

    __slots__ = ("_corrections", "_forms", "_groups")

    def __init__(self, groups: Sequence[Group], corrections: Mapping[str, Sequence[str]]) -> None:
        self._groups = groups
        self._corrections = corrections
        self._forms: Forms | None = None

    @property
    def forms(self) -> Forms:
        if self._forms is None:
            self._forms = word_forms(self._groups, self._corrections)
        return self._forms


class Reason:
    """Why a hit matched, worked out when first asked (see :func:`explain`)."""

    __slots__ = ("_done", "text", "wording")

    def __init__(self, text: str, wording: Wording) -> None:
        self.text = text
        self.wording = wording
        self._done: tuple[str, tuple[int, int]] | None = None

    def result(self) -> tuple[str, tuple[int, int]]:
        """(the line of the name that shows the query's words, their span)."""
        if self._done is None:
            self._done = explain(self.text, self.wording.forms)
        return self._done
