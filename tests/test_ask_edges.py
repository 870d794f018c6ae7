"""``codekit.ask`` at its edges: unanswerable, ambiguous, data not installed, bad input,
the language-model backend hook, licensed CPT descriptors, dates and settings, the CLI."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import pytest
import simple_icd_10_cm
from hypothesis import given, settings
from hypothesis import strategies as st

import codekit
from codekit._assistant.parse import parse
from codekit._cli.main import main
from codekit.exceptions import InvalidDateError, InvalidQuestionError
from codekit.plugins import hookimpl
from codekit.testing import isolated_registry

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ask import citation_problems  # noqa: E402


def assert_cited(answer: codekit.Answer) -> None:
    assert not citation_problems(answer), (answer.text, citation_problems(answer))


def test_guidelines_are_not_in_the_data() -> None:
    answer = codekit.ask("Guidelines for E/M services")
    assert (answer.intent, answer.answered) == ("unknown", False)
    assert "guidelines" in answer.text
    assert answer.facts == ()
    assert_cited(answer)


@pytest.mark.parametrize("question", ["", "   ", "hello?", "what is the fee for 99213?"])
def test_unanswerable_questions_say_what_codekit_answers(question: str) -> None:
    answer = codekit.ask(question)
    assert not answer.answered
    assert not answer.facts_named("codes")
    assert_cited(answer)


def test_an_ambiguous_code_names_every_reading() -> None:
    # J1100 is HCPCS J1100 (CMS HCPCS 2019 file: "Dexamethasone sodium phos") and the
    # ICD-10-CM code J11.00 (CDC tabular)
    answer = codekit.ask("What is J1100?")
    assert not answer.answered
    assert answer.fact("ambiguous") is True
    names, texts = answer.facts_named("code_set"), answer.facts_named("description")
    readings = dict(zip(names, texts, strict=True))
    assert readings == {
        "hcpcs": "Dexamethasone sodium phos",
        "icd10cm": simple_icd_10_cm.get_description("J11.00"),
    }
    assert_cited(answer)
    # naming the code set resolves it
    assert codekit.ask("What is HCPCS J1100?").fact("code_set") == "hcpcs"


def test_ptp_tables_not_installed_say_which_quarter_to_install(data_dir: Path) -> None:
    answer = codekit.ask("Can 0001U and 0029U be billed together on 8/1/2026?")
    assert (answer.intent, answer.answered) == ("ptp", False)
    assert "install the 2026 Q3 PTP tables" in answer.text
    assert "codekit data fetch ncci --release 2026Q3 --accept-ama-license" in answer.text
    assert answer.understood[1] == ("codes", ("0001U", "0029U"))
    assert_cited(answer)
    for question, table in [
        ("How many units of 0009U on 2026-08-01?", "MUE"),
        ("primary codes of add-on 0628T on 2026-05-01", "AOC"),
    ]:
        answer = codekit.ask(question)
        assert not answer.answered
        assert f"{table} tables" in answer.text, answer.text


def test_a_date_before_the_code_set_existed() -> None:
    # ICD-10-CM took effect in the US on 2015-10-01: E11.9 was not valid in 2014
    answer = codekit.ask("Is E11.9 valid on 2014-06-01?")
    assert answer.fact("valid") is False
    assert "2015-10-01" in answer.text
    assert_cited(answer)


def test_a_date_after_the_newest_release_is_answered_with_a_cited_note() -> None:
    # pytest turns CodekitWarning into errors: the StaleDataWarning must become a sentence
    answer = codekit.ask("Is E11.9 valid on 2031-01-01?")
    assert answer.fact("valid") is True
    assert any(s.text.startswith("Note:") for s in answer.statements)
    assert_cited(answer)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("on 3/1/2024", dt.date(2024, 3, 1)),
        ("on 03/01/24", dt.date(2024, 3, 1)),
        ("on 2024-03-01", dt.date(2024, 3, 1)),
        ("on March 1, 2024", dt.date(2024, 3, 1)),
        ("on 1st Mar 2024", dt.date(2024, 3, 1)),
        ("in 2026 Q3", dt.date(2026, 7, 1)),
        ("in Q3 2026", dt.date(2026, 7, 1)),
        ("in FY2024", dt.date(2023, 10, 1)),  # a federal fiscal year starts on October 1
        ("in Jan 2020", dt.date(2020, 1, 1)),
        ("on 2/30/2024", None),  # not a date
    ],
)
def test_dates_in_a_question(text: str, day: dt.date | None) -> None:
    assert parse(f"Is E11.9 valid {text}?").as_of == day


@pytest.mark.parametrize(
    ("text", "setting"),
    [
        ("in the outpatient hospital", "outpatient_hospital"),
        ("for hospital outpatient claims", "outpatient_hospital"),
        ("in the office", "practitioner"),
        ("for a physician", "practitioner"),
        ("by a DME supplier", "dme"),
        ("", None),
    ],
)
def test_settings_in_a_question(text: str, setting: str | None) -> None:
    assert parse(f"How many units of J1100 {text}?").setting == setting


def test_codes_modifiers_and_typos_are_read() -> None:
    parsed = parse("can i bill 11042-59 and 97597 togther w/ modifer XS?")
    assert [code for code, _ in parsed.codes] == ["11042", "97597"]
    assert parsed.modifiers == ("59", "XS")
    assert parsed.has("together")


def test_explicit_arguments_are_defaults_for_the_question() -> None:
    on_date = codekit.ask("Is M54.5 valid?", as_of="2021-01-15")
    assert on_date.fact("valid") is True  # FY2021: M54.5 was billable until 2021-09-30
    # a date in the question wins over as_of=
    assert codekit.ask("Is M54.5 valid on 2022-01-15?", as_of="2021-01-15").fact("valid") is False


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"question": None}, InvalidQuestionError),
        ({"question": b"What is E11.9?"}, InvalidQuestionError),
        ({"question": "What is E11.9?", "as_of": "soon"}, InvalidDateError),
        ({"question": "What is E11.9?", "as_of": 20240101}, InvalidDateError),
        ({"question": "What is E11.9?", "setting": "moon"}, InvalidQuestionError),
        ({"question": "What is E11.9?", "setting": 3}, InvalidQuestionError),
    ],
)
def test_bad_arguments_raise_codekit_errors(kwargs: dict[str, Any], error: type[Exception]) -> None:
    question = kwargs.pop("question")
    with pytest.raises(error, match=r"."):
        codekit.ask(question, **kwargs)


@settings(max_examples=60)
@given(st.text(max_size=60))
def test_any_text_gets_a_cited_answer(question: str) -> None:
    assert_cited(codekit.ask(question))


def test_a_very_long_question_is_cut_not_slow() -> None:
    answer = codekit.ask("E11.9 " * 100_000)
    assert answer.intent in {"compare", "describe"}
    assert len(answer.statements) < 100


class _Liar:
    """A backend that rephrases one sentence honestly and tries to add three facts."""

    def rephrase(self, question: str, answer: codekit.Answer) -> list[Any]:
        from codekit._assistant.model import Statement

        first = answer.statements[0]
        return [
            Statement("In short: E11.9 is billable", first.citation),  # honest
            Statement("E11.9 also maps to HCC 999", first.citation),  # a new number
            Statement('E11.9 is "Type 1 diabetes"', first.citation),  # a new quotation
            Statement("E11.9 is billable", 99),  # no such citation
            Statement("Twelve units are allowed", first.citation),  # a number word
            object(),  # not a statement at all
        ]


class _Broken:
    def rephrase(self, question: str, answer: codekit.Answer) -> list[Any]:
        raise RuntimeError("the model is down")


class _Plugin:
    def __init__(self, backend: object) -> None:
        self.backend = backend

    @hookimpl
    def codekit_register(self, registrar: Any) -> None:
        registrar.add_ask_backend(self.backend)


def test_a_backend_cannot_add_an_uncited_fact() -> None:
    plain = codekit.ask("Is E11.9 billable?")
    with isolated_registry(_Plugin(_Liar())):
        answer = codekit.ask("Is E11.9 billable?")
    assert [s.text for s in answer.statements] == ["In short: E11.9 is billable"]
    assert "999" not in answer.text
    assert "Type 1" not in answer.text
    assert answer.facts == plain.facts  # facts always come from codekit's data
    assert answer.citations == plain.citations
    assert_cited(answer)


def test_a_failing_backend_leaves_the_answer_alone() -> None:
    plain = codekit.ask("What is E11.9?")
    with isolated_registry(_Plugin(_Broken())):
        assert codekit.ask("What is E11.9?") == plain


class _Licensed:
    """A licensee's CPT descriptors (synthetic text: real ones are AMA-licensed)."""

    @hookimpl
    def codekit_register(self, registrar: Any) -> None:
        registrar.add_descriptions(
            "cpt",
            source="Synthetic CPT descriptors (test licensee file)",
            kind="long",
            descriptions={"99213": "SYNTHETIC office visit descriptor for tests"},
        )


def test_cpt_descriptors_appear_only_from_a_licensed_plugin() -> None:
    bare = codekit.ask("what is cpt code 99213")
    assert (bare.fact("code_set"), bare.fact("description")) == ("cpt", None)
    assert "AMA-licensed" in bare.text
    with isolated_registry(_Licensed()):
        licensed = codekit.ask("what is cpt code 99213")
    assert licensed.fact("description") == "SYNTHETIC office visit descriptor for tests"
    cited = licensed.citations[licensed.statements[0].citation]
    assert cited.source == "Synthetic CPT descriptors (test licensee file)"
    assert_cited(licensed)


def test_cli_ask(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "What is E11.9?"]) == 0
    out = capsys.readouterr().out
    assert "Type 2 diabetes mellitus without complications" in out
    assert "[1] ICD-10-CM" in out
    assert main(["ask", "--json", "What did 250.00 map to?"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["intent"] == "map"
    assert main(["ask", "Guidelines for E/M services"]) == 1
    assert main(["ask", "Is E11.9 valid?", "--as-of", "nope"]) == 2
