"""Which NCCI tables are installed, and choosing one for a date of service.

Tables arrive as data packs (:mod:`codekit._store.packs`) of three kinds — ``ncci_ptp``,
``ncci_mue`` and ``ncci_aoc`` — one pack per quarter, setting and program. Release ids are
``<quarter>-<setting>`` (``2026Q3-practitioner``, ``2026Q3-outpatient_hospital``,
``2026Q3-dme``) with ``-medicaid`` appended for Medicaid tables; AOC releases are the quarter
alone (``2026Q2``), as CMS publishes one AOC table for every setting.

Installed tables are registered as tables of the registry (kinds ``ncci_ptp``, ``ncci_mue``,
``ncci_aoc``, one table each, facets ``setting`` and ``program``) by this module's
``codekit_register`` hook, and chosen by the one table rule (:mod:`codekit._tables.rule`):
the table in force on the date of service; a date after the newest table's end is answered
by it; a date before the oldest table or in a gap has no table. Both paths then report
the edit kind as ``unchecked`` (one unverifiable finding over the date's lines in a report,
one row per line in the batch path) with an install hint.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from codekit import _registry
from codekit._store.packs import Pack, list_packs
from codekit.models import DataRelease
from codekit.plugins import Registrar, hookimpl

if TYPE_CHECKING:
    from collections.abc import Mapping

    from codekit._edits.ncci.model import Provenance
    from codekit._edits.ncci.tables import AocTable, MueTable, PtpTable
    from codekit._tables.registry import Registry

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
    """One installed NCCI table: its release and where its data is."""

    info: DataRelease
    path: Path
    manifest: Mapping[str, Any] = attrs.field(eq=False, repr=False)

    provenance: Provenance = attrs.field(init=False, eq=False, repr=False)

    @provenance.default
    def _provenance(self) -> Provenance:
        from codekit._edits.ncci.model import Provenance

        return Provenance(
            table=_TITLES[self.table],  # type: ignore[arg-type]
            setting=self.setting,
            program=self.program,
            release=self.release,
            source_file=self.info.source_file,
        )

    @property
    def table(self) -> str:
        """``"ptp"``, ``"mue"`` or ``"aoc"``."""
        return _TABLES[self.info.kind]

    @property
    def setting(self) -> str:
        return self.info.attributes.get("setting", "all")

    @property
    def program(self) -> str:
        return self.info.attributes.get("program", "medicare")

    @property
    def release(self) -> str:
        return self.info.release

    @property
    def effective(self) -> dt.date:
        return self.info.effective

    @property
    def until(self) -> dt.date | None:
        return self.info.until

    @property
    def source_files(self) -> tuple[str, ...]:
        return tuple(str(f) for f in self.manifest.get("source_files", ()))

    def covers(self, day: dt.date) -> bool:
        return self.info.covers(day)


_TABLES = {kind: table for table, kind in PACK_KINDS.items()}


def _release(kind: str, pack: Pack) -> DataRelease:
    manifest = pack.manifest
    return DataRelease(
        code_set=kind,
        release=pack.release,
        effective=pack.effective,
        until=pack.until,
        origin="pack",
        source_file=", ".join(str(f) for f in manifest.get("source_files", ())),
        kind=kind,
        attributes={
            "setting": str(manifest.get("setting", "all")),
            "program": str(manifest.get("program", "medicare")),
        },
    )


@hookimpl(trylast=True)
def codekit_register(registrar: Registrar) -> None:
    """Register every installed NCCI table pack as a table of its kind."""
    for kind in PACK_KINDS.values():
        for pack in list_packs(kind):
            entry = Installed(info=_release(kind, pack), path=pack.path, manifest=pack.manifest)
            registrar.add_table(kind, entry.info, functools.partial(_open, pack.path), spec=entry)


def _open(path: Path) -> PtpTable | MueTable | AocTable:
    """Open a table's files (the NCCI readers are imported only when a check needs them)."""
    from codekit._edits.ncci.tables import open_table

    return open_table(path)


def _installed(registry: Registry) -> tuple[Installed, ...]:
    found = [
        release.spec
        for kind in PACK_KINDS.values()
        for release in registry.tables(kind)
        if isinstance(release.spec, Installed)
    ]
    found.sort(key=lambda t: (t.table, t.setting, t.program, t.effective, t.release))
    return tuple(found)


def installed() -> tuple[Installed, ...]:
    """Every installed NCCI table (re-read after a pack is installed or removed)."""
    registry = _registry.current()
    return registry.memo("ncci.installed", lambda: _installed(registry))


def load(entry: Installed) -> PtpTable | MueTable | AocTable:
    """The loaded table of an installed entry (opened once per registry)."""
    registry = _registry.current()
    return registry.memo(("ncci.table", entry.path), lambda: _open(entry.path))


def select(table: str, setting: str, program: str, day: dt.date) -> Installed | None:
    """The table to use on ``day`` by the one table rule (see the module docstring)."""
    kind = PACK_KINDS[table]
    facets = {"program": program} if table == "aoc" else {"program": program, "setting": setting}
    registry = _registry.current()
    choice = registry.choose(kind, kind, day, **facets)
    if choice is not None and isinstance(choice.release.spec, Installed):
        return choice.release.spec
    return None
