"""Context in case texts: how far a negation reaches, and every drug a patient is on.

The truth for negation is the NegEx rule that docs/search.md describes: a trigger negates the
findings it governs. "No" governs the noun phrase after it, or a list of them closed by "or",
"nor" or "and" ("no fever, chills or cough"); a comma without such a list ends it ("no fever,
productive cough": the cough is present). A verb such as "denies" takes the list after it.
The truth for drug therapy is ICD-10-CM's own titles (read back with ``codekit.describe``):
Z79.4 "Long term (current) use of insulin", Z79.82 "... of aspirin".
"""

from __future__ import annotations

import pytest

import codekit
from codekit import _registry
from codekit._search._suggest import negated_spans

pytestmark = pytest.mark.slow


def _negated(text: str) -> list[str]:
    return [text[a:b] for a, b in negated_spans(text)]


def _covered(text: str, word: str) -> bool:
    at = text.index(word)
    return any(a <= at < b for a, b in negated_spans(text))


@pytest.mark.parametrize(
    ("text", "present"),
    [
        ("No fever, productive cough for three days.", "cough"),
        ("no rash, itching of both arms", "itching"),
        ("Without chest pain, dyspnea on exertion since Monday.", "dyspnea"),
    ],
)
def test_no_does_not_reach_past_a_comma_that_starts_another_finding(
    text: str, present: str
) -> None:
    # Bug: a leading "no ..." negated to the end of the clause, across commas.
    assert not _covered(text, present), _negated(text)
    assert _covered(text, text.split()[1].strip(","))


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("No fever, chills or cough.", ("fever", "chills", "cough")),
        ("No nausea, vomiting, nor diarrhea today.", ("nausea", "vomiting", "diarrhea")),
        ("Denies fever, chills, night sweats.", ("fever", "chills", "night")),
        ("No chest pain, no palpitations, no edema.", ("chest", "palpitations", "edema")),
    ],
)
def test_a_negated_list_stays_negated(text: str, absent: tuple[str, ...]) -> None:
    assert all(_covered(text, word) for word in absent), _negated(text)


def test_no_fever_with_a_productive_cough_suggests_the_cough() -> None:
    found = codekit.suggest("No fever, productive cough for three days.", code_sets="icd10cm")
    assert "R50.9" not in found.codes()
    assert any(code.startswith("R05") for code in found.codes()[:3])


@pytest.fixture(scope="module")
def _icd10cm() -> None:
    try:
        _registry.current().select("icd10cm")
    except LookupError:
        pytest.skip("no packaged icd10cm data")


@pytest.mark.usefixtures("_icd10cm")
@pytest.mark.parametrize(
    "text",
    [
        "on aspirin and insulin",
        "Type 2 diabetic, on aspirin, insulin.",
        "Taking aspirin daily and insulin at night.",
        "Maintained on insulin and aspirin.",
    ],
)
def test_every_drug_of_a_therapy_list_is_long_term_drug_therapy(text: str) -> None:
    # Bug: only the drug right after the trigger was read ("on aspirin and insulin": Z79.82).
    assert codekit.describe("Z79.4", code_set="icd10cm") == "Long term (current) use of insulin"
    assert codekit.describe("Z79.82", code_set="icd10cm") == "Long term (current) use of aspirin"
    found = codekit.suggest(text, code_sets="icd10cm")
    assert {"Z79.4", "Z79.82"} <= set(found.codes()), found.codes()
    for item in found:
        if item.code in {"Z79.4", "Z79.82"}:
            assert item.evidence.lower().split()[-1] in {"insulin", "aspirin", "daily"}


def test_a_finding_after_a_therapy_list_is_still_a_finding() -> None:
    found = codekit.suggest("On insulin and has a fever.", code_sets="icd10cm")
    assert {"Z79.4", "R50.9"} <= set(found.codes()), found.codes()


@pytest.mark.usefixtures("_icd10cm")
def test_a_word_matches_its_own_forms_not_longer_words_sharing_its_stem() -> None:
    # Bug: "parking" was stemmed to "park" and matched "Parkinsonism" (G20.C). The forms of a
    # word share its stem ("fractures" -> "fracture", "diabetic" -> "diabetes").
    assert codekit.describe("G20.C", code_set="icd10cm").startswith("Parkinsonism")
    found = codekit.suggest("Please renew the parking permit.", code_sets="icd10cm")
    assert "G20.C" not in found.codes()
    assert not found
    fractures = codekit.suggest("Fractures of the forearm.", code_sets="icd10cm").codes()
    assert any(code.startswith("S52") for code in fractures), fractures
    diabetic = codekit.suggest("Diabetic, type 2.", code_sets="icd10cm").codes()
    assert any(code.startswith("E11") for code in diabetic), diabetic
