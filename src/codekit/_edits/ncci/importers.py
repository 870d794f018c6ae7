"""NCCI importers for the data-pack mechanism (:mod:`codekit._importers`).

* ``ncci_ptp`` — practitioner ``ccipra-v{VVV}r{R}-f{N}`` and outpatient hospital
  ``ccioph-...`` parts, ``.txt`` (tab-delimited) or ``.xlsx``; the parts of one version form
  one pack. The version gives the quarter (32.2 = 2026 Q3) and the effective date.
* ``ncci_mue`` — ``{MCR|MCD}_MUE_{Setting}Services_Eff_MM-DD-YYYY`` ``.csv``/``.xlsx``
  (Practitioner, OutpatientHospital, DMESupplier); the effective date is from the file name.
* ``ncci_aoc`` — ``AOC_V{YYYY}Q{n}-{MCR|MCD}`` ``.xlsx`` or the text version.

Each pack's manifest carries ``setting``, ``program``, ``quarter``, ``source_files`` and the
table's own metadata; the files are those of :mod:`codekit._edits.ncci.tables` (written by
:mod:`codekit._edits.ncci.write`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from codekit._edits.ncci import fetch, formats, write
from codekit._edits.ncci.store import PACK_KINDS, release_id
from codekit._importers._base import Detection, FetchSource
from codekit.exceptions import DataError, DataFileError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from codekit._store.packs import Pack

__all__ = [
    "FETCH_SOURCES",
    "FILES",
    "IMPORTERS",
    "NCCI_AOC",
    "NCCI_MUE",
    "NCCI_PTP",
    "install_tables",
]

_MARKERS = {"ptp": b"column", "mue": b"hcpcs", "aoc": b"aoc_edit_type"}
_SUFFIXES = {"ptp": (".txt", ".xlsx"), "mue": (".csv", ".xlsx"), "aoc": (".txt", ".xlsx")}


@attrs.frozen
class NcciImporter:
    """One NCCI table's importer (see :mod:`codekit._importers` for the contract)."""

    name: str
    table: str

    def detect(self, path: Path) -> Detection | None:
        info = formats.identify(path.name)
        if info is None or info.table != self.table:
            return None
        if path.suffix.lower() not in _SUFFIXES[self.table]:
            return None
        if path.suffix.lower() != ".xlsx":
            try:
                with path.open("rb") as handle:
                    head = handle.read(8192).lower()
            except OSError:
                return None
            if _MARKERS[self.table] not in head:
                raise DataFileError(
                    path.name,
                    f"is named like an NCCI {self.table.upper()} file but has no "
                    f"{self.table.upper()} header in its first lines; download it again",
                )
        release = release_id(self.table, info.quarter, info.setting, info.program)
        what = {
            "ptp": f"PTP {info.setting} v{info.version} part f{info.part}",
            "mue": f"MUE {info.setting}",
            "aoc": "AOC",
        }
        return Detection(
            importer=self.name,
            kind=PACK_KINDS[self.table],
            release=release,
            effective=info.effective,
            until=None,
            path=path,
            origin=path.name,
            summary=f"NCCI {what[self.table]} ({info.program}), "
            f"effective {info.effective.isoformat()}",
            role="part" if self.table == "ptp" else "main",
        )

    def install(self, detections: Sequence[Detection], *, force: bool) -> list[Pack]:
        return [
            install_tables(
                self.table,
                [d.path for d in detections],
                origins=[d.origin for d in detections],
                force=force,
            )
        ]


NCCI_PTP = NcciImporter("ncci_ptp", "ptp")
NCCI_MUE = NcciImporter("ncci_mue", "mue")
NCCI_AOC = NcciImporter("ncci_aoc", "aoc")

#: Declared for :mod:`codekit._importers._discover`.
IMPORTERS = (NCCI_PTP, NCCI_MUE, NCCI_AOC)
FILES = "NCCI PTP (ccipra/ccioph), MUE and AOC tables"


def _mue_names(release: str) -> list[str]:
    return fetch.candidates(release)["mue_practitioner"][0]


def _source(kind: str, title: str, **how: Any) -> FetchSource:
    """An NCCI fetch source: every NCCI file holds CPT codes (the AMA licence applies)."""
    return FetchSource(
        kind=kind, title=title, release_help="2026Q3", ama_license=True, page=fetch.NCCI_PAGE, **how
    )


FETCH_SOURCES = (
    _source("ncci_mue", "NCCI MUE (practitioner)", names=_mue_names),
    _source("ncci_ptp", "NCCI PTP"),  # file names carry a version: not derived
    _source("ncci_aoc", "NCCI add-on codes"),
    _source(
        "ncci",
        "NCCI PTP, MUE and add-on codes (every table of a quarter)",
        fetch=fetch.fetch_ncci,
    ),
)


def install_tables(
    table: str,
    paths: Sequence[Path],
    *,
    origins: Sequence[str] | None = None,
    effective: dt.date | None = None,
    force: bool = False,
) -> Pack:
    """Install one NCCI table from its files (all of one release) as a data pack."""
    from codekit._store.packs import install_pack

    paths = [Path(p) for p in paths]
    infos = [formats.identify(p.name) for p in paths]
    if not paths or any(i is None or i.table != table for i in infos):
        bad = next(
            (p.name for p, i in zip(paths, infos, strict=True) if i is None or i.table != table), ""
        )
        raise DataFileError(bad or "(no file)", f"is not an NCCI {table.upper()} file name")
    info = infos[0]
    assert info is not None
    releases = {release_id(table, i.quarter, i.setting, i.program) for i in infos if i}
    if len(releases) > 1:
        raise DataError(f"these files belong to different releases ({', '.join(sorted(releases))})")
    if table == "ptp":
        versions = {i.version for i in infos if i}
        if len(versions) > 1:
            raise DataError(f"PTP parts of different versions ({', '.join(sorted(versions))})")
        parts = sorted(i.part for i in infos if i)
        if len(set(parts)) != len(parts):
            raise DataError(f"a PTP part was given twice (parts {parts})")
    release = releases.pop()
    names = [Path(o).name.split("!")[-1] for o in (origins or [p.name for p in paths])]
    meta: dict[str, Any] = {
        "setting": info.setting,
        "program": info.program,
        "quarter": info.quarter,
        "source_files": sorted(set(names)),
    }
    if table == "ptp":
        meta["version"] = info.version

    def build(folder: Path) -> dict[str, Any]:
        if table == "ptp":
            ptp_rows, _ = formats.read_ptp(paths)
            written = write.build_ptp(ptp_rows, folder, **meta)
        elif table == "mue":
            if len(paths) != 1:
                raise DataError("an MUE table is one file; install each setting's file separately")
            mue_rows, _ = formats.read_mue(paths[0])
            written = write.build_mue(mue_rows, folder, **meta)
        else:
            if len(paths) != 1:
                raise DataError("an AOC table is one file (the .xlsx or the text version)")
            aoc_rows, _ = formats.read_aoc(paths[0])
            written = write.build_aoc(aoc_rows, folder, **meta)
        return {**meta, "table": table, "rows": written["rows"]}

    return install_pack(
        PACK_KINDS[table],
        release,
        effective=effective or info.effective,
        until=None,
        build=build,
        sources=paths,
        force=force,
    )
