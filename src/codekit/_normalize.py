"""The one place where user input becomes a code.

:func:`compact` turns what a user typed into upper case without white space and
remembers where a dot was; each code set's :class:`~codekit.plugins.CodeSetSpec` then
says whether that shape is one of its codes and what the canonical spelling is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from codekit.exceptions import AmbiguousCodeError, InvalidCodeError

if TYPE_CHECKING:
    from codekit.plugins import CodeSetSpec

__all__ = ["check_codes", "compact", "identify", "parse_for"]

_ALLOWED = re.compile(r"[0-9A-Z.]{1,16}")
_SPACE = re.compile(r"\s+")


def compact(text: str) -> tuple[str, int | None]:
    """Upper-case, drop white space and the dot; return the compact code and the dot's index.

    ``" e11.9 "`` → ``("E119", 3)``; ``"E119"`` → ``("E119", None)``. Raises
    :class:`InvalidCodeError` for anything that cannot be a code in any code set.
    """
    if not isinstance(text, str):
        raise InvalidCodeError(text, f"a code must be a string, not {type(text).__name__}")
    return _compact(text)


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
def _compact(text: str) -> tuple[str, int | None]:
    cleaned = _SPACE.sub("", text).upper()
    if not cleaned:
        raise InvalidCodeError(text, "an empty string is not a code")
    if not _ALLOWED.fullmatch(cleaned):
        raise InvalidCodeError(
            text, f"{text!r} is not a code: codes use letters, digits and at most one dot"
        )
    dot = cleaned.find(".")
    if dot < 0:
        return cleaned, None
    if cleaned.count(".") > 1 or dot == 0:
        raise InvalidCodeError(text, f"{text!r} is not a code: misplaced dot")
    return cleaned.replace(".", ""), dot


def parse_for(text: str, spec: CodeSetSpec) -> str:
    """The canonical spelling of ``text`` in the code set ``spec``, or :class:`InvalidCodeError`."""
    code, dot = compact(text)
    canonical = spec.parse(code, dot)
    if canonical is None:
        raise InvalidCodeError(text, f"{text!r} is not a well-formed {spec.title} code")
    return canonical


def identify(text: str, specs: Iterable[CodeSetSpec]) -> tuple[CodeSetSpec, str]:
    """The single code set whose shape ``text`` fits, with its canonical spelling.

    Raises :class:`InvalidCodeError` when no code set fits and
    :class:`AmbiguousCodeError` when several do.
    """
    code, dot = compact(text)
    found: dict[str, tuple[CodeSetSpec, str]] = {}
    for spec in specs:
        if not spec.detect:
            continue
        canonical = spec.parse(code, dot)
        if canonical is not None:
            found[spec.name] = (spec, canonical)
    if not found:
        raise InvalidCodeError(text, f"{text!r} is not shaped like a code of any known code set")
    if len(found) > 1:
        raise AmbiguousCodeError(text, {name: canon for name, (_, canon) in sorted(found.items())})
    return next(iter(found.values()))
