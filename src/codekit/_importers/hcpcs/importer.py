"""The HCPCS importer: detects the HCPCS files and installs the ``hcpcs`` and ``modifier``
packs; and where CMS publishes them (``codekit data fetch hcpcs``)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from codekit._importers._base import Detection, FetchSource
from codekit._importers._codeset import already_installed, install_code_set
from codekit._importers.hcpcs.layout import (
    NOTE_START,
    NOTES_NAME,
    RECORD,
    RECORD_LENGTH,
    SOURCE,
    release_effective,
    release_from_name,
)
from codekit._importers.hcpcs.read import parse, parse_proc_notes, parse_text
from codekit._importers.hcpcs.records import items, newest_release
from codekit._read.sheet import cell_text, open_sheet
from codekit._read.text import head_lines
from codekit.exceptions import DataError, DataFileError

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from codekit._store.packs import Pack

__all__ = ["FETCH_SOURCES", "FILES", "HCPCS", "IMPORTERS"]


def _sniff_text(path: Path) -> bool:
    for count, line in enumerate(head_lines(path, 1 << 16)):
        if RECORD.match(line) and len(line.rstrip()) <= RECORD_LENGTH and len(line) > 100:
            return True
        if count > 30:
            return False
    return False


def _sniff_header(first: Sequence[str]) -> bool:
    upper = [v.strip().upper() for v in first]
    return upper[:3] == ["HCPC", "SEQNUM", "RECID"]


class _HcpcsImporter:
    """The HCPCS Level II importer (see :mod:`codekit._importers.hcpcs`)."""

    name = "hcpcs"

    def detect(self, path: Path) -> Detection | None:
        suffix = path.suffix.lower()
        notes = NOTES_NAME.search(path.name)
        if notes is not None and suffix == ".txt":
            head = "\n".join(head_lines(path, 4096))
            if "PROCESSING NOTES" not in head.upper() and not NOTE_START.search(head):
                return None
            quarter = (notes["q1"] or notes["q2"] or "JAN").upper()
            notes_release = f"{notes['year']}-{quarter}"
            return self._detection(path, notes_release, "proc_notes", "HCPCS processing notes")
        release: str | None = release_from_name(path.name)
        if suffix in (".txt", ".prn", "") or (suffix not in (".xlsx", ".csv") and release):
            if not _sniff_text(path):
                return None
            fmt = "fixed-width text"
            if release is None:
                release = newest_release(parse_text(path))
        elif suffix == ".xlsx":
            if release is None:
                return None  # a workbook is opened only when its name says it is HCPCS
            with open_sheet(path, path.name) as sheet:
                top = [next(sheet, ()) for _ in range(12)]
            if not any(_sniff_header([cell_text(v) for v in row]) for row in top):
                return None
            fmt = "xlsx"
        elif suffix == ".csv":
            first = next(iter(head_lines(path, 4096)), "")
            if not _sniff_header(first.split(",")):
                return None
            fmt = "csv"
        else:
            return None
        if release is None:
            raise DataFileError(
                path.name,
                "is an HCPCS file but its release cannot be told; rename it as CMS names it "
                "(HCPCyyyy_MMM_ANWEB...)",
            )
        return self._detection(path, release, "main", f"HCPCS Level II + modifiers ({fmt})")

    def _detection(self, path: Path, release: str, role: str, what: str) -> Detection:
        return Detection(
            importer=self.name,
            kind="hcpcs",
            release=release,
            effective=release_effective(release),
            path=path,
            origin=path.name,
            summary=f"{what}, release {release} (effective {release_effective(release)})",
            role=role,
        )

    def install(self, detections: Sequence[Detection], *, force: bool) -> list[Pack]:
        mains = [d for d in detections if d.role == "main"]
        if not mains:
            names = ", ".join(d.origin for d in detections)
            raise DataFileError(
                names, "processing notes need the HCPCS file of the same release beside them"
            )
        done = already_installed(("hcpcs", "modifier"), mains[0].release, force)
        if done is not None:
            return done  # (a modifier-only excerpt is parsed again: it has no hcpcs pack)
        # The txt and the xlsx carry the same data: read the txt (fast) when both are given.
        rank = {".txt": 0, ".csv": 1, ".xlsx": 2}
        main = min(mains, key=lambda d: rank.get(d.path.suffix.lower(), 0))
        notes: dict[str, str] = {}
        note_stats: dict[str, int] = {}
        note_files = [d for d in detections if d.role == "proc_notes"]
        for found in note_files:
            parsed_notes, note_stats = parse_proc_notes(found.path)
            notes.update(parsed_notes)
        parsed = parse(main.path)
        sources = [main.path, *(d.path for d in note_files)]
        extra = {
            "file_format": main.path.suffix.lower().lstrip("."),
            "parse": dict(parsed.stats),
            "proc_notes": len(notes),
            "proc_notes_parse": note_stats,
            "source_names": [main.origin, *(d.origin for d in note_files)],
        }
        packs = []
        for code_set, is_modifier in (("hcpcs", False), ("modifier", True)):
            rows = items(parsed.entries, modifiers=is_modifier, notes=notes)
            if not rows:
                continue  # an excerpt of modifiers only must not shadow a full release
            packs.append(
                install_code_set(
                    code_set,
                    main.release,
                    effective=main.effective,
                    until=None,
                    items=rows,
                    sources=sources,
                    source=SOURCE,
                    force=force,
                    extra=extra,
                )
            )
        return packs


HCPCS = _HcpcsImporter()

#: Declared for :mod:`codekit._importers._discover`.
IMPORTERS = (HCPCS,)
FILES = "HCPCS Level II HCPCyyyy_*ANWEB .txt/.xlsx/.csv and proc_notes"

_MONTHS = {"JAN": "january", "APR": "april", "JUL": "july", "OCT": "october"}


def _fetch_release(release: str) -> tuple[int, str]:
    found = re.fullmatch(
        r"(20[0-9]{2})(?:[-_ ]?(JAN|APR|JUL|OCT|Q[1-4]))?", release.strip().upper()
    )
    if found is None:
        raise DataError(f"HCPCS release {release!r} is not like 2026-JAN (JAN, APR, JUL, OCT)")
    quarter = found[2] or "JAN"
    if quarter.startswith("Q"):
        quarter = ("JAN", "APR", "JUL", "OCT")[int(quarter[1]) - 1]
    return int(found[1]), quarter


def download_names(release: str) -> list[str]:
    """CMS's file names of an HCPCS release (``january-2026-alpha-numeric-hcpcs-file.zip``;
    the plural ``...-files.zip`` was used for Oct 2023, Apr/Oct 2024; January also as
    ``2026-alpha-numeric-hcpcs-file.zip``), to try in order."""
    year, quarter = _fetch_release(release)
    month = _MONTHS[quarter]
    names = [
        f"{month}-{year}-alpha-numeric-hcpcs-file.zip",
        f"{month}-{year}-alpha-numeric-hcpcs-files.zip",
    ]
    if quarter == "JAN":
        names.append(f"{year}-alpha-numeric-hcpcs-file.zip")
    return names


FETCH_SOURCES = (
    FetchSource(
        kind="hcpcs",
        title="HCPCS Level II + modifiers",
        release_help="2026-JAN",
        names=download_names,
        aliases=("modifier",),
    ),
)
