"""The one place where user input becomes a code.

:func:`compact` turns what a user typed into a compact code, the way one code set's
:class:`CodeGrammar` says (by default: upper case, without white space, the dot dropped and
its place remembered); each code set's :class:`~codekit.plugins.CodeSetSpec` then says
whether that shape is one of its codes and what the canonical spelling is.
:func:`compact_key` is the same compaction without any checking, for keys of tables built
from data (descriptions, crosswalks, search indexes).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

import attrs

from codekit.exceptions import InvalidCodeError

if TYPE_CHECKING:
    from codekit._codesets.spec import CodeSetSpec

__all__ = [
    "DEFAULT_GRAMMAR",
    "CodeGrammar",
    "check_codes",
    "compact",
    "compact_key",
    "parse_for",
    "shapes",
]

_SPACE = re.compile(r"\s+")
#: What ``symbols`` may hold: ASCII punctuation other than the dot (which is positional).
_SYMBOLS = frozenset(string.punctuation) - {"."}


def _check_symbols(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not set(value) <= _SYMBOLS:
        raise ValueError(
            f"{attribute.name} lists the punctuation a code may hold besides letters, digits "
            f"and the dot (such as '-'), not {value!r}"
        )


def _check_length(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 64:
        raise ValueError(f"{attribute.name} must be a whole number from 1 to 64, not {value!r}")


@attrs.frozen(cache_hash=True)
class CodeGrammar:
    """What a code set's codes are written with, and how typed text is compacted.

    White space is always dropped and a dot is always taken out (its place is handed to the
    code set's parser). ``symbols`` are the punctuation characters a code keeps besides
    letters and digits (LOINC: ``"-"`` for ``2345-7``); ``upper`` upper-cases the text
    (``False`` keeps the case, for case-sensitive codes); ``max_length`` bounds the compact
    code. The default is what every built-in code set uses.
    """

    symbols: str = attrs.field(default="", validator=_check_symbols)
    upper: bool = attrs.field(default=True, validator=attrs.validators.instance_of(bool))
    max_length: int = attrs.field(default=16, validator=_check_length)
    allowed: re.Pattern[str] = attrs.field(init=False, eq=False, repr=False)

    @allowed.default
    def _allowed(self) -> re.Pattern[str]:
        letters = "A-Z" if self.upper else "A-Za-z"
        extra = "".join(re.escape(ch) for ch in sorted(set(self.symbols)))
        return re.compile(f"[0-9{letters}.{extra}]{{1,{self.max_length}}}")

    def describe(self) -> str:
        """The characters a code may use, as an error message says it."""
        extra = "".join(sorted(set(self.symbols)))
        return "letters, digits" + (f", {extra!r}" if extra else "") + " and at most one dot"


#: The grammar of every built-in code set: letters, digits and one dot, case-insensitive.
DEFAULT_GRAMMAR = CodeGrammar()


def compact_key(text: str) -> str:
    """The default compaction without checks: ``" e11.9 "`` → ``"E119"``.

    For keys of tables built from data (a plugin's description mapping, a crosswalk table,
    a search index), so that any spelling of a code finds the same entry.
    """
    return _SPACE.sub("", text).upper().replace(".", "")


def compact(text: str, grammar: CodeGrammar = DEFAULT_GRAMMAR) -> tuple[str, int | None]:
    """Compact ``text`` by ``grammar``; return the compact code and the dot's index.

    ``" e11.9 "`` → ``("E119", 3)``; ``"E119"`` → ``("E119", None)``. Raises
    :class:`InvalidCodeError` for anything that cannot be a code of that grammar.
    """
    if not isinstance(text, str):
        raise InvalidCodeError(text, f"a code must be a string, not {type(text).__name__}")
    if grammar is DEFAULT_GRAMMAR:  # every built-in code set: a cache keyed by the text alone
        return _compact_default(text)
    return _compact(text, grammar)


def check_codes(value: object, function: str) -> None:
    """Check that ``value`` is a collection of codes (a list, a Series, a generator, ...).

    One string is not: it would be read letter by letter. Anything that cannot be iterated
    raises :class:`InvalidCodeError` saying what ``function`` takes.
    """
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InvalidCodeError(
            value,
            f"{function} takes a list (or Series) of codes, not {type(value).__name__}; "
            f"pass one code as a list of one: {function}(['E11.9'])",
        )


@lru_cache(maxsize=65536)
def _compact(text: str, grammar: CodeGrammar) -> tuple[str, int | None]:
    return _compacted(text, grammar)


# Keyed by the text only: a key of (text, grammar) pays for hashing the grammar (an attrs
# ``__hash__``, a Python call) on every lookup, which showed in bulk calls.
@lru_cache(maxsize=65536)
def _compact_default(text: str) -> tuple[str, int | None]:
    return _compacted(text, DEFAULT_GRAMMAR)


def _compacted(text: str, grammar: CodeGrammar) -> tuple[str, int | None]:
    cleaned = _SPACE.sub("", text)
    if grammar.upper:
        cleaned = cleaned.upper()
    if not cleaned:
        raise InvalidCodeError(text, "an empty string is not a code")
    if not grammar.allowed.fullmatch(cleaned):
        raise InvalidCodeError(text, f"{text!r} is not a code: codes use {grammar.describe()}")
    dot = cleaned.find(".")
    if dot < 0:
        return cleaned, None
    if cleaned.count(".") > 1 or dot == 0:
        raise InvalidCodeError(text, f"{text!r} is not a code: misplaced dot")
    return cleaned.replace(".", ""), dot


def parse_for(text: str, spec: CodeSetSpec) -> str:
    """The canonical spelling of ``text`` in the code set ``spec``, or :class:`InvalidCodeError`."""
    code, dot = compact(text, spec.grammar)
    canonical = spec.parse(code, dot)
    if canonical is None:
        raise InvalidCodeError(text, f"{text!r} is not a well-formed {spec.title} code")
    return canonical


def shapes(text: str, specs: Iterable[CodeSetSpec]) -> list[tuple[CodeSetSpec, str]]:
    """Every code set of ``specs`` whose shape ``text`` fits, with its canonical spelling.

    ``text`` is compacted once per grammar. When it fits no grammar at all, the
    :class:`InvalidCodeError` of the default grammar (or of the first one) is raised, so the
    message says what codes are written with; when it fits a grammar but no code set, the
    list is empty.
    """
    found: list[tuple[CodeSetSpec, str]] = []
    compacted: dict[int, tuple[str, int | None] | InvalidCodeError] = {}
    for spec in specs:
        grammar = spec.grammar
        shape = compacted.get(id(grammar))
        if shape is None:
            try:
                shape = compact(text, grammar)
            except InvalidCodeError as exc:
                shape = exc
            compacted[id(grammar)] = shape
        if type(shape) is tuple:
            canonical = spec.parse(*shape)
            if canonical is not None:
                found.append((spec, canonical))
    if not found and compacted:
        errors = [shape for shape in compacted.values() if isinstance(shape, InvalidCodeError)]
        if len(errors) == len(compacted):  # no grammar takes the text
            default = compacted.get(id(DEFAULT_GRAMMAR))
            raise default if isinstance(default, InvalidCodeError) else errors[0]
    return found
