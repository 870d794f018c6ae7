"""Hypothesis properties of normalisation and lookup."""

from __future__ import annotations

import contextlib
from functools import cache
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import codekit
from codekit import _registry
from codekit._normalize import compact
from codekit.exceptions import CodekitError


@cache
def _billable_codes() -> tuple[str, ...]:
    source = _registry.current().select("icd10cm", release="FY2026").source()
    return tuple(r.code for r in source.records() if r.billable)


billable = st.integers(min_value=0, max_value=74_718).map(lambda i: _billable_codes()[i])


def _respell(code: str, data: st.DataObject) -> str:
    """The same code as a user might type it: any case, dot or not, stray spaces."""
    text = code.replace(".", "") if data.draw(st.booleans()) else code
    text = "".join(c.lower() if data.draw(st.booleans()) else c for c in text)
    pad = data.draw(st.sampled_from(["", " ", "  ", "\t"]))
    return f"{pad}{text}{pad}"


@given(billable, st.data())
def test_normalisation_is_idempotent(code: str, data: st.DataObject) -> None:
    typed = _respell(code, data)
    once = codekit.normalize(typed, code_set="icd10cm")
    assert once == code
    assert codekit.normalize(once, code_set="icd10cm") == once


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789. ", max_size=10))
def test_compact_is_idempotent(text: str) -> None:
    try:
        first, dot = compact(text)
    except CodekitError:
        return
    assert compact(first) == (first, None)
    assert dot is None or 0 < dot <= len(first)


@given(billable, st.data())
def test_get_and_lookup_agree(code: str, data: st.DataObject) -> None:
    typed = _respell(code, data)
    assert codekit.get(typed, code_set="icd10cm") == codekit.lookup(typed, code_set="icd10cm")


@given(billable)
def test_billable_codes_chain_to_a_chapter(code: str) -> None:
    ancestors = codekit.lookup(code, code_set="icd10cm").ancestors()
    assert ancestors[-1].kind == "chapter"
    assert ancestors[-2].kind == "block"
    kinds = [a.kind for a in ancestors]
    assert kinds == sorted(kinds, key=["code", "category", "block", "chapter"].index)


@given(
    st.one_of(
        st.text(max_size=12),
        st.integers(),
        st.none(),
        st.binary(max_size=8),
        st.lists(st.text(max_size=3), max_size=2),
        st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
    )
)
def test_malformed_input_raises_only_codekit_errors(value: object) -> None:
    for call in (codekit.lookup, codekit.get, codekit.describe):
        with contextlib.suppress(CodekitError):
            call(value)  # type: ignore[arg-type]


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.", min_size=3, max_size=8))
def test_is_valid_never_raises_for_icd10cm(text: str) -> None:
    assume(text.count(".") <= 1)
    assert codekit.is_valid(text, code_set="icd10cm") in (True, False)


# -- every lookup face, any argument of any type (issue 11) --------------------------------

anything = st.one_of(
    st.text(max_size=20),
    st.text(alphabet="ABCDEFGJKSVZ0123456789. ", max_size=9),  # code-like
    st.sampled_from(["E1122", "J1100", "G0008", "A0100", "25", "11", "250.00", "99213"]),
    st.integers(),
    st.floats(),
    st.none(),
    st.booleans(),
    st.binary(max_size=8),
    st.lists(st.text(max_size=8), max_size=3),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
)
code_set_arg = st.one_of(
    st.none(),
    st.sampled_from(["icd10cm", "hcpcs", "cpt", "modifier", "pos", "icd9cm", "icd10pcs"]),
    anything,
)
kind_arg = st.one_of(
    st.none(), st.sampled_from(["diagnosis", "procedure", "modifier", "place_of_service"]), anything
)
date_arg = st.one_of(
    st.none(),
    st.dates().map(str),
    st.dates().map(lambda d: f"{d} garbage"),
    st.dates(),
    anything,
)


@pytest.mark.filterwarnings("ignore::codekit.exceptions.StaleDataWarning")
@given(anything, code_set_arg, st.one_of(st.none(), anything), kind_arg, date_arg)
def test_lookup_faces_raise_only_codekit_errors(
    code: object, code_set: object, code_sets: object, kind: object, as_of: object
) -> None:
    arguments: dict[str, Any] = {
        "code_set": code_set,
        "code_sets": code_sets,
        "kind": kind,
        "as_of": as_of,
    }
    for call in (codekit.lookup, codekit.get, codekit.describe, codekit.is_valid, codekit.page):
        with contextlib.suppress(CodekitError):
            call(code, **arguments)  # type: ignore[arg-type]
    with contextlib.suppress(CodekitError):
        codekit.normalize(code, code_set=code_set, code_sets=code_sets, kind=kind)  # type: ignore[arg-type]
    for bulk in (codekit.describe_many, codekit.get_many):
        column = code if isinstance(code, list) else [code, "E11.9", code]
        with contextlib.suppress(CodekitError):
            bulk(column, **arguments)  # type: ignore[arg-type]


@given(st.lists(anything, max_size=8))
def test_is_valid_is_a_bool_for_any_value(values: list[object]) -> None:
    for value in values:
        with contextlib.suppress(CodekitError):
            assert codekit.is_valid(value) in (True, False)  # type: ignore[arg-type]
