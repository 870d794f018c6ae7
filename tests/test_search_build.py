"""How a search index file is written (``codekit._search._build``): the static rank of each
name follows the documented counts, on the packaged ICD-10-CM and ICD-10-PCS texts."""

from __future__ import annotations

import sqlite3

import pytest

from codekit import _registry
from codekit._search import _build
from codekit._search._build import OTHER_TEXT, counted_words, head_size, size
from codekit.plugins import CodeRecord


def _packaged(code_set: str) -> list[CodeRecord]:
    try:
        release = _registry.current().select(code_set)
    except LookupError:
        pytest.skip(f"no packaged {code_set} data")
    return list(release.source().records())


@pytest.mark.slow
@pytest.mark.parametrize("code_set", ["icd10cm", "icd10pcs"])
def test_each_name_is_measured_as_size_and_head_size_count_it(code_set: str) -> None:
    # The build measures a text once, in one pass (see _build._Sizes); the counts it keeps
    # must be those the documented rules give, for every description and name of the data.
    sizes = _build._Sizes()
    texts = {
        text
        for record in _packaged(code_set)
        for text in (record.description, *record.notes.get("inclusion_term", ()),
                     *record.notes.get("index_term", ()))
    }  # fmt: skip
    assert len(texts) > 10000
    for text in texts:
        assert sizes[text] == (size(text), size(text, full=True), head_size(text)), text


def test_counted_words_leave_out_what_the_rules_name() -> None:
    # ICD-10-CM's nonessential modifiers in parentheses, the encounter wording of its 7th
    # characters, "unspecified"/"NOS" and stop words do not count (size's docstring).
    text = "Essential (primary) hypertension"
    assert counted_words(text) == ["essential", "hypertension"]
    assert _build._Sizes()[text] == (2, 3, 2)
    injury = "Fracture of unspecified wrist, initial encounter for closed fracture"
    assert counted_words(injury) == ["fracture", "wrist"]
    assert _build._Sizes()[injury] == (2, 2, 2)  # head "Fracture of unspecified wrist"
    assert _build._Sizes()["Pneumonia, unspecified organism"] == (2, 2, 1)


def _rows(records: list[CodeRecord]) -> list[tuple[object, ...]]:
    con = sqlite3.connect(":memory:")
    _build.fill(con, [records], {})
    return con.execute(
        "SELECT n.id, d.code, n.size, n.full, n.term FROM names n JOIN docs d ON d.id = n.doc"
        " ORDER BY n.id"
    ).fetchall()


def test_names_rank_by_size_head_own_encounter_unspecified_billable_length() -> None:
    records = [
        CodeRecord(code="X1", kind="category", billable=False, description="Wrist fracture"),
        CodeRecord(code="X1.0", description="Wrist fracture, unspecified", parent="X1"),
        CodeRecord(code="X1.1", description="Wrist fracture, subsequent encounter", parent="X1"),
        CodeRecord(
            code="X2",
            description="Essential (primary) hypertension",
            short_description="Hypertension",
            notes={"inclusion_term": ("High blood pressure",)},
        ),
        CodeRecord(code="X3", description="Fracture of left wrist bone, open"),
    ]
    rows = _rows(records)
    # The 2-word names first: initial encounters before subsequent ones, "unspecified"
    # items first, billable codes before headings. The heading X1 lends its name to its
    # default code X1.0 (shown as the term matched), which ranks before X1 itself. Then
    # 3 words, 5 words, and other text (a short description) last.
    assert [(code, term) for _, code, _, _, term in rows] == [
        ("X1.0", None),
        ("X1.0", "Wrist fracture"),
        ("X2", None),
        ("X1", None),
        ("X1.1", None),
        ("X2", "High blood pressure"),
        ("X3", None),
        ("X2", "Hypertension"),
    ]
    assert rows[-1][2] == OTHER_TEXT + 2  # other text: after every name, by its item's size
    assert [r[3] for r in rows if r[1] == "X2"] == [3, 3, 2]  # full: words in parentheses too
