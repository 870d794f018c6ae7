"""The ESRD models against hccinfhir 0.4.0's own calculation, on seeded synthetic members.

hccinfhir's ``calculate_raf`` (models ``"CMS-HCC ESRD Model V24"`` and ``"... V21"``, with
its own data for the year) scores the same members as codekit, over every ESRD segment of
both models and both payment years, 5,000 members in all. hccinfhir learns that a member
has ESRD from the current reason for entitlement (``crec="2"``) and of a functioning graft
from ``graft_months``. Where the two
differ, the cause is named, and the comparison is made again with that cause taken out;
then they agree to the last digit. Each cause has a test below, with the rule it breaks:

* **graft new-enrollee cell**: hccinfhir looks ``GNE`` cells up as
  ``GNE_FBD_NORIGDIS_NEF67`` and with the 65-69 band grouped; CMS's table names them
  ``GNE_FBD_NORIGDIS_G_NEF67`` with single years from 65 to 69, so hccinfhir finds none
  and gives a graft new enrollee no demographic cell (V21 alike: ``GNE_MCAID_..._G_NE``);
* **V21 community graft segment**: ESRD V21 has one community functioning-graft segment,
  ``GC``; hccinfhir looks its factors up under V24's prefixes (``GFA_``, ``GNPN_`` ...) and
  finds none, so only the unprefixed duration factors count;
* **dialysis new enrollee of 85 or over**: CMS's ``DNE`` cells end with ``85_GT``;
  hccinfhir asks for ``85_89``, ``90_94`` or ``95_GT`` and finds none;
* **graft institutional factor on dialysis**: hccinfhir adds ``LTI_GE65`` / ``LTI_LT65``
  (unprefixed in CMS's table: the long-term institutional factor of the functioning-graft
  segment ``GI``) to every member flagged institutional, dialysis members too, who have
  their own ``DI_LTI_Aged`` / ``DI_LTI_NonAged``; the comparison takes it out of
  hccinfhir's score;
* **V21 hierarchy**: hccinfhir's PY2025 hierarchy file names ESRD V21's rules
  ``"CMS-HCC ESRD Model V20"``, so hccinfhir applies no hierarchy to ESRD V21 in 2025
  (HCC 8 and HCC 10 both count); the corrected run gives it CMS's program V20H87H1 (from
  ``hccpy``), which codekit applies and which equals hccinfhir's 2026 rules (checked);
* **V21 institutional Medicaid**: CMS's ``GI`` table has ``GI_MCAID`` (a Medicaid member in
  the institutional graft segment); hccinfhir never sets it;
* **dialysis new enrollee entitled by disability under 65**: CMS's ``DNE`` cells of OREC 1
  have no age gate (``DNE_ND_PBD_ORIGDIS_NEM45_54``); hccinfhir sets the originally-disabled
  flag only at 65 or over and looks up the ``NORIGDIS`` cell;
* **new enrollee of 64 entitled by age**: CMS scores a new enrollee of 64 with OREC 0 in
  the 65 cell; hccinfhir's ESRD bands put 64 in ``60_64`` (no seeded member is one: tested
  on its own below);
* **graft new-enrollee actuarial adjustment**: CMS's ESRD V24 table divides a graft new
  enrollee's factors by ``ActAdj_DUR4_9`` (0.905) or ``ActAdj_DUR10PL`` (0.698); hccinfhir
  does not (codekit's ``adjustment`` factor is the amount the division adds);
* **institutional new enrollee**: as in the CMS-HCC models, hccinfhir scores a graft new
  enrollee flagged long-term institutional in ``GI``; a new enrollee has no data year, so
  codekit (as CMS) uses the new-enrollee factors.

Both drop the kidney HCCs 134-137 (V21: 134) before the hierarchies (codekit as
:func:`codekit.hccs` does for ``ESRD_V24`` and ``ESRD_V21``); their factor is 0 in every
ESRD V24 segment of CMS's table (checked below), as is ``HCC85_gRenal_V24``.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path
from typing import Any

import pytest

import codekit
from codekit._risk.tables import packaged_tables
from codekit.exceptions import InvalidMemberError
from codekit.models import DataRelease
from codekit.plugins import hookimpl
from codekit.risk import KIND, ModelTable, risk_scores
from codekit.testing import isolated_registry

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._risk_peer import DUAL_CODE, PEER_MODELS, cms_hierarchy, peer_data  # noqa: E402

PEERS = {model: PEER_MODELS[model] for model in ("ESRD_V24", "ESRD_V21")}
YEARS = (2025, 2026)
PEER = PEERS["ESRD_V24"]
SEGMENTS = {
    "ESRD_V24": {"DI", "DNE", "GI", "GNE", "GFA", "GFN", "GNPA", "GNPN"},
    "ESRD_V21": {"DI", "DNE", "GI", "GNE", "GC"},
}
KIDNEY = {"134", "135", "136", "137", "138"}
CASES = [(m, y) for m in PEERS for y in YEARS]
MEMBERS_PER_CASE = 1250


def peer_score(
    member: dict[str, Any], year: int, model: str = "ESRD_V24", *, hierarchies: Any = None
) -> Any:
    from hccinfhir.model_calculate import calculate_raf

    data = peer_data(year)
    return calculate_raf(
        member["codes"],
        model_name=PEERS[model],
        age=member["age"],
        sex=member["sex"],
        dual_elgbl_cd=DUAL_CODE[member["dual"]],
        orec=member["orec"],
        crec="2",
        new_enrollee=member["new_enrollee"],
        lti=member["institutional"],
        graft_months=member["graft_months"],
        dx_to_cc_mapping=data["dx"],
        hierarchies_mapping=data["hierarchies"] if hierarchies is None else hierarchies,
        coefficients_mapping=data["coefficients"],
    )


def ours(member: dict[str, Any], year: int, model: str = "ESRD_V24") -> codekit.RiskScore:
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
        graft_months=member["graft_months"],
    )


def table(year: int, name: str, model: str = "ESRD_V24") -> float:
    value: float = peer_data(year)["coefficients"][(name.lower(), PEERS[model])]
    return value


def synthetic_members(year: int, model: str = "ESRD_V24") -> list[dict[str, Any]]:
    """Seeded members over every segment, with diagnoses the model maps (edited ones too)."""
    mapping = peer_data(year)["dx"]
    pool = sorted({dx for dx, name in mapping if name == PEERS[model]})
    rng = random.Random(f"risk-{model}-{year}")
    ages = ((0, 17), (18, 64), (65, 84), (85, 104))
    return [
        {
            "age": rng.randint(*rng.choice(ages)),
            "sex": rng.choice("FM"),
            "dual": rng.choice(sorted(DUAL_CODE)),
            "orec": rng.choice("0122333"),
            "institutional": rng.random() < 0.2,
            "new_enrollee": rng.random() < 0.2,
            "graft_months": rng.choice([None, None, rng.randint(4, 9), rng.randint(10, 60)]),
            "codes": rng.sample(pool, rng.randint(0, 10)),
        }
        for _ in range(MEMBERS_PER_CASE)
    ]


def explained(
    member: dict[str, Any], score: codekit.RiskScore
) -> tuple[dict[str, Any], float, set[str]]:
    """The member as hccinfhir must be asked, the part of codekit's score hccinfhir cannot
    find (a cell it names wrongly), and the causes that applied."""
    fixed = dict(member)
    causes: set[str] = set()
    missing = 0.0
    if member["new_enrollee"] and member["institutional"] and member["graft_months"]:
        fixed["institutional"] = False
        causes.add("institutional new enrollee")
    cells = [f for f in score.factors if f.variable.startswith(("GNE_", "DNE_"))]
    if score.segment == "GNE":
        missing = sum(f.coefficient for f in cells)
        causes.add("graft new-enrollee cell")
        adjusted = [f.coefficient for f in score.factors if f.kind == "adjustment"]
        if adjusted:
            missing += sum(adjusted)
            causes.add("graft new-enrollee actuarial adjustment")
    elif score.segment == "GI" and any(f.variable == "GI_MCAID" for f in score.factors):
        missing = sum(f.coefficient for f in score.factors if f.variable == "GI_MCAID")
        causes.add("V21 institutional Medicaid")
    elif score.segment == "GC":
        missing = sum(f.coefficient for f in score.factors if f.variable.startswith("GC_"))
        causes.add("V21 community graft segment")
    elif score.segment == "DNE" and member["age"] >= 85:
        missing = sum(f.coefficient for f in cells)
        causes.add("dialysis new enrollee of 85 or over")
    elif score.segment == "DNE" and (
        (member["orec"] == "1" and member["age"] < 65)
        or (member["age"] == 64 and member["orec"] == "0")
    ):
        # hccinfhir's cell: the originally-disabled flag only at 65 or over, 64 in 60-64
        (cell,) = cells
        theirs = cell.variable.replace("_ORIGDIS_", "_NORIGDIS_").replace("65_69", "60_64")
        missing = cell.coefficient - table(score.payment_year, theirs, score.model)
        causes.add(
            "dialysis new enrollee entitled by disability under 65"
            if member["orec"] == "1"
            else "new enrollee of 64 entitled by age"
        )
    return fixed, missing, causes


@pytest.mark.parametrize(("model", "year"), CASES, ids=[f"{m}-{y}" for m, y in CASES])
def test_esrd_scores_equal_hccinfhir_with_every_difference_explained(model: str, year: int) -> None:
    segments: set[str] = set()
    found: dict[str, int] = {}
    agreed = 0
    members = synthetic_members(year, model)
    for member in members:
        score = ours(member, year, model)
        segments.add(score.segment)
        raw = peer_score(member, year, model)
        if abs(score.score - raw.risk_score) < 1e-9:
            agreed += 1
        fixed, missing, causes = explained(member, score)
        cms = cms_hierarchy("ESRD_V21") if model == "ESRD_V21" else None
        peer = peer_score(fixed, year, model, hierarchies=cms)
        if cms is not None and sorted(peer.hcc_list) != sorted(
            peer_score(fixed, year, model).hcc_list
        ):
            causes.add("V21 hierarchy")
        extra = 0.0
        if score.segment in ("DI", "DNE"):
            extra = sum(peer.coefficients.get(name, 0.0) for name in ("LTI_GE65", "LTI_LT65"))
            if extra:
                causes.add("graft institutional factor on dialysis")
        assert score.score - missing == pytest.approx(peer.risk_score - extra, abs=1e-9), (
            member,
            causes,
        )
        assert sorted(h.hcc for h in score.hccs) == sorted(peer.hcc_list), member
        if abs(score.score - raw.risk_score) >= 1e-9:
            assert causes, member
            for cause in causes:
                found[cause] = found.get(cause, 0) + 1
    assert segments == SEGMENTS[model]  # every segment was scored
    assert agreed > (0.75 if model == "ESRD_V24" else 0.4) * len(members)
    # each cause is real: it changed some members' scores
    expected = {
        "institutional new enrollee",
        "graft new-enrollee cell",
        "dialysis new enrollee of 85 or over",
        "dialysis new enrollee entitled by disability under 65",
    }
    if model == "ESRD_V24":  # V21 has no unprefixed LTI factor, no actuarial adjustment
        expected |= {
            "graft institutional factor on dialysis",
            "graft new-enrollee actuarial adjustment",
        }
    else:
        expected |= {"V21 community graft segment", "V21 institutional Medicaid"}
        if year == 2025:
            expected.add("V21 hierarchy")
    assert set(found) == expected


def test_kidney_hccs_have_no_factor_in_any_esrd_segment() -> None:
    for year in YEARS:
        for segment in SEGMENTS["ESRD_V24"] - {"DNE", "GNE"}:
            for hcc in KIDNEY:
                assert table(year, f"{segment}_HCC{hcc}") == 0.0
            renal = (f"{segment}_HCC85_gRenal_V24".lower(), PEER)
            assert peer_data(year)["coefficients"].get(renal, 0.0) == 0.0


def test_a_graft_new_enrollee_has_cms_single_year_cell() -> None:
    member = {"age": 67, "sex": "F", "dual": "full", "orec": "2", "institutional": False,
              "new_enrollee": True, "graft_months": 20, "codes": []}  # fmt: skip
    assert peer_score(member, 2026).risk_score == pytest.approx(
        table(2026, "FGC_GE65_DUR10PL_FBD")
    )  # the duration factor only: no cell
    score = ours(member, 2026)
    assert {(f.variable, f.coefficient) for f in score.factors} == {
        ("GNE_FBD_NORIGDIS_G_NEF67", table(2026, "GNE_FBD_NORIGDIS_G_NEF67")),
        ("FGC_GE65_DUR10PL_FBD", table(2026, "FGC_GE65_DUR10PL_FBD")),
    } | {(f.variable, f.coefficient) for f in score.factors if f.kind == "adjustment"}
    assert [f.variable for f in score.factors if f.kind == "adjustment"] == ["ActAdj_DUR10PL"]


def test_a_dialysis_new_enrollee_of_90_is_in_the_85_and_over_cell() -> None:
    member = {"age": 90, "sex": "M", "dual": "partial", "orec": "0", "institutional": False,
              "new_enrollee": True, "graft_months": None, "codes": ["E119"]}  # fmt: skip
    assert peer_score(member, 2025).risk_score == 0.0
    score = ours(member, 2025)
    [factor] = score.factors
    assert factor.variable == "DNE_ND_PBD_NORIGDIS_NEM85_GT"
    assert factor.coefficient == table(2025, "DNE_ND_PBD_NORIGDIS_NEM85_GT")


def test_an_institutional_graft_new_enrollee_gets_new_enrollee_factors() -> None:
    member = {"age": 50, "sex": "M", "dual": "none", "orec": "2", "institutional": True,
              "new_enrollee": True, "graft_months": 5, "codes": []}  # fmt: skip
    assert peer_score(member, 2026).demographics.lti  # the peer: GI
    assert ours(member, 2026).segment == "GNE"


def test_dialysis_institutional_and_graft_factors_are_cms_names() -> None:
    """DI adds ``DI_LTI_Aged``; GI adds ``LTI_GE65`` and ``FGI_`` durations, unprefixed."""
    member = {"age": 70, "sex": "F", "dual": "none", "orec": "2", "institutional": True,
              "new_enrollee": False, "graft_months": None, "codes": []}  # fmt: skip
    dialysis = ours(member, 2026)
    assert [f.variable for f in dialysis.factors] == [
        "DI_F70_74", "DI_Originally_ESRD_Female", "DI_LTI_Aged"]  # fmt: skip
    graft = ours({**member, "graft_months": 12}, 2026)
    assert graft.segment == "GI"
    assert {f.variable for f in graft.factors} == {
        "GI_F70_74",
        "LTI_GE65",
        "FGI_GE65_DUR10PL_ND_PBD",
    }
    assert graft.score == pytest.approx(peer_score({**member, "graft_months": 12}, 2026).risk_score)
    peer = peer_score(member, 2026)  # on dialysis: the graft's LTI_GE65 added as well
    assert peer.coefficients["LTI_GE65"] == table(2026, "LTI_GE65") > 0
    assert dialysis.score == pytest.approx(peer.risk_score - table(2026, "LTI_GE65"))


def test_the_esrd_model_has_the_hccs_of_codekit_hccs() -> None:
    codes = ["N18.6", "N18.4", "E11.9", "I50.9"]  # ESRD, CKD 4, diabetes, heart failure
    score = codekit.risk_score(codes, model="esrd v24", payment_year=2026, age=70, sex="F")
    assert score.model == "ESRD_V24"
    mapped = codekit.hccs(codes, model="ESRD_V24", payment_year=2026)
    assert [h.hcc for h in score.hccs] == [h.hcc for h in mapped] == ["19", "85"]


def test_hccinfhir_2025_has_no_esrd_v21_hierarchy_and_2026_equals_cms_program() -> None:
    program = cms_hierarchy("ESRD_V21")
    assert {"10", "12"} <= program[("8", PEERS["ESRD_V21"])]
    assert {
        k: v for k, v in peer_data(2026)["hierarchies"].items() if k[1] == PEERS["ESRD_V21"]
    } == program
    assert not [k for k in peer_data(2025)["hierarchies"] if k[1] == PEERS["ESRD_V21"]]
    assert [k for k in peer_data(2025)["hierarchies"] if k[1] == "CMS-HCC ESRD Model V20"]
    member = {"age": 70, "sex": "F", "dual": "none", "orec": "2", "institutional": False,
              "new_enrollee": False, "graft_months": None, "codes": ["C7911", "C7259"]}  # fmt: skip
    assert sorted(peer_score(member, 2025, "ESRD_V21").hcc_list) == ["10", "8"]
    assert [h.hcc for h in ours(member, 2025, "ESRD_V21").hccs] == ["8"]


def test_a_v21_community_graft_member_is_scored_in_gc() -> None:
    member = {"age": 70, "sex": "M", "dual": "partial", "orec": "2", "institutional": False,
              "new_enrollee": False, "graft_months": 6, "codes": ["E119"]}  # fmt: skip
    peer = peer_score(member, 2026, "ESRD_V21")
    assert peer.coefficients == {"GE65_DUR4_9": table(2026, "GE65_DUR4_9", "ESRD_V21")}
    score = ours(member, 2026, "ESRD_V21")
    assert score.segment == "GC"
    names = ["GC_M70_74", "GC_Originally_ESRD_Male", "GC_MCAID_Male_Aged", "GE65_DUR4_9"]
    expected = [(n, table(2026, n, "ESRD_V21")) for n in names if (n.lower(), PEERS["ESRD_V21"])
                in peer_data(2026)["coefficients"]]  # fmt: skip
    expected.append(("GC_HCC19", table(2026, "GC_HCC19", "ESRD_V21")))
    assert sorted((f.variable, f.coefficient) for f in score.factors) == sorted(expected)


def test_graft_months_are_checked() -> None:
    for months in (0, -1, 2.5, True, "12"):
        with pytest.raises(InvalidMemberError, match="graft_months"):
            codekit.risk_score([], model="ESRD_V24", age=50, sex="F", graft_months=months)  # type: ignore[arg-type]
    with pytest.raises(InvalidMemberError, match="ESRD model"):
        codekit.risk_score([], model="V28", age=50, sex="F", graft_months=12)
    with pytest.raises(InvalidMemberError, match="DI, DNE"):
        codekit.risk_score([], model="ESRD_V24", age=50, sex="F", segment="CNA")
    with pytest.warns(codekit.exceptions.StaleDataWarning, match="ESRD_V24"):  # no 2028 table
        late = codekit.risk_score([], model="ESRD_V24", payment_year=2028, age=50, sex="F")
    assert late.payment_year == 2027


def test_batch_scores_esrd_members_as_one_by_one() -> None:
    import pandas as pd

    members = synthetic_members(2026)[:300]
    frame = pd.DataFrame(
        {
            "age": [m["age"] for m in members],
            "sex": [m["sex"] for m in members],
            "dual": [m["dual"] for m in members],
            "orec": [m["orec"] for m in members],
            "institutional": [m["institutional"] for m in members],
            "new_enrollee": [m["new_enrollee"] for m in members],
            "graft_months": [m["graft_months"] for m in members],
            "diagnoses": [m["codes"] for m in members],
        }
    )
    result = risk_scores(frame, model="ESRD_V24", payment_year=2026)
    for member, (_, row) in zip(members, result.iterrows(), strict=True):
        one = ours(member, 2026)
        assert row["segment"] == one.segment
        assert row["risk_score"] == pytest.approx(one.score, abs=1e-9)


# -- CMS's new-enrollee rules and the actuarial adjustment (truth: CMS's table cells) --------
def _cells(score: codekit.RiskScore) -> list[tuple[str, float]]:
    return [(f.variable, f.coefficient) for f in score.factors]


def test_an_esrd_new_enrollee_of_64_entitled_by_age_has_the_65_cell() -> None:
    """CMS's new-enrollee rule (as in the CMS-HCC models): 64 with OREC 0 is scored as 65."""
    kw: dict[str, Any] = {"model": "ESRD_V24", "payment_year": 2026, "sex": "F"}
    dne = codekit.risk_score([], age=64, orec="0", new_enrollee=True, **kw)
    name = "DNE_ND_PBD_NORIGDIS_NEF65_69"
    assert _cells(dne) == [(name, table(2026, name))]
    gne = codekit.risk_score([], age=64, orec="0", new_enrollee=True, graft_months=12, **kw)
    assert gne.factors[0].variable == "GNE_ND_PBD_NORIGDIS_G_NEF65"
    assert gne.factors[0].coefficient == table(2026, "GNE_ND_PBD_NORIGDIS_G_NEF65")
    esrd = codekit.risk_score([], age=64, orec="2", new_enrollee=True, **kw)  # not by age
    assert esrd.factors[0].variable == "DNE_ND_PBD_NORIGDIS_NEF60_64"
    v21 = codekit.risk_score([], age=64, orec="0", new_enrollee=True, model="ESRD_V21", sex="M")
    assert v21.factors[0].variable == "DNE_NMCAID_NORIGDIS_NEM65_69"


