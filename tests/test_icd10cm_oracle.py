"""Packaged ICD-10-CM FY2026-04 against simple_icd_10_cm 1.5.0, which reads the same CDC XML.

Every chapter, block, category and code is compared: same items, kinds, descriptions,
parents, billable/leaf flag, excludes1 and excludes2. Titles are compared as CMS spells
them (no accents), and without the 7th character's note simple_icd_10_cm appends after a
"/" (CMS titles never carry it: see test_icd10cm_truth.py).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import pytest

import codekit
from codekit import _registry
from codekit.plugins import CodeRecord

simple = pytest.importorskip("simple_icd_10_cm")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fy2026() -> list[CodeRecord]:  # the April 2026 update
    release = _registry.current().select("icd10cm", release="FY2026-04")
    return list(release.source().records())


def _kind_check(code: str, kind: str) -> bool:
    checks = {
        "chapter": simple.is_chapter,
        "block": simple.is_block,
        "category": simple.is_category,
        "code": simple.is_subcategory,
    }
    return bool(checks[kind](code))


def test_same_items(fy2026: list[CodeRecord]) -> None:
    ours = {record.code for record in fy2026}
    theirs = set(simple.get_all_codes(True))
    assert ours == theirs
    assert len(ours) == 98_466


def test_billable_count_is_cms_fy2026_count(fy2026: list[CodeRecord]) -> None:
    billable = [r for r in fy2026 if r.billable]
    assert len(billable) == 74_719
    assert all(r.kind in ("category", "code") for r in billable)


def _clean(text: str) -> str:
    # The XML carries stray tabs, doubled and leading spaces ("/\tadvanced dry stage",
    # " Genetic disorders"); codekit folds white space, so compare ignoring white space.
    return "".join(text.split())


def _cms(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    return _clean("".join(c for c in plain if not unicodedata.combining(c)))


def _same_title(code: str, theirs: str, ours: str) -> bool:
    theirs, ours = _cms(theirs), _clean(ours)
    return theirs == ours or (len(code) == 8 and theirs.startswith(f"{ours}/"))


def _mismatches(fy2026: list[CodeRecord]) -> Iterator[str]:
    for record in fy2026:
        code, kind = record.code, record.kind
        as_block = kind in ("block", "chapter")
        if not _kind_check(code, kind):
            yield f"{code}: kind {kind}"
        theirs_text = simple.get_description(code, prioritize_blocks=as_block)
        if not _same_title(code, theirs_text, record.description):
            yield f"{code}: description {record.description!r}"
        if simple.get_parent(code, prioritize_blocks=as_block) != (record.parent or ""):
            yield f"{code}: parent {record.parent!r}"
        if kind in ("category", "code") and simple.is_leaf(code) != record.billable:
            yield f"{code}: billable {record.billable}"
        for note in ("excludes1", "excludes2"):
            theirs = getattr(simple, f"get_{note}")(code, prioritize_blocks=as_block)
            ours = [_clean(t) for t in record.notes.get(note, ())]
            if ours != [_clean(t) for t in theirs]:
                yield f"{code}: {note} {record.notes.get(note)!r} != {theirs!r}"


def test_every_item_agrees(fy2026: list[CodeRecord]) -> None:
    problems = list(_mismatches(fy2026))
    assert problems == [], f"{len(problems)} mismatches, first: {problems[:10]}"


def test_public_lookup_agrees_on_a_block_category_pair() -> None:
    # B20 is both a block (section) and a category: lookup returns the category, and the
    # category's parent is the block of the same name.
    category = codekit.lookup("B20")
    assert category.kind == "category"
    assert category.description == simple.get_description("B20")
    block = category.parent_code()
    assert block is not None
    assert block.kind == "block"
    assert block.description == simple.get_description("B20", prioritize_blocks=True)
