"""The language-model backend hook: a plugin may rephrase answers, never add facts.

A plugin registers a backend in its ``codekit_register`` hook::

    registrar.add_ask_backend(MyBackend())

A backend is any object with ``rephrase(question, answer)`` returning the sentences it
would show instead: objects with ``text`` (a str) and ``citation`` (the index, in
``answer.citations``, of the citation the sentence rests on), such as
:class:`~codekit._assistant.model.Statement`. codekit keeps a sentence only when its
citation exists and every fact-like token in it (anything with a digit, code-like
upper-case words, number words, quoted text) already occurs in the answer's own
sentences of that citation; anything else is dropped. The default is no backend:
answers are codekit's own sentences.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import attrs

from codekit._assistant.model import Answer, Statement
from codekit._tables.sections import ASK_BACKENDS


def _words(text: str) -> list[str]:
    return text.split()


__all__ = ["BACKEND_EXTENSION", "AskBackend", "backend", "checked", "rephrased"]

#: The registrar section a plugin's backend lands in (``Registrar.add_ask_backend``).
BACKEND_EXTENSION = ASK_BACKENDS.name


@runtime_checkable
class AskBackend(Protocol):
    """What a language-model backend implements."""

    def rephrase(self, question: str, answer: Answer) -> Sequence[object]:
        """The sentences to show for ``answer``, each with the index of its citation."""


_FACTLIKE = re.compile(r"[\w./-]*\d[\w./-]*|\b[A-Z][A-Z0-9]{1,}\b")
_QUOTED = re.compile(r'"([^"]+)"')
_NUMBER_WORDS = frozenset(
    _words(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty "
        "seventy eighty ninety hundred thousand million dozen once twice"
    )
)
#: Upper-case words that name things rather than state facts.
_NAMES = frozenset(_words("NCCI PTP MUE AOC MAI CPT HCPCS ICD CMS HCC GEM GEMS DME ASC CARC AMA"))


def _tokens(text: str) -> set[str]:
    found = {t.strip(".,;:()").upper() for t in _FACTLIKE.findall(text)}
    found |= {w for w in re.findall(r"[a-z]+", text.lower()) if w in _NUMBER_WORDS}
    return {t for t in found if t and t not in _NAMES}


def checked(answer: Answer, proposed: Sequence[object]) -> tuple[Statement, ...]:
    """The proposed sentences that state nothing beyond the answer's cited sentences."""
    allowed: dict[int, set[str]] = {}
    quoted: dict[int, str] = {}
    for statement in answer.statements:
        allowed.setdefault(statement.citation, set()).update(_tokens(statement.text))
        quoted[statement.citation] = quoted.get(statement.citation, "") + " " + statement.text
    kept = []
    for item in proposed:
        text, citation = getattr(item, "text", None), getattr(item, "citation", None)
        if not isinstance(text, str) or type(citation) is not int or citation not in allowed:
            continue
        if not _tokens(text) <= allowed[citation]:
            continue
        if any(q not in quoted[citation] for q in _QUOTED.findall(text)):
            continue
        if text.strip():
            kept.append(Statement(" ".join(text.split()), citation))
    return tuple(kept)


def backend() -> AskBackend | None:
    """The backend a plugin registered (the first one registered), if any."""
    from codekit import _registry

    for value in _registry.current().section(ASK_BACKENDS):
        if isinstance(value, AskBackend):
            return value
    return None


def rephrased(answer: Answer) -> Answer:
    """``answer`` as the registered backend rephrases it (unchanged without a backend).

    A backend that fails, or whose every sentence is refused, leaves the answer as it is.
    """
    chosen = backend()
    if chosen is None:
        return answer
    try:
        proposed = list(chosen.rephrase(answer.question, answer))
    except Exception:  # a plugin's failure never takes the answer down
        return answer
    kept = checked(answer, proposed)
    if not kept:
        return answer
    return attrs.evolve(answer, statements=kept)
