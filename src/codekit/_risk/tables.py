"""The coefficient tables: one release per model and payment year (kind ``risk_coefficients``).

A release's data is a :class:`ModelTable`: CMS's relative factors by variable name (upper
case, as CMS's software names them: ``CNA_HCC37``), the model's age and sex edits, and the
payment year's normalization factor and MA coding-pattern adjustment with their sources.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import json
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from codekit._risk.esrd import GRAFT_SEGMENTS
from codekit._store import packaged
from codekit.models import DataRelease

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["FILE", "KIND", "Edit", "ModelTable", "packaged_tables"]

#: The table kind of risk-score coefficient releases.
KIND = "risk_coefficients"
#: The packaged data (written by ``scripts/build_risk.py``).
FILE = "risk-coefficients.json.gz"


@attrs.frozen
class Edit:
    """One age or sex edit of CMS's software, applied to a diagnosis before the hierarchies.

    ``kind`` is ``"sex"`` (fires for ``sex``, ``"1"`` male or ``"2"`` female), ``"age"`` or
    ``"mce_age"`` (fires when the age is at most ``age_max`` or at least ``age_min``);
    ``action`` is ``"invalid"`` (the diagnosis counts for nothing) or ``"override"`` (it
    counts for HCC ``hcc`` instead).
    """

    kind: str
    sex: str | None
    age_min: int | None
    age_max: int | None
    action: str
    hcc: str | None

    def fires(self, age: int, sex: str) -> bool:
        if self.kind == "sex":
            return self.sex == sex
        return (self.age_max is not None and age <= self.age_max) or (
            self.age_min is not None and age >= self.age_min
        )


class ModelTable:
    """One model's relative factors for one payment year, with its adjustments."""

    def __init__(self, data: Mapping[str, Any], edits: Mapping[str, Edit], source: str) -> None:
        self.model: str = data["model"]
        self.payment_year: int = int(data["payment_year"])
        self.status: str = data["status"]
        self.coefficients: Mapping[str, float] = MappingProxyType(
            {name.upper(): float(value) for name, value in data["coefficients"].items()}
        )
        self.edits = edits
        norm = data.get("normalization")
        #: The payment year's normalization factor (the ESRD models: the dialysis one).
        self.normalization: float | None = None if norm is None else float(norm["factor"])
        #: The ESRD models' functioning-graft normalization factor (None: the same factor).
        self.graft_normalization: float | None = (
            None if norm is None or norm.get("graft") is None else float(norm["graft"])
        )
        self.normalization_source: str = "" if norm is None else norm["source"]
        intensity = data["coding_intensity"]
        self.coding_intensity: float = float(intensity["factor"])
        self.coding_intensity_source: str = intensity["source"]
        #: Where the factors come from (for each factor's provenance).
        self.source = source

    def normalization_of(self, segment: str) -> float | None:
        """The normalization factor of a member in ``segment``: CMS normalizes the ESRD
        functioning-graft segments (graft, graft new enrollee) by a factor of their own."""
        if self.graft_normalization is not None and segment in GRAFT_SEGMENTS:
            return self.graft_normalization
        return self.normalization

    def __repr__(self) -> str:
        return f"<ModelTable {self.model} {self.payment_year} ({len(self.coefficients)} factors)>"


@functools.cache
def _read() -> dict[str, Any]:
    raw = resources.files("codekit.data").joinpath(FILE).read_bytes()
    data: dict[str, Any] = json.loads(gzip.decompress(raw))
    return data


def packaged_tables() -> list[tuple[DataRelease, Any]]:
    """Every packaged release with a zero-argument loader of its :class:`ModelTable`.

    The releases come from the packaged manifest (read with the other packaged manifests
    when the registry is built); a loader reads the factors file, once, on first use.
    """
    found: list[tuple[DataRelease, Any]] = []
    for manifest in packaged.manifests():
        if manifest.get("kind") != KIND:
            continue
        for entry in manifest["releases"]:
            year = int(entry["payment_year"])
            origin = entry.get("source", manifest["source"])
            sha256 = manifest.get("sources", {}).get(origin["package"], manifest["source"])[
                "sha256"
            ]
            release = DataRelease(
                code_set=entry["model"],
                release=str(year),
                effective=dt.date(year, 1, 1),
                until=dt.date(year, 12, 31),
                origin="packaged",
                source=f"{origin['package']}=={origin['version']}",
                source_file=entry["source_file"],
                sha256=sha256,
                licence=manifest["licence"],
                rows=int(entry["rows"]),
                kind=KIND,
                attributes={"status": entry["status"]},
            )
            source = f"{origin['package']} {origin['version']} {entry['source_file']}"
            found.append((release, functools.partial(_load, entry["model"], year, source)))
    return found


def _load(model: str, year: int, source: str) -> ModelTable:
    data = _read()
    (entry,) = (
        r for r in data["releases"] if r["model"] == model and int(r["payment_year"]) == year
    )
    rules = {
        code: Edit(kind, sex, age_min, age_max, action, hcc)
        for code, kind, sex, age_min, age_max, action, hcc in data["edits"].get(model, [])
    }
    return ModelTable(entry, MappingProxyType(rules), source)
