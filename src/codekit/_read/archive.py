"""Zip archives (CMS's downloads, and ``.xlsx`` workbooks, which are zips), with limits.

Before a byte is extracted an archive is checked (:func:`check_archive`): no encryption, a
compression method Python reads, bounded member sizes, inflation ratios and total (a 3 MB
zip that inflates to 3 GB is refused). A member's CRC is checked as it is read.
"""

from __future__ import annotations

import shutil
import zipfile
from typing import TYPE_CHECKING

from codekit.exceptions import DataFileError, MalformedFileError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

__all__ = [
    "MAX_MEMBER",
    "MAX_RATIO",
    "MAX_TOTAL",
    "ArchiveBudget",
    "check_archive",
    "check_workbook",
    "extract_member",
    "is_xlsx",
    "member_name",
    "zip_members",
]

#: Largest member extracted from an archive (CMS's biggest files are ~200 MB).
MAX_MEMBER = 1 << 30
#: Largest total extracted from the archives of one install.
MAX_TOTAL = 3 << 30
#: Largest inflation ratio of a member bigger than :data:`RATIO_FLOOR` (CMS text: ~10-20x).
MAX_RATIO = 100
RATIO_FLOOR = 16 << 20
#: Longest member name kept as is (longer ones are shortened when extracted).
MAX_NAME = 120
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}


class ArchiveBudget:
    """How much the archives of one install may still extract (shared by nested zips)."""

    def __init__(self, total: int | None = None) -> None:
        self.left = MAX_TOTAL if total is None else total


def check_archive(archive: zipfile.ZipFile, origin: str, budget: ArchiveBudget) -> None:
    """Refuse an archive codekit will not extract, before extracting anything.

    Encrypted members, compression methods Python cannot read, members bigger than
    :data:`MAX_MEMBER` or inflating more than :data:`MAX_RATIO` times, and a total beyond
    what ``budget`` has left (which is then charged). Sizes are the archive's own: Python's
    reader never returns more than a member's declared size.
    """
    total = 0
    for info in archive.infolist():
        if info.is_dir():
            continue
        name = info.filename
        if info.flag_bits & 0x1:
            raise MalformedFileError(
                origin,
                None,
                f"member {name!r} is encrypted; codekit reads only CMS's unencrypted zips "
                "(download the file again from cms.gov); nothing was installed",
            )
        if info.compress_type not in _METHODS:
            raise MalformedFileError(
                origin,
                None,
                f"member {name!r} uses compression method {info.compress_type}, which codekit "
                "cannot read (CMS zips use deflate); nothing was installed",
            )
        size = info.file_size
        if size > MAX_MEMBER:
            raise MalformedFileError(
                origin,
                None,
                f"member {name!r} would extract to {size:,} bytes, more than the "
                f"{MAX_MEMBER:,} codekit accepts for one file; nothing was installed",
            )
        if size > RATIO_FLOOR and size > MAX_RATIO * max(info.compress_size, 1):
            raise MalformedFileError(
                origin,
                None,
                f"member {name!r} would inflate {info.compress_size:,} bytes to {size:,} "
                f"(more than {MAX_RATIO} times: a zip bomb, not a CMS file); "
                "nothing was installed",
            )
        total += size
    if total > budget.left:
        raise MalformedFileError(
            origin,
            None,
            f"would extract to {total:,} bytes in all, more than the {budget.left:,} "
            "codekit still accepts for this install; nothing was installed",
        )
    budget.left -= total


def member_name(filename: str) -> str:
    """The base name a member is extracted under (shortened if very long, suffix kept)."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    if len(name) <= MAX_NAME:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 8:
        return name[:MAX_NAME]
    return f"{stem[: MAX_NAME - len(suffix) - 1]}.{suffix}"


def is_xlsx(path: Path) -> bool:
    """Whether a file is an Office Open XML workbook (a zip with ``[Content_Types].xml``)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def check_workbook(path: Path, origin: str) -> None:
    """Apply the archive limits to a workbook before a spreadsheet reader inflates it."""
    try:
        with zipfile.ZipFile(path) as book:
            check_archive(book, origin, ArchiveBudget())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DataFileError(origin, f"is not a readable .xlsx workbook ({exc})") from exc


def extract_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, origin: str
) -> None:
    """Write one member to ``target`` (checking its CRC), or a MalformedFileError."""
    try:
        with archive.open(info) as src, target.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    except (RuntimeError, NotImplementedError, OSError) as exc:
        raise MalformedFileError(
            origin, None, f"member {info.filename!r} cannot be extracted ({exc})"
        ) from exc


def zip_members(
    path: Path, wanted: Callable[[str], bool], *, budget: ArchiveBudget | None = None
) -> list[tuple[str, bytes]]:
    """``(base name, bytes)`` of the members of a zip whose base name is ``wanted``, in
    name order, after :func:`check_archive`."""
    origin = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            check_archive(archive, origin, budget or ArchiveBudget())
            found = []
            for info in sorted(archive.infolist(), key=lambda i: i.filename):
                name = member_name(info.filename)
                if info.is_dir() or not wanted(name):
                    continue
                try:
                    found.append((name, archive.read(info)))
                except (RuntimeError, NotImplementedError, OSError) as exc:
                    raise MalformedFileError(
                        origin, None, f"member {info.filename!r} cannot be extracted ({exc})"
                    ) from exc
            return found
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, ValueError) as exc:
        raise DataFileError(
            origin, f"is not a readable zip archive ({exc}); download it again"
        ) from exc
