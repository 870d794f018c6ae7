"""Importers: official CMS release files in, data packs out.

The contract every importer follows (the NCCI and GEM importers plug in the same way):

* an importer is an object with a ``name`` (str), ``detect(path) -> Detection | None`` and
  ``install(detections, *, force) -> list[Pack]``;
* ``detect`` looks at one plain file (never a zip: archives are opened here and each member
  is detected on its own) using its name and its first bytes/rows, and answers ``None`` when
  the file is not one of its kinds. It must be cheap and must not raise for foreign files;
  for a file that *is* its kind but is broken it raises
  :class:`~codekit.exceptions.DataFileError`;
* the :class:`Detection` says which pack ``kind`` and ``release`` the file belongs to, the
  effective period, a ``role`` (``"main"``, or a companion such as ``"proc_notes"`` or
  ``"part"``) and a one-line ``summary`` of what was found;
* :func:`install_files` detects everything first (so a bad or unknown file changes
  nothing), groups detections by ``(importer, release)`` and hands each group to that
  importer's ``install`` inside one :func:`codekit._store.packs.transaction` (so the
  command installs every pack or none); ``install`` calls
  :func:`codekit._store.packs.install_pack` once per pack it produces (several files of
  one release — PTP parts f1..f4, HCPCS txt + ``proc_notes`` — become one pack; one file
  may give several packs: HCPCS codes and
  modifiers).

:data:`IMPORTERS` lists them, most specific first; append new ones there.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from codekit._crosswalk.importer import GEMS
from codekit._filecheck import ArchiveBudget, check_archive, member_name
from codekit._importers._base import Detection, Importer
from codekit._importers.cm_index import CM_INDEX
from codekit._importers.hcpcs import HCPCS
from codekit._importers.icd10cm import ICD10CM_ADDENDA, ICD10CM_ORDER
from codekit._importers.icd10pcs import ICD10PCS
from codekit._ncci.importers import NCCI_AOC, NCCI_MUE, NCCI_PTP
from codekit.exceptions import (
    CodekitError,
    DataFileError,
    MalformedFileError,
    UnrecognizedFileError,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from codekit._store.packs import Pack

__all__ = ["IMPORTERS", "Detection", "Importer", "detect_all", "detect_file", "install_files"]

#: Every importer, tried in order (most specific first). Other capabilities append
#: theirs here (NCCI PTP/MUE/AOC, GEMs); importer modules must be cheap to import.
IMPORTERS: tuple[Importer, ...] = (
    HCPCS,
    ICD10CM_ORDER,
    ICD10CM_ADDENDA,
    ICD10PCS,
    NCCI_PTP,
    NCCI_MUE,
    NCCI_AOC,
    GEMS,
    CM_INDEX,
)


def _is_xlsx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def detect_file(path: Path, origin: str | None = None) -> Detection:
    """The detection of one plain file; raises if it is empty or no importer knows it."""
    origin = origin or path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DataFileError(origin, f"cannot be read ({exc.strerror or exc})") from exc
    if size == 0:
        raise DataFileError(origin, "is empty; download the file again")
    for importer in IMPORTERS:
        found = importer.detect(path)
        if found is not None:
            return attrs.evolve(found, origin=origin)
    raise UnrecognizedFileError(
        origin,
        "is not an official release file codekit can read (known: HCPCS Level II "
        "HCPCyyyy_*ANWEB .txt/.xlsx/.csv and proc_notes, ICD-10-CM icd10cm_order_yyyy.txt and "
        "code addenda, ICD-10-PCS icd10pcs_order_yyyy.txt / icd10pcs_codes_yyyy.txt, NCCI PTP "
        "(ccipra/ccioph), MUE and AOC tables, GEM files (yyyy_I9gem.txt, yyyy_I10gem.txt and "
        "the procedure GEMs), or a zip of them); nothing was installed",
    )


def _extract(
    archive_path: Path, origin: str, into: Path, budget: ArchiveBudget, depth: int = 0
) -> list[Detection]:
    """Detections of every recognised member of a zip (nested zips once more).

    The archive is checked first (:func:`codekit._filecheck.check_archive`: encryption,
    compression method, sizes); a member's CRC is checked as it is extracted.
    """
    found: list[Detection] = []
    try:
        with zipfile.ZipFile(archive_path) as archive:
            check_archive(archive, origin, budget)
            for index, info in enumerate(archive.infolist()):
                if info.is_dir():
                    continue
                name = member_name(info.filename)
                if not name or name.startswith("."):
                    continue
                target = into / f"{depth}-{index}" / name
                target.parent.mkdir(parents=True)
                try:
                    with archive.open(info) as src, target.open("wb") as dst:
                        shutil.copyfileobj(src, dst, 1 << 20)
                except (RuntimeError, NotImplementedError, OSError) as exc:
                    raise MalformedFileError(
                        origin, None, f"member {info.filename!r} cannot be extracted ({exc})"
                    ) from exc
                member = f"{origin}!{info.filename}"
                if target.suffix.lower() == ".zip" and depth < 1:
                    found.extend(_extract(target, member, into, budget, depth + 1))
                    continue
                if info.file_size == 0:
                    continue
                try:
                    found.append(detect_file(target, member))
                except UnrecognizedFileError:
                    continue  # read-me files, record layouts, PDFs inside CMS zips
    except CodekitError:
        raise
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, ValueError) as exc:
        raise DataFileError(
            origin, f"is not a readable zip archive ({exc}); download it again"
        ) from exc
    if not found and depth == 0:
        raise UnrecognizedFileError(
            origin, "holds no official release file codekit can read; nothing was installed"
        )
    return found


def detect_all(paths: Sequence[Path], workdir: Path) -> list[Detection]:
    """Detect every file (opening zips into ``workdir``); raises before anything changes."""
    found: list[Detection] = []
    budget = ArchiveBudget()
    for given in paths:
        path = Path(given)
        try:
            is_file = path.is_file()
        except OSError as exc:  # a name too long for the file system, a loop of links, ...
            shown = str(path) if len(str(path)) <= 80 else f"{str(path)[:77]}..."
            raise DataFileError(
                shown, f"cannot be read ({exc.strerror or exc}); check the path and try again"
            ) from None
        if not is_file:
            raise DataFileError(str(path), "does not exist or is not a file")
        is_zip = zipfile.is_zipfile(path) and not _is_xlsx(path)
        if is_zip or (path.suffix.lower() == ".zip" and path.stat().st_size > 0):
            folder = workdir / f"zip{len(found)}-{member_name(path.stem)}"
            found.extend(_extract(path, path.name, folder, budget))
        else:
            if _is_xlsx(path):  # a workbook is a zip too: same limits before openpyxl
                with zipfile.ZipFile(path) as book:
                    check_archive(book, path.name, ArchiveBudget())
            found.append(detect_file(path))
    return found


def install_files(
    paths: Sequence[Path],
    *,
    force: bool = False,
    report: Callable[[str], None] | None = None,
) -> list[Pack]:
    """Detect, group and install official files; see the module docstring."""
    from codekit._store.packs import transaction

    by_name = {importer.name: importer for importer in IMPORTERS}
    with tempfile.TemporaryDirectory(prefix="codekit-install-") as tmp:
        detections = detect_all(paths, Path(tmp))
        groups: dict[tuple[str, str], list[Detection]] = {}
        for found in detections:
            if report is not None:
                report(f"{found.origin}: {found.summary}")
            groups.setdefault((found.importer, found.release), []).append(found)
        packs: list[Pack] = []
        with transaction():  # every pack of the command, or none
            for (importer, _), group in groups.items():
                packs.extend(by_name[importer].install(group, force=force))
    return packs
