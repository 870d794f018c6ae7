"""``codekit.ask`` on the project's question set: intent accuracy, fact accuracy, latency.

Run with ``python -m bench ask``. The question set (``tests/fixtures/ask_questions.jsonl``)
holds over 200 questions in lay and coder phrasing, with typos and abbreviations, each with
the intent and the facts expected from CMS files, peer libraries or coding knowledge (its
``source``); ``bench/_ask_truth.py`` writes it without calling codekit. NCCI and GEM
questions need the corpus files (``$CODEKIT_CMS_CORPUS``), installed into a temporary data
folder; without the corpus those questions are left out (and the report says so). Targets
(issue 14): intent and fact accuracy >= 0.9 each, p50 latency <= 20 ms (each question
timed once after one warm-up pass).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
QUESTIONS = HERE.parent / "tests" / "fixtures" / "ask_questions.jsonl"
#: The corpus files the ``corpus`` questions need installed (NCCI tables, 2018 GEMs).
CORPUS_FILES = (
    "ptp/ccipra-v322r0-f1.excerpt.txt",
    "mue/MCR_MUE_PractitionerServices_Eff_07-01-2026.excerpt.csv",
    "aoc/AOC_V2026Q2-MCR.xlsx",
    "gems/2018_I9gem.txt",
    "gems/2018_I10gem.txt",
)


def load_questions() -> list[dict[str, Any]]:
    """The question set, one mapping per question."""
    lines = QUESTIONS.read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip() and not line.startswith("//")]


def _values(answer: Any, name: str) -> list[Any]:
    out: list[Any] = []
    for value in answer.facts_named(name):
        out += list(value) if isinstance(value, tuple) else [value]
    return out


def _accepts(pattern: str, value: str) -> bool:
    return value.startswith(pattern[:-1]) if pattern.endswith("*") else value == pattern


def fact_ok(answer: Any, key: str, expected: Any) -> bool:
    """Whether ``answer`` states the expected fact (see the question set's header)."""
    if key.endswith("~"):
        found = _values(answer, key[:-1])
        return all(item in found for item in expected)
    if key.endswith("|"):
        found = [str(v) for v in _values(answer, key[:-1])]
        return any(_accepts(item, value) for item in expected for value in found)
    value = answer.fact(key)
    if isinstance(value, tuple):
        value = list(value)
    return bool(value == expected)


def facts_ok(answer: Any, facts: Mapping[str, Any]) -> bool:
    """Whether every expected fact is stated."""
    return all(fact_ok(answer, key, value) for key, value in facts.items())


#: One sentence of an answer's text: no brackets inside, its citation number at the end.
SENTENCE = re.compile(r"[^\[\]]+? \[(\d+)\][.?!]")


def citation_problems(answer: Any) -> list[str]:
    """What is wrong with an answer's citations (empty: every sentence carries one).

    The text must be a sequence of sentences each ending with the number of an existing
    citation; every statement and fact must point at a citation; code-set, crosswalk and
    NCCI citations must name their release.
    """
    problems = []
    if not answer.statements:
        problems.append("no sentence at all")
    sentences = SENTENCE.findall(answer.text)
    if len(sentences) != len(answer.statements):
        problems.append(f"{len(sentences)} cited sentences for {len(answer.statements)} statements")
    if not re.fullmatch(rf"(?:{SENTENCE.pattern} ?)+", answer.text):
        problems.append("text is not a sequence of cited sentences")
    if any(not 1 <= int(n) <= len(answer.citations) for n in sentences):
        problems.append("a sentence cites a number with no citation")
    pointers = [s.citation for s in answer.statements] + [f.citation for f in answer.facts]
    if any(not 0 <= i < len(answer.citations) for i in pointers):
        problems.append("a statement or fact points at no citation")
    for citation in answer.citations:
        if not citation.source.strip():
            problems.append("a citation without a source")
        if citation.kind in ("code_set", "crosswalk", "ncci") and not citation.release:
            problems.append(f"citation {citation.source!r} names no release")
    return problems


def install_corpus(corpus: Path) -> None:
    """Install the corpus files the question set needs into the current data folder."""
    import codekit.data

    codekit.data.install([corpus / name for name in CORPUS_FILES])


def score(questions: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], Any, float]]:
    """Each question with its answer and the seconds it took."""
    import codekit

    for item in questions:
        start = time.perf_counter()
        answer = codekit.ask(item["question"])
        yield item, answer, time.perf_counter() - start


def main() -> None:
    corpus = Path(os.environ.get("CODEKIT_CMS_CORPUS", "") or "/nonexistent")
    questions = load_questions()
    previous = os.environ.get("CODEKIT_DATA_DIR")
    with tempfile.TemporaryDirectory() as folder:
        os.environ["CODEKIT_DATA_DIR"] = folder
        try:
            results, left_out = _run(corpus, questions)
        finally:
            if previous is None:
                os.environ.pop("CODEKIT_DATA_DIR", None)
            else:
                os.environ["CODEKIT_DATA_DIR"] = previous
            import codekit

            codekit.refresh()
    if left_out:
        print(left_out)
    _report(results)


def _run(
    corpus: Path, questions: list[dict[str, Any]]
) -> tuple[list[tuple[dict[str, Any], Any, float]], str]:
    """Install the corpus packs (if any), warm up, then time every question once."""
    import codekit
    from codekit.exceptions import CodekitError

    codekit.refresh()
    left_out = ""
    found = all((corpus / name).is_file() for name in CORPUS_FILES)
    try:
        if found:
            install_corpus(corpus)
            codekit.refresh()
    except (CodekitError, ImportError) as error:  # openpyxl missing, a file changed
        left_out = f"the corpus files could not be installed: {error}\n"
        found = False
    if not found:
        skipped = [q for q in questions if q["corpus"]]
        questions = [q for q in questions if not q["corpus"]]
        left_out += f"no CMS corpus: {len(skipped)} questions that need its files left out"
    for _ in score(questions):  # warm-up: open every dataset and index once
        pass
    return list(score(questions)), left_out


def _report(results: list[tuple[dict[str, Any], Any, float]]) -> None:
    n = len(results)
    intents = sum(a.intent == q["intent"] for q, a, _ in results) / n
    facts = sum(facts_ok(a, q["facts"]) for q, a, _ in results) / n
    times = sorted(t * 1000 for _, _, t in results)
    p50 = statistics.median(times)
    p95 = times[int(0.95 * (n - 1))]
    print(f"{n} questions ({len({q['intent'] for q, _, _ in results})} intents)")
    print(f"{'figure':<18}{'codekit':>10}{'target':>10}")
    print(f"{'intent accuracy':<18}{intents:>10.3f}{'>= 0.9':>10}")
    print(f"{'fact accuracy':<18}{facts:>10.3f}{'>= 0.9':>10}")
    print(f"{'p50 latency ms':<18}{p50:>10.2f}{'<= 20':>10}")
    print(f"{'p95 latency ms':<18}{p95:>10.2f}{'':>10}")
    cited = sum(not citation_problems(a) for _, a, _ in results) / n
    print(f"{'answers cited':<18}{cited:>10.3f}{'= 1':>10}")
    misses = [
        (q, a) for q, a, _ in results if a.intent != q["intent"] or not facts_ok(a, q["facts"])
    ]
    for q, a in misses[:40]:
        print(f"  miss: {q['question']!r}: intent {a.intent} (expected {q['intent']})")


if __name__ == "__main__":
    main()
