"""Words: how text (descriptions, queries, case notes) is cut into words, the same way
SQLite's ``unicode61`` tokenizer cuts it (lower case, diacritics removed, split on anything
that is not a letter or a digit), and the light stemming used to match word forms.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

__all__ = [
    "CASE_WORDS",
    "STOPWORDS",
    "Word",
    "fold",
    "looks_like_code",
    "stem",
    "word_texts",
    "words",
]

_WORD = re.compile(r"[^\W_]+")

#: Words that carry no meaning on their own in a query; they are never searched.
STOPWORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in",
        "into", "is", "it", "its", "of", "on", "or", "the", "to", "was", "were", "with",
    }
)  # fmt: skip
#: Words a case text uses to describe the patient ("70 yo pt"), not a finding: ``suggest``
#: drops them, but a query searches them, as titles use them ("Old myocardial infarction",
#: "Patient lift, hydraulic ...").
CASE_WORDS = frozenset({"patient", "pt", "yo", "year", "years", "old"})

# Inflectional and derivational endings, longest first; stripping one leaves a prefix shared
# by the word's forms (fracture/fractured/fractures -> fractur, diabetes/diabetic -> diabet).
_ENDINGS = (
    "ational", "ations", "ities", "ation", "ments", "ement", "ings", "ions", "ness",
    "ives", "ies", "ied", "ing", "ion", "ity", "ive", "ous", "ics", "ic", "al", "es", "ed",
    "s", "e", "y",
)  # fmt: skip


class Word(NamedTuple):
    """One word of a text: its folded form and where it sits in the original text."""

    text: str
    start: int
    end: int


#: Words up to this length are remembered once folded or stemmed (longer ones are no word
#: of any index, and remembering them would only fill memory).
_REMEMBERED = 64


def fold(text: str) -> str:
    """Lower case without diacritics (``"Ménière"`` -> ``"meniere"``)."""
    return _fold_remembered(text) if len(text) <= _REMEMBERED else _fold(text)


def _fold(text: str) -> str:
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


_fold_remembered = lru_cache(maxsize=8192)(_fold)


def words(text: str) -> list[Word]:
    """The words of ``text`` with their character spans."""
    return [Word(fold(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]


def word_texts(text: str) -> list[str]:
    """The folded words of ``text`` (as :func:`words`, without their spans)."""
    return [fold(w) for w in _WORD.findall(text)]


def stem(word: str) -> str:
    """A prefix shared by the forms of ``word`` (its ending stripped), or ``word`` itself.

    Only words of five letters or more lose an ending, and at least four letters remain.
    """
    return _stem_remembered(word) if len(word) <= _REMEMBERED else _stem(word)


def _stem(word: str) -> str:
    if len(word) < 5 or not word.isalpha():
        return word
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


_stem_remembered = lru_cache(maxsize=65536)(_stem)


_CODE_SHAPE = re.compile(r"[A-Z0-9]{1,8}")


def looks_like_code(text: str) -> str | None:
    """The compact code prefix (upper case, no dot) if ``text`` is shaped like a code.

    A code prefix is one token of letters and digits with at least one digit, optionally
    with one dot: ``E11.`` -> ``E11``, ``e119`` -> ``E119``, ``0DT`` -> ``0DT``.
    """
    token = text.strip().upper()
    if not token or " " in token or token.count(".") > 1 or token.startswith("."):
        return None
    compact = token.replace(".", "")
    if not _CODE_SHAPE.fullmatch(compact) or not any(c.isdigit() for c in compact):
        return None
    return compact
