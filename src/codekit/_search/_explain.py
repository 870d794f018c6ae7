"""Why a hit matched: the name it was found by (its description, an inclusion term, a
heading's title, a short description or index term) and where the query's words sit in it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codekit._search._text import stem, words

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from codekit._search._plan import Group

__all__ = ["explain", "word_forms"]


def word_forms(
    groups: Sequence[Group], corrections: Mapping[str, Sequence[str]]
) -> tuple[frozenset[str], frozenset[str]]:
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
    return frozenset(whole), frozenset(prefixes)


def explain(text: str, forms: tuple[frozenset[str], frozenset[str]]) -> tuple[str, tuple[int, int]]:
    """The line of ``text`` that shows most query words, and the span from the first of
    them to the last (``(0, 0)`` when none shows: a match through the index's other text).
    """
    whole, prefixes = forms
    best: tuple[int, str, tuple[int, int]] = (-1, text, (0, 0))
    for line in text.split("\n") if "\n" in text else (text,):
        shown = [
            w for w in words(line) if w.text in whole or any(w.text.startswith(p) for p in prefixes)
        ]
        if len(shown) > best[0]:
            span = (shown[0].start, shown[-1].end) if shown else (0, 0)
            best = (len(shown), line, span)
    return best[1], best[2]
