"""Compaction of typed text by a grammar: the default grammar's own cache answers as the
grammar-keyed path does, and neither leaks answers into the other.

The truth is the rule of :class:`~codekit._normalize.CodeGrammar` written out here: white
space dropped, upper-cased (unless the grammar keeps case), only letters, digits, one dot
not in front and the grammar's symbols, at most ``max_length`` characters.
"""

from __future__ import annotations

import random
import re

import pytest

from codekit._normalize import DEFAULT_GRAMMAR, CodeGrammar, compact
from codekit.exceptions import InvalidCodeError


def _rule(text: str, grammar: CodeGrammar) -> tuple[str, int | None] | None:
    cleaned = re.sub(r"\s+", "", text)
    if grammar.upper:
        cleaned = cleaned.upper()
    allowed = set("0123456789.") | set(grammar.symbols)
    allowed |= {chr(c) for c in range(ord("A"), ord("Z") + 1)}
    if not grammar.upper:
        allowed |= {chr(c) for c in range(ord("a"), ord("z") + 1)}
    if not cleaned or len(cleaned) > grammar.max_length or not set(cleaned) <= allowed:
        return None
    if cleaned.count(".") > 1 or cleaned.startswith("."):
        return None
    dot = cleaned.find(".")
    return (cleaned.replace(".", ""), None) if dot < 0 else (cleaned.replace(".", ""), dot)


def _answer(text: str, grammar: CodeGrammar | None) -> tuple[str, int | None] | None:
    try:
        return compact(text) if grammar is None else compact(text, grammar)
    except InvalidCodeError:
        return None


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = "aE1 9.-x\tZ0_"
    return ["".join(rng.choices(alphabet, k=rng.randint(0, 18))) for _ in range(count)]


GRAMMARS = [
    CodeGrammar(),  # equal to the default, not the same object: the grammar-keyed path
    CodeGrammar(symbols="-"),
    CodeGrammar(upper=False),
    CodeGrammar(max_length=5),
]


@pytest.mark.parametrize("seed", range(4))
def test_each_grammar_compacts_by_its_rule_whatever_was_asked_before(seed: int) -> None:
    texts = _texts(seed, 3000)
    rng = random.Random(seed)
    # Interleave the default grammar (its own cache) with the others, texts repeating.
    asks = [(text, rng.choice([None, *GRAMMARS])) for text in texts + texts]
    rng.shuffle(asks)
    for text, grammar in asks:
        assert _answer(text, grammar) == _rule(text, grammar or DEFAULT_GRAMMAR), (text, grammar)


def test_the_default_grammar_and_an_equal_one_agree() -> None:
    for text in _texts(99, 2000):
        assert _answer(text, None) == _answer(text, CodeGrammar()) == _answer(text, DEFAULT_GRAMMAR)


@pytest.mark.parametrize("value", [None, 12, 1.5, b"E11.9", ("E11.9",), ["E11.9"]])
def test_what_is_no_string_is_refused_by_every_path(value: object) -> None:
    for grammar in (DEFAULT_GRAMMAR, *GRAMMARS):
        with pytest.raises(InvalidCodeError, match="must be a string"):
            compact(value, grammar)  # type: ignore[arg-type]
