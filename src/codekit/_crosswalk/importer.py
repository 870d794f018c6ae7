"""CMS's General Equivalence Mappings as a data pack (kind ``gem``), any year.

Files (as in CMS's zips): diagnosis ``YYYY_I9gem.txt`` (ICD-9-CM → ICD-10-CM) and
``YYYY_I10gem.txt`` (ICD-10-CM → ICD-9-CM); procedure ``gem_i9pcs.txt`` (ICD-9-CM →
ICD-10-PCS) and ``gem_pcsi9.txt`` (ICD-10-PCS → ICD-9-CM), which CMS names without a year
(``YYYY_gem_i9pcs.txt`` is read too; without a year they count as 2018, the last release).
Each line is ``source target flags`` (five flag digits). Every file of one year becomes one
pack, release ``YYYY``, in force from October 1 of the year before to September 30; the
crosswalk then uses it instead of the packaged 2015 release (newest wins). A file of a year
already installed joins that pack (its other files are kept); ``force`` rebuilds the pack
from the files given only.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from codekit._crosswalk._store import Pair, read_gem_file, write_crosswalks
from codekit._importers._base import Detection
from codekit._read.text import head_lines, read_lines
from codekit.exceptions import DataFileError, MalformedFileError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from codekit._store.packs import Pack

__all__ = ["FILES", "GEMS", "IMPORTERS"]

_NAME = re.compile(
    r"(?:(?P<year>20[0-9]{2})_?)?(?P<what>I9gem|I10gem|gem_i9pcs|gem_pcsi9)\b", re.IGNORECASE
)
_LINE = re.compile(r"[0-9A-Z]{3,7} +[0-9A-Za-z]{3,7} +[0-9]{5}")
_LAST_PROCEDURE_YEAR = 2018
_SHAPES = {
    "icd9cm": re.compile(r"[0-9]{3,5}|V[0-9]{2,4}|E[0-9]{3,4}"),
    "icd10cm": re.compile(r"[A-Z][0-9][0-9A-Z]{1,5}"),
    "icd9pcs": re.compile(r"[0-9]{3,4}"),
    "icd10pcs": re.compile(r"[0-9A-HJ-NP-Z]{7}"),
}
_NO_MAP = {"NODX", "NOPCS"}
_FLAGS = re.compile(r"[01]{3}[0-9][0-9]")
KIND = "gem"
FILE = "gem.sqlite"
LICENCE = "Public domain (CMS, US government work)"

#: role → (part, crosswalk name, source code set, target code set, title)
_ROLES: dict[str, tuple[int, str, str, str, str]] = {
    "i9gem": (0, "icd10cm", "icd9cm", "icd10cm", "GEM ICD-9-CM to ICD-10-CM"),
    "i10gem": (1, "icd9cm", "icd10cm", "icd9cm", "GEM ICD-10-CM to ICD-9-CM"),
    "gem_i9pcs": (2, "icd10pcs", "icd9pcs", "icd10pcs", "GEM ICD-9-CM procedures to ICD-10-PCS"),
    "gem_pcsi9": (3, "icd9pcs", "icd10pcs", "icd9pcs", "GEM ICD-10-PCS to ICD-9-CM procedures"),
}


class _GemImporter:
    """CMS GEM text files (see the module docstring)."""

    name = "gem"

    def detect(self, path: Path) -> Detection | None:
        found = _NAME.search(path.name)
        if found is None or path.suffix.lower() not in (".txt", ""):
            return None
        role = found["what"].lower()
        head = head_lines(path, 4096)
        if not head or _LINE.fullmatch(head[0].strip()) is None:
            raise DataFileError(path.name, "is named like a CMS GEM file but its lines are not")
        if found["year"]:
            year = int(found["year"])
        elif role.startswith("gem_"):
            year = _LAST_PROCEDURE_YEAR
        else:
            return None
        title = _ROLES[role][4]
        return Detection(
            importer=self.name,
            kind=KIND,
            release=str(year),
            effective=dt.date(year - 1, 10, 1),
            until=dt.date(year, 9, 30),
            path=path,
            origin=path.name,
            summary=f"CMS {year} {title}",
            role=role,
        )

    def install(self, detections: Sequence[Detection], *, force: bool) -> list[Pack]:
        from codekit._store.packs import install_pack, list_packs

        first = detections[0]
        # role → (rows, origin): the files given, plus the parts an installed pack of the
        # same release already has (so 2018_I9gem.txt and 2018_I10gem.txt may come apart)
        files: dict[str, tuple[list[tuple[str, str | None, int]], str]] = {}
        for detection in detections:
            lines = list(read_lines(detection.path, where=detection.origin))
            check_lines(lines, detection.role, detection.origin)
            try:
                rows = read_gem_file("\n".join(lines))
            except ValueError as exc:
                raise DataFileError(detection.origin, str(exc)) from exc
            if not rows:
                raise DataFileError(detection.origin, "holds no GEM rows")
            files[detection.role] = (rows, detection.origin)
        existing = next((p for p in list_packs(KIND) if p.release == first.release), None)
        if existing is not None and not force:
            kept = _installed_parts(existing.path, existing.manifest)
            if set(files) <= set(kept):
                return [existing]
            force = True
            for role, value in kept.items():
                files.setdefault(role, value)

        def build(folder: Path) -> dict[str, Any]:
            pairs: list[Pair] = []
            parts = []
            for role in sorted(files, key=lambda r: _ROLES[r][0]):
                rows, origin = files[role]
                part, name, source, target, title = _ROLES[role]
                pairs.extend(Pair(part, seq, s, t, f, 1) for seq, (s, t, f) in enumerate(rows))
                parts.append(
                    {
                        "part": part,
                        "role": role,
                        "name": name,
                        "source_code_set": source,
                        "target_code_set": target,
                        "title": title,
                        "gem": True,
                        "releases": [
                            {
                                "bit": 0,
                                "release": first.release,
                                "effective": first.effective.isoformat(),
                                "until": first.until.isoformat() if first.until else None,
                                "licence": LICENCE,
                                "rows": len(rows),
                                "source": f"CMS GEM {origin}",
                                "source_file": origin,
                            }
                        ],
                    }
                )
            counts = write_crosswalks(folder / FILE, meta={"kind": KIND}, pairs=pairs)
            return {"file": FILE, "crosswalks": parts, "rows": counts, "licence": LICENCE}

        pack = install_pack(
            KIND,
            first.release,
            effective=first.effective,
            until=first.until,
            build=build,
            sources=[d.path for d in detections],
            force=force,
        )
        return [pack]


def check_lines(lines: Sequence[str], role: str, origin: str) -> None:
    """Refuse a GEM file whose rows are not of its direction (or not GEM rows at all).

    The file name says the direction (``I9gem``: ICD-9-CM sources, ICD-10-CM targets);
    every row's source and target must have the shapes of those code sets, so a file
    holding the other direction's content is refused at its first row whose codes give it
    away (ICD-9-CM codes are digits or V/E codes, ICD-10-CM codes a letter and a digit).
    """
    _, _, source_set, target_set, title = _ROLES[role]
    source_shape, target_shape = _SHAPES[source_set], _SHAPES[target_set]
    for number, line in enumerate(lines, 1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 3:
            raise MalformedFileError(
                origin, number, f"has {len(fields)} columns; a GEM row is 'source target flags'"
            )
        source, target, flags = (f.upper() for f in fields)
        if not _FLAGS.fullmatch(flags):
            raise MalformedFileError(origin, number, f"flags {flags!r} are not five GEM flags")
        if not source_shape.fullmatch(source) or not (
            target in _NO_MAP or target_shape.fullmatch(target)
        ):
            raise MalformedFileError(
                origin,
                number,
                f"maps {source} to {target}, which is not {source_set} to {target_set}: "
                f"the file is named as a {title} file but holds another direction's rows "
                "(check which file this is); nothing was installed",
            )


def _installed_parts(
    folder: Path, manifest: Mapping[str, Any]
) -> dict[str, tuple[list[tuple[str, str | None, int]], str]]:
    """The rows of every part of an installed GEM pack, by role (to merge a new file in)."""
    import sqlite3
    from urllib.parse import quote

    from codekit._crosswalk._store import read_pairs

    found: dict[str, tuple[list[tuple[str, str | None, int]], str]] = {}
    path = folder / str(manifest.get("file", FILE))
    con = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
    try:
        for part in manifest.get("crosswalks", ()):
            role = part.get("role")
            row = con.execute("SELECT data FROM pairs WHERE part = ?", (part["part"],)).fetchone()
            if role in _ROLES and row is not None:
                rows = [(s, t, f) for s, t, f, _, _ in read_pairs(row[0])]
                found[role] = (rows, part["releases"][0].get("source_file", ""))
    finally:
        con.close()
    return found


GEMS = _GemImporter()

#: Declared for :mod:`codekit._importers._discover`.
IMPORTERS = (GEMS,)
FILES = "GEM files (yyyy_I9gem.txt, yyyy_I10gem.txt and the procedure GEMs)"
