"""The ICD-10-PCS importer and where CMS publishes its files (``codekit data fetch icd10pcs``)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from codekit._importers._base import Detection, FetchSource
from codekit._importers._codeset import already_installed, install_code_set, item
from codekit._importers.icd10cm.order import (
    april_update,
    fiscal_detection,
    fiscal_period,
    fiscal_release,
    parse_order,
)
from codekit._read.fields import Unique
from codekit._read.text import head_lines, read_lines
from codekit.exceptions import DataFileError, MalformedFileError

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from codekit._store.packs import Pack
    from codekit._store.sqlite import Item

__all__ = ["FETCH_SOURCES", "FILES", "ICD10PCS", "IMPORTERS", "codes_from_lines", "parse_codes"]

_NAME = re.compile(r"icd10pcs_(?P<what>codes|order)_(?P<year>20[0-9]{2})", re.I)
_PCS = re.compile(r"[0-9BCDFGHX][0-9A-HJ-NP-Z]{6}")
_CODES_LINE = re.compile(r"([0-9A-Z]{7}) +(\S.*)")
SOURCE = "CMS ICD-10-PCS"
LICENCE = "Public domain (CMS, US government work)"


def parse_codes(path: Path) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """(code, description) of every line of a codes file."""
    return codes_from_lines(read_lines(path), path.name)


def codes_from_lines(
    lines: Iterable[str], where: str
) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """(code, description) of every line of a codes file's lines (``where`` names it)."""
    rows: list[tuple[str, str]] = []
    stats = {"lines": 0, "codes": 0, "blank": 0}
    once = Unique(where, "code")
    for number, line in enumerate(lines, 1):
        stats["lines"] += 1
        if not line.strip():
            stats["blank"] += 1
            continue
        found = _CODES_LINE.fullmatch(line.rstrip())
        if found is None or not _PCS.fullmatch(found[1]):
            raise MalformedFileError(where, number, f"is not a codes-file line: {line[:40]!r}")
        once.add(found[1], number)
        rows.append((found[1], found[2]))
        stats["codes"] += 1
    if not rows:
        raise DataFileError(where, "holds no ICD-10-PCS codes")
    return rows, stats


def _items(path: Path, what: str) -> tuple[list[Item], dict[str, int]]:
    if what == "codes":
        codes, stats = parse_codes(path)
        return [item(code, text, seq=seq) for seq, (code, text) in enumerate(codes)], stats
    entries, stats = parse_order(path)
    rows = []
    for entry in entries:
        if not entry.billable:
            continue  # three-character table headers
        if not _PCS.fullmatch(entry.code):
            raise DataFileError(path.name, f"{entry.code!r} is not an ICD-10-PCS code")
        rows.append(item(entry.code, entry.long, seq=entry.order, short=entry.short or None))
    return rows, stats


class _PcsImporter:
    """ICD-10-PCS codes and order files (see :mod:`codekit._importers.icd10pcs`)."""

    name = "icd10pcs"

    def detect(self, path: Path) -> Detection | None:
        found = _NAME.search(path.name)
        if found is None:
            return None
        head = head_lines(path, 4096)
        what = found["what"].lower()
        pattern = _CODES_LINE if what == "codes" else re.compile(r"[0-9]{5} [0-9A-Z]{3,7} +[01] .*")
        if not head or pattern.fullmatch(head[0].rstrip()) is None:
            raise DataFileError(path.name, f"is named like a {what} file but its lines are not")
        year = int(found["year"])
        return fiscal_detection(
            self.name, "icd10pcs", path, year, f"ICD-10-PCS {what} file", role=what
        )

    def install(self, detections: Sequence[Detection], *, force: bool) -> list[Pack]:
        groups: dict[tuple[str, bool], list[Detection]] = {}
        for detection in detections:
            april = april_update(detection.origin)
            release = f"{detection.release}-APR" if april else detection.release
            groups.setdefault((release, april), []).append(detection)
        packs = []
        for (release, april), group in groups.items():
            # The order file has short descriptions too; prefer it when both are given.
            found = min(group, key=lambda d: 0 if d.role == "order" else 1)
            done = already_installed(("icd10pcs",), release, force)
            if done is not None:
                packs.extend(done)
                continue
            effective, until = fiscal_period(int(found.release[2:6]), april)
            rows, stats = _items(found.path, found.role)
            packs.append(
                install_code_set(
                    "icd10pcs",
                    release,
                    effective=effective,
                    until=until,
                    items=rows,
                    sources=[found.path],
                    source=f"{SOURCE} {found.role} file",
                    force=force,
                    extra={"parse": stats, "source_names": [found.origin], "licence": LICENCE},
                )
            )
        return packs


ICD10PCS = _PcsImporter()

#: Declared for :mod:`codekit._importers._discover`.
IMPORTERS = (ICD10PCS,)
FILES = "ICD-10-PCS icd10pcs_order_yyyy.txt / icd10pcs_codes_yyyy.txt"


def download_names(release: str) -> list[str]:
    """CMS's file names of an ICD-10-PCS release (the order file, then the codes file;
    the April update with an ``april-1-`` prefix), to try in order."""
    year, april = fiscal_release(release)
    prefix = "april-1-" if april else ""
    return [
        f"{prefix}{year}-icd-10-pcs-order-file-long-and-abbreviated-titles.zip",
        f"{prefix}{year}-icd-10-pcs-codes-file.zip",
    ]


FETCH_SOURCES = (
    FetchSource(
        kind="icd10pcs",
        title="ICD-10-PCS",
        release_help="FY2026 or FY2026-APR",
        names=download_names,
    ),
)