def test_a_dialysis_new_enrollee_entitled_by_disability_under_65_has_the_origdis_cell() -> None:
    """CMS's dialysis new-enrollee cells of OREC 1 start at 0-34 (no age gate); the graft
    new-enrollee ones are for 65 and over only."""
    kw: dict[str, Any] = {"model": "ESRD_V24", "payment_year": 2026, "sex": "M", "orec": "1"}
    name = "DNE_ND_PBD_ORIGDIS_NEM45_54"
    assert table(2026, name) != table(2026, "DNE_ND_PBD_NORIGDIS_NEM45_54")
    dne = codekit.risk_score([], age=50, new_enrollee=True, **kw)
    assert _cells(dne) == [(name, table(2026, name))]
    gne = codekit.risk_score([], age=50, new_enrollee=True, graft_months=12, **kw)
    assert gne.factors[0].variable == "GNE_ND_PBD_NORIGDIS_G_NEM45_54"


@pytest.mark.parametrize(("months", "duration"), [(6, "DUR4_9"), (30, "DUR10PL")])
def test_a_v24_graft_new_enrollee_is_divided_by_the_actuarial_adjustment(
    months: int, duration: str
) -> None:
    """CMS's ESRD V24 table: a graft new enrollee's cell and duration factor, divided by
    ``ActAdj_DUR4_9`` (0.905) or ``ActAdj_DUR10PL`` (0.698)."""
    divisor = table(2026, f"ActAdj_{duration}")
    assert divisor == {"DUR4_9": 0.905, "DUR10PL": 0.698}[duration]
    kw: dict[str, Any] = {"payment_year": 2026, "age": 70, "sex": "F", "new_enrollee": True}
    score = codekit.risk_score([], model="ESRD_V24", graft_months=months, **kw)
    cell, bump = "GNE_ND_PBD_NORIGDIS_G_NEF70_74", f"FGC_GE65_{duration}_ND_PBD"
    before = table(2026, cell) + table(2026, bump)
    assert score.score == pytest.approx(before / divisor, abs=1e-12)
    assert [f.variable for f in score.factors] == [cell, bump, f"ActAdj_{duration}"]
    (adjustment,) = [f for f in score.factors if f.kind == "adjustment"]
    assert adjustment.coefficient == pytest.approx(before / divisor - before, abs=1e-12)
    assert score.score == pytest.approx(sum(f.coefficient for f in score.factors), abs=1e-12)
    # a V24 continuing enrollee and a V21 graft new enrollee are not adjusted
    ce = codekit.risk_score([], model="ESRD_V24", payment_year=2026, age=70, sex="F",
                            graft_months=months)  # fmt: skip
    assert all(f.kind != "adjustment" for f in ce.factors)
    v21 = codekit.risk_score([], model="ESRD_V21", graft_months=months, **kw)
    assert all(f.kind != "adjustment" for f in v21.factors)
    frame = risk_scores(
        __import__("pandas").DataFrame(
            {
                "age": [70],
                "sex": ["F"],
                "new_enrollee": [True],
                "graft_months": [months],
                "diagnoses": [[]],
            }
        ),
        model="ESRD_V24",
        payment_year=2026,
    )
    assert frame["risk_score"].iloc[0] == pytest.approx(score.score, abs=1e-12)


