"""Which NCCI tables are installed, and choosing one for a date of service.

Tables arrive as data packs (:mod:`codekit._store.packs`) of three kinds — ``ncci_ptp``,
``ncci_mue`` and ``ncci_aoc`` — one pack per quarter, setting and program. Release ids are
``<quarter>-<setting>`` (``2026Q3-practitioner``, ``2026Q3-outpatient_hospital``,
``2026Q3-dme``) with ``-medicaid`` appended for Medicaid tables; AOC releases are the quarter
alone (``2026Q2``), as CMS publishes one AOC table for every setting.

Selection: the newest table of the setting and program whose effective date is on or before
the date of service (``as_of`` when given). PTP and AOC rows carry their own effective and
deletion dates, so for a date before the oldest installed table that oldest table still
answers; an MUE table has no dates inside and then answers nothing (the report says so).
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from codekit._ncci.model import Provenance
from codekit._ncci.tables import AocTable, MueTable, PtpTable, open_table

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["PACK_KINDS", "Installed", "installed", "release_id", "select"]

#: Pack kind of each NCCI table.
PACK_KINDS: dict[str, str] = {"ptp": "ncci_ptp", "mue": "ncci_mue", "aoc": "ncci_aoc"}
_TITLES = {"ptp": "PTP", "mue": "MUE", "aoc": "AOC"}


def release_id(table: str, quarter: str, setting: str, program: str) -> str:
    """The pack release id of a table (see the module docstring)."""
    base = quarter if table == "aoc" else f"{quarter}-{setting}"
    return base if program == "medicare" else f"{base}-{program}"


@attrs.frozen(kw_only=True)
class Installed:
    """One installed NCCI table."""

    table: str
    setting: str
    program: str
    release: str
    effective: dt.date
    until: dt.date | None
    path: Path
    source_files: tuple[str, ...]
    manifest: Mapping[str, Any] = attrs.field(eq=False, repr=False)

    provenance: Provenance = attrs.field(init=False, eq=False, repr=False)

    @provenance.default
    def _provenance(self) -> Provenance:
        return Provenance(
            table=_TITLES[self.table],  # type: ignore[arg-type]
            setting=self.setting,
            program=self.program,
            release=self.release,
            source_file=", ".join(self.source_files),
        )

    def covers(self, day: dt.date) -> bool:
        return self.effective <= day and (self.until is None or day <= self.until)


_lock = threading.Lock()
_cache: dict[str, Any] = {"generation": None, "installed": (), "tables": {}}


def installed() -> tuple[Installed, ...]:
    """Every installed NCCI table (re-read after a pack is installed or removed)."""
    from codekit import _registry
    from codekit._store.packs import data_dir, list_packs

    key = (_registry.generation(), str(data_dir()))
    with _lock:
        if _cache["generation"] == key:
            return _cache["installed"]  # type: ignore[no-any-return]
        found = []
        for table, kind in PACK_KINDS.items():
            for pack in list_packs(kind):
                manifest = pack.manifest
                found.append(
                    Installed(
                        table=table,
                        setting=str(manifest.get("setting", "all")),
                        program=str(manifest.get("program", "medicare")),
                        release=pack.release,
                        effective=pack.effective,
                        until=pack.until,
                        path=pack.path,
                        source_files=tuple(manifest.get("source_files", ())),
                        manifest=manifest,
                    )
                )
        found.sort(key=lambda t: (t.table, t.setting, t.program, t.effective, t.release))
        _cache.update(generation=key, installed=tuple(found), tables={})
        return tuple(found)


def load(entry: Installed) -> PtpTable | MueTable | AocTable:
    """The loaded table of an installed entry (opened once per process)."""
    tables: dict[Path, Any] = _cache["tables"]
    table = tables.get(entry.path)
    if table is None:
        table = open_table(entry.path)
        tables[entry.path] = table
    return table


def select(table: str, setting: str, program: str, day: dt.date) -> Installed | None:
    """The table to use on ``day`` (see the module docstring), or ``None``."""
    candidates = [
        t
        for t in installed()
        if t.table == table and t.program == program and (table == "aoc" or t.setting == setting)
    ]
    if not candidates:
        return None
    covering = [t for t in candidates if t.covers(day)]
    if covering:
        return covering[-1]
    if table == "mue":
        return None
    earlier = [t for t in candidates if t.effective <= day]
    return earlier[-1] if earlier else candidates[0]
