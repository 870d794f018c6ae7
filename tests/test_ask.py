"""``codekit.ask`` over the project's question set, with the CMS corpus files installed.

Truths: the expected facts of ``tests/fixtures/ask_questions.jsonl`` (each names its source:
CMS files of the corpus, the peer library simple_icd_10_cm, hccpy's CMS mapping files,
coding knowledge), and NCCI.md for what edits mean.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import codekit
from codekit import _assistant, _registry

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ask import CORPUS_FILES, citation_problems, facts_ok, load_questions  # noqa: E402


@pytest.fixture(scope="module")
def installed(cms_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The corpus NCCI tables and 2018 GEMs, installed in a fresh data folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CODEKIT_DATA_DIR", str(tmp_path_factory.mktemp("codekit-data")))
        _registry.reset()
        codekit.data.install([cms_corpus / name for name in CORPUS_FILES])
        yield
    _registry.reset()


@pytest.fixture(scope="module")
def answered(installed: None) -> list[tuple[dict[str, Any], codekit.Answer]]:
    return [(item, codekit.ask(item["question"])) for item in load_questions()]


def assert_cited(answer: codekit.Answer) -> None:
    """Every sentence of the answer's text ends with the number of an existing citation."""
    assert not citation_problems(answer), (answer.text, citation_problems(answer))


def test_the_question_set_is_large_and_covers_every_intent() -> None:
    questions = load_questions()
    assert len(questions) >= 200
    intents = {q["intent"] for q in questions}
    assert intents == set(_assistant.INTENTS) - {"unknown"}
    assert all(q["facts"] and q["source"] for q in questions)


def test_intent_and_fact_accuracy_meet_the_targets(
    answered: list[tuple[dict[str, Any], codekit.Answer]],
) -> None:
    n = len(answered)
    intents = sum(a.intent == q["intent"] for q, a in answered) / n
    facts = sum(facts_ok(a, q["facts"]) for q, a in answered) / n
    assert intents >= 0.9
    assert facts >= 0.9


def test_every_sentence_of_every_answer_carries_a_citation(
    answered: list[tuple[dict[str, Any], codekit.Answer]],
) -> None:
    for _, answer in answered:
        assert_cited(answer)


def test_ncci_answers_cite_table_release_and_cms_file(
    answered: list[tuple[dict[str, Any], codekit.Answer]],
) -> None:
    files = {Path(name).name for name in CORPUS_FILES}
    for item, answer in answered:
        if item["intent"] in ("ptp", "mue", "addon") and answer.answered:
            cited = [c for c in answer.citations if c.kind == "ncci"]
            assert cited, answer.text
            assert any(c.file in files for c in cited), answer.citations


def test_answers_are_json_and_html(answered: list[tuple[dict[str, Any], codekit.Answer]]) -> None:
    for _, answer in answered[:40]:
        data = json.loads(json.dumps(answer.to_dict()))
        assert data["text"] == answer.text
        assert len(data["citations"]) == len(answer.citations)
    answer = codekit.ask("What is <b>E11.9</b>?")
    assert "<b>E11.9</b>" not in answer._repr_html_()
    assert "&lt;b&gt;" in answer._repr_html_()


def test_ptp_pair_with_modifiers_follows_the_table_and_ncci_md(installed: None) -> None:
    # ccipra-v322r0-f1: 0001U/0034U effective 20180701, open-ended, indicator 1
    answer = codekit.ask("Can 0001U and 0034U be billed together on 8/3/2026 with modifier 59?")
    assert (answer.fact("column1"), answer.fact("column2")) == ("0001U", "0034U")
    assert (answer.fact("indicator"), answer.fact("deletion")) == (1, None)
    assert answer.fact("denied") == "0034U"  # NCCI.md: the column 2 code is denied
    assert answer.fact("bypass") is True  # 59 is PTP-associated; indicator 1 allows it
    # a 2022 date: no installed table is in force then (the one table rule), so the answer
    # names the table to install instead of answering from the 2026 table
    answer = codekit.ask("0001A and 36591 on 6/1/2022 with modifier XS?")
    assert not answer.answered
    assert "--release 2022Q2" in answer.text


def test_ptp_deletion_edge_of_a_genuine_row(installed: None) -> None:
    # 0001U/0029U deleted 20260630 (the last day the edit applies, NCCI.md)
    # 6/30/2026 is before the corpus's 2026Q3 table: no table answers it (the one table rule)
    last = codekit.ask("Can 0001U and 0029U be billed together on 6/30/2026?")
    after = codekit.ask("Can 0001U and 0029U be billed together on 7/1/2026?")
    assert not last.answered
    assert "--release 2026Q2" in last.text
    assert after.fact("edit") is False
    assert "to 2026-06-30" in after.text


def test_a_follow_up_keeps_the_codes_and_the_intent(installed: None) -> None:
    chat = codekit.Conversation()
    first = chat.ask("Can 0001U and 0034U be billed together?")
    assert first.intent == "ptp"
    assert chat.codes == ("0001U", "0034U")
    follow = chat.ask("and with modifier 59?")
    assert (follow.intent, follow.fact("modifier"), follow.fact("bypass")) == ("ptp", "59", True)
    # GA is not a PTP-associated modifier (NCCI.md's list)
    other = chat.ask("what about modifier GA?")
    assert (other.intent, other.fact("bypass")) == ("ptp", False)
    units = chat.ask("How many units of 0009U per day?")
    assert units.fact("mue_value") == 2  # MUE 2026-07-01: 0009U,2,3 Date of Service Edit
    assert chat.ask("and 5 units?").fact("exceeds") is True


def test_mue_in_a_setting_whose_table_is_not_installed(installed: None) -> None:
    answer = codekit.ask("How many units of 0009U per day in the outpatient hospital?")
    assert not answer.answered
    assert answer.understood == (
        ("intent", "mue"),
        ("codes", ("0009U",)),
        ("modifiers", ()),
        ("as_of", None),
        ("setting", "outpatient_hospital"),
        ("units", None),
    )
    assert "MUE outpatient hospital table" in answer.text
    assert_cited(answer)


def test_dme_has_no_ptp_table(installed: None) -> None:
    # NCCI.md: "There is no DME PTP table."
    answer = codekit.ask("Can E0130 and E0135 be billed together by a DME supplier?")
    assert answer.fact("ptp_table") is False