# -- kidney transplant months 1-3 ----------------------------------------------------------
@pytest.mark.parametrize(
    ("model", "figures"), [("ESRD_V24", (5.985, 0.941, 0.941)), ("ESRD_V21", (6.03, 0.895, 0.895))]
)
def test_the_kidney_transplant_months_are_cms_flat_factors(
    model: str, figures: tuple[float, ...]
) -> None:
    """CMS's ESRD tables: months 1 to 3 after a kidney transplant are one flat factor each,
    whatever the diagnoses and demographics (CMS's 2004 ESRD capitation document)."""
    for year in (2025, 2026, 2027):
        for months, figure in zip((1, 2, 3), figures, strict=True):
            name = f"TRANSPLANT_KIDNEY_ONLY_{months}M"
            if year < 2027:
                assert table(year, name, model) == figure
            score = codekit.risk_score(
                ["E11.9", "I50.9"], model=model, payment_year=year, age=50, sex="M",
                dual="full", institutional=True, graft_months=months,
            )  # fmt: skip
            assert score.segment == "TRANSPLANT"
            assert [(f.variable, f.coefficient) for f in score.factors] == [(name, figure)]
            assert score.score == figure
            if score.normalization_factor is not None:  # the dialysis factor
                dialysis = codekit.risk_score([], model=model, payment_year=year, age=50, sex="M")
                assert score.normalization_factor == dialysis.normalization_factor
    named = codekit.risk_score([], model=model, age=70, sex="F", graft_months=2,
                               segment="TRANSPLANT")  # fmt: skip
    assert named.score == figures[1]
    with pytest.raises(InvalidMemberError, match="graft_months"):
        codekit.risk_score([], model=model, age=70, sex="F", segment="TRANSPLANT")


