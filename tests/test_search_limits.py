"""Search and suggest stay bounded for every input (issue 11, "Bad input never takes the
process down").

The truths checked: the documented caps (query length, ``limit``, ``offset``), the NegEx rule
of docs/search.md (a trigger negates the rest of its clause), and the work sent to the index,
counted in characters of SQL parameters, which must grow in proportion to the query (not with
its square). Time and memory are measured in ``bench/search.py``, never asserted here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import codekit
from codekit._cli.main import main
from codekit._search import _engine, _index, _limits
from codekit.exceptions import InvalidQueryError
from codekit.models import DataRelease
from codekit.plugins import CodeRecord, CodeSetSpec, Registrar, hookimpl
from codekit.testing import isolated_registry

if TYPE_CHECKING:
    from collections.abc import Iterator

#: Distinct words, each in one description: a query of several of them matches no item with
#: all its words, so every fallback pass (all words but one) runs.
_WORDS = [f"{a}{b}ology" for a in "bcdfghjklm" for b in "aeiou"]
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_RECORDS = [
    CodeRecord(code=f"L{i:02d}", description=f"Synthetic {word} disorder")
    for i, word in enumerate(_WORDS)
] + [CodeRecord(code="L99", description="Fever, unspecified")]


class LimitCodes:
    """One synthetic code set, ``limitdx``."""

    __name__ = "search_limit_codes"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_code_set(
            CodeSetSpec(name="limitdx", title="Limit test codes", pattern=r"L[0-9]{2}")
        )
        registrar.add_release(
            DataRelease(
                code_set="limitdx", release="1", effective=dt.date(2020, 1, 1), origin="plugin"
            ),
            records=_RECORDS,
        )


@pytest.fixture(autouse=True)
def codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CODEKIT_CACHE_DIR", str(tmp_path / "cache"))
    _index.clear()
    _engine.forget()
    with isolated_registry(LimitCodes(), builtins=False):
        yield
    _index.clear()
    _engine.forget()


# -- the length caps ---------------------------------------------------------------------------


def test_a_search_query_over_the_cap_is_refused_and_the_message_says_the_limit() -> None:
    cap = _limits.MAX_QUERY_LENGTH
    with pytest.raises(InvalidQueryError, match=f"{cap:,}"):
        codekit.search("diabetes " * 16000)
    with pytest.raises(InvalidQueryError, match=f"{cap:,}"):
        codekit.search("x" * (cap + 1), code_sets="limitdx")


def test_a_search_query_just_under_the_cap_completes() -> None:
    cap = _limits.MAX_QUERY_LENGTH
    repeated = ("fever " * cap)[:cap]
    assert codekit.search(repeated, code_sets="limitdx").codes()[:1] == ["L99"]
    distinct = " ".join(_WORDS * 20)[:cap]
    assert isinstance(codekit.search(distinct, code_sets="limitdx"), codekit.SearchResults)
    one_word = _LETTERS * (cap // len(_LETTERS))  # a typo candidate: corrections are bounded
    assert codekit.search(one_word, code_sets="limitdx").codes() == []


def test_a_case_text_over_the_cap_is_refused_and_the_message_says_the_limit() -> None:
    cap = _limits.MAX_CASE_TEXT_LENGTH
    with pytest.raises(InvalidQueryError, match=f"{cap:,}"):
        codekit.suggest("x" * (cap + 1), code_sets="limitdx")


@pytest.mark.parametrize(
    "unit", ["no fever, ", "no fever but cough ", "cough but fever ruled out "]
)
def test_a_case_text_of_negations_just_under_the_cap_completes_with_all_negated(
    unit: str,
) -> None:
    """Each "fever" is negated by its own trigger (docs/search.md): nothing is suggested."""
    cap = _limits.MAX_CASE_TEXT_LENGTH
    text = (unit * (cap // len(unit)))[:cap]
    found = codekit.suggest(text, code_sets="limitdx")
    assert found.codes() == []
    assert found.negated


def test_a_case_text_of_one_long_word_completes() -> None:
    # Typo correction of a word costs its length squared: words no index holds are not corrected.
    cap = _limits.MAX_CASE_TEXT_LENGTH
    word = (_LETTERS * (cap // len(_LETTERS) + 1))[:cap]  # each deletion a distinct word
    assert codekit.suggest(word, code_sets="limitdx").codes() == []


# -- cost in proportion to the query -----------------------------------------------------------


def _sql_volume(monkeypatch: pytest.MonkeyPatch, text: str) -> int:
    """Characters of SQL parameters (FTS5 queries) a fresh search of ``text`` sends."""
    sent = [0]
    original = _index.SearchIndex.query

    def counting(self: _index.SearchIndex, sql: str, params: Any = ()) -> list[Any]:
        sent[0] += sum(len(str(p)) for p in params)
        return original(self, sql, params)

    with monkeypatch.context() as patch:
        patch.setattr(_index.SearchIndex, "query", counting)
        _index.clear()  # views bind the query method of their index when made
        _engine.forget()
        codekit.search(text, code_sets="limitdx")
    _index.clear()
    return sent[0]


def test_the_work_sent_to_the_index_grows_in_proportion_to_the_query(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    small = _sql_volume(monkeypatch, " ".join(_WORDS[:20]))
    large = _sql_volume(monkeypatch, " ".join(_WORDS[:40]))
    assert large <= 2.5 * small, (small, large)  # twice the words; the square: four times


# -- limit and offset --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad", [{"limit": 10**20}, {"limit": _limits.MAX_LIMIT + 1}, {"offset": 10**20}]
)
def test_huge_limits_and_offsets_are_clear_errors(bad: dict[str, int]) -> None:
    with pytest.raises(InvalidQueryError, match="at most"):
        codekit.search("fever", code_sets="limitdx", **bad)  # type: ignore[arg-type]


def test_the_largest_limit_and_offset_are_answered() -> None:
    found = codekit.search(
        "fever", code_sets="limitdx", limit=_limits.MAX_LIMIT, offset=_limits.MAX_OFFSET
    )
    assert found.codes() == []
    assert codekit.search("fever", code_sets="limitdx", limit=_limits.MAX_LIMIT).codes() == ["L99"]


def test_suggest_refuses_a_huge_limit() -> None:
    with pytest.raises(InvalidQueryError, match="at most"):
        codekit.suggest("fever", code_sets="limitdx", limit=10**20)


@pytest.mark.parametrize("command", ["search", "suggest"])
def test_cli_huge_limit_is_a_one_line_error(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([command, "fever", "--code-set", "limitdx", "--limit", "99999999999999999999"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("codekit: ")
    assert "limit" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("bad", [object(), 3, b"limitdx", ["limitdx", None], {"limitdx": 1}])
def test_code_sets_of_the_wrong_type_are_clear_errors(bad: object) -> None:
    # Found by tests/test_hostile_input.py: suggest(code_sets=object()) raised TypeError.
    for run in (codekit.search, codekit.suggest):
        with pytest.raises(InvalidQueryError, match="code_sets"):
            run("fever", code_sets=bad)  # type: ignore[arg-type]
