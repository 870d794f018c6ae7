"""Reading and checking official release files: the one validation layer importers share.

Every importer (HCPCS, ICD-10-CM/PCS, GEMs, NCCI tables) reads its text and its archives
through this module and checks its fields with the helpers here, so a file that is not what
it claims is refused in the same words everywhere: a
:class:`~codekit.exceptions.MalformedFileError` naming the file and the line, raised while
reading, before anything is installed. The checks:

* text: decoded in one way (UTF-8, else Windows-1252, else Latin-1), split only at ``\\n``
  (never at NEL or other Unicode line breaks); a file must end with a line end (one cut
  mid-line has none); no control characters (terminal escape sequences, NUL, C1
  controls): CMS files hold none, and their texts end up printed on terminals;
* fields: dates are calendar dates in a sane range, keys appear once;
* archives: no encryption, a compression method Python reads, bounded sizes and ratios
  (a 3 MB zip that inflates to 3 GB is refused before a byte is extracted).

This module imports nothing from codekit but its exceptions, so the importers of every
capability can use it without import cycles.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from typing import TYPE_CHECKING

from codekit.exceptions import MalformedFileError

if TYPE_CHECKING:
    from collections.abc import Hashable
    from pathlib import Path

__all__ = [
    "ArchiveBudget",
    "Unique",
    "check_archive",
    "check_cell",
    "check_controls",
    "decode",
    "file_lines",
    "member_name",
    "split_lines",
    "ymd",
]

#: Control characters no CMS file holds (tab, LF and CR are the only ones allowed).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Years a date in a CMS file may have (HCPCS add dates start in the 1980s).
FIRST_YEAR, LAST_YEAR = 1900, 2199

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


def decode(data: bytes) -> str:
    """CMS text as ``str``: UTF-8 if it is valid UTF-8, else Windows-1252, else Latin-1."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _line_of(text: str, position: int, first: int = 1) -> int:
    return text.count("\n", 0, position) + first


def check_controls(text: str, where: str, *, first_line: int = 1, unit: str = "line") -> None:
    """Refuse text holding control characters (anything but tab, LF and CR)."""
    found = _CONTROL.search(text)
    if found is not None:
        raise MalformedFileError(
            where,
            _line_of(text, found.start(), first_line),
            f"holds the control character {found.group()!r}; an official file has none "
            "(is this the unmodified CMS file?); nothing was installed",
            unit=unit,
        )


def split_lines(text: str, where: str, *, require_end: bool = True) -> list[str]:
    """The lines of a whole file's text, without CR/LF, after the shared checks.

    ``require_end``: the last line must end with a line end (a file cut short mid-line
    has none). Text exports made by hand (a ``.csv`` saved from the xlsx) may pass False.
    """
    check_controls(text, where)
    lines = text.split("\n")
    last = lines.pop()
    if last.strip():
        if require_end:
            raise MalformedFileError(
                where,
                len(lines) + 1,
                "has no line end: the file is cut short (an interrupted download?); "
                "download it again; nothing was installed",
            )
        lines.append(last)
    return [line.removesuffix("\r") for line in lines]


def file_lines(path: Path, *, where: str | None = None, require_end: bool = True) -> list[str]:
    """Every line of a text file, decoded and checked (see :func:`split_lines`)."""
    return split_lines(decode(path.read_bytes()), where or path.name, require_end=require_end)


def check_cell(value: str, where: str, row: int) -> str:
    """A spreadsheet cell's text, refused if it holds control characters."""
    found = _CONTROL.search(value)
    if found is not None:
        raise MalformedFileError(
            where,
            row,
            f"a cell holds the control character {found.group()!r}; an official file has "
            "none; nothing was installed",
            unit="row",
        )
    return value


def ymd(raw: str, where: str, line: int, field: str, *, unit: str = "line") -> dt.date | None:
    """A ``YYYYMMDD`` field: ``None`` when blank or all zeros, else a sane calendar date."""
    text = raw.strip()
    if not text or text == "00000000":
        return None
    value: dt.date | None = None
    if len(text) == 8 and text.isdigit():
        try:
            value = dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            value = None
    if value is None or not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise MalformedFileError(
            where,
            line,
            f"{field} {text!r} is not a YYYYMMDD date; nothing was installed",
            unit=unit,
        )
    return value


class Unique:
    """Refuses a key seen before, naming both lines."""

    def __init__(self, where: str, what: str, *, unit: str = "line") -> None:
        self._where = where
        self._what = what
        self._unit = unit
        self._seen: dict[Hashable, int] = {}

    def add(self, key: Hashable, line: int, label: str | None = None) -> None:
        first = self._seen.setdefault(key, line)
        if first != line:
            raise MalformedFileError(
                self._where,
                line,
                f"{self._what} {label or key} appears twice ({self._unit}s {first} and {line}); "
                "an official file lists it once; nothing was installed",
                unit=self._unit,
            )


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