def test_batch_scores_transplant_months_and_names_a_row_without_the_factor() -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {"age": [50, 70, 80], "sex": ["M", "F", "F"], "graft_months": [1, 3, 12],
         "diagnoses": [["E11.9"], [], ["I50.9"]]},
        index=["a", "b", "c"],
    )  # fmt: skip
    result = risk_scores(frame, model="ESRD_V24", payment_year=2026)
    assert result["segment"].tolist() == ["TRANSPLANT", "TRANSPLANT", "GNPA"]
    assert result["risk_score"].tolist()[:2] == [5.985, 0.941]
    one = codekit.risk_score(["I50.9"], model="ESRD_V24", payment_year=2026, age=80, sex="F",
                             graft_months=12)  # fmt: skip
    assert result["payment_score"].tolist() == [
        round(round(5.985 / 1.062 + 1e-12, 3) * 0.941 + 1e-12, 3),
        round(round(0.941 / 1.062 + 1e-12, 3) * 0.941 + 1e-12, 3),
        one.payment_score,
    ]
    with isolated_registry(NoTransplant()):
        with pytest.raises(InvalidMemberError, match=r"row 'a'.*TRANSPLANT_KIDNEY_ONLY_1M"):
            risk_scores(frame, model="ESRD_V24", payment_year=2028)
        with pytest.raises(InvalidMemberError, match="TRANSPLANT_KIDNEY_ONLY_3M"):
            codekit.risk_score([], model="ESRD_V24", payment_year=2028, age=70, sex="F",
                               graft_months=3)  # fmt: skip


class NoTransplant:
    """A plugin's ESRD V24 table for 2028 without CMS's transplant-month factors."""

    @hookimpl
    def codekit_register(self, registrar: Any) -> None:
        (load,) = [
            load
            for release, load in packaged_tables()
            if (release.name, release.release) == ("ESRD_V24", "2027")
        ]
        base = load()
        entry = {
            "model": "ESRD_V24",
            "payment_year": 2028,
            "status": "final",
            "coefficients": {
                k: v for k, v in base.coefficients.items() if not k.startswith("TRANSPLANT")
            },
            "normalization": None,
            "coding_intensity": {"factor": 0.059, "source": "a plugin"},
        }
        release = DataRelease(
            code_set="ESRD_V24",
            release="2028",
            kind=KIND,
            effective=dt.date(2028, 1, 1),
            origin="plugin",
        )
        registrar.add_table(KIND, release, lambda: ModelTable(entry, base.edits, "a plugin"))
