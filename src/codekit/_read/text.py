"""CMS text: decoding, line ends and the checks every text file gets.

CMS writes its text files in Windows-1252 (the ICD-10 files are plain ASCII or UTF-8).
Decoding tries UTF-8 first, then Windows-1252, then Latin-1 (which never fails). Lines are
split only at ``\\n``: ``str.splitlines()`` would also split at U+0085 (NEL), U+2028 and
other Unicode line breaks, and Latin-1 decodes CMS's ellipsis byte 0x85 to NEL.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from codekit.exceptions import MalformedFileError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

__all__ = [
    "CONTROL",
    "check_controls",
    "decode",
    "file_lines",
    "head_lines",
    "read_lines",
    "split_lines",
    "text_lines",
]

#: Control characters no CMS file holds (tab, LF and CR are the only ones allowed).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


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
    found = CONTROL.search(text)
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


def text_lines(data: bytes, where: str, *, require_end: bool = True) -> list[str]:
    """Every line of a file's bytes, decoded and checked (see :func:`split_lines`)."""
    return split_lines(decode(data), where, require_end=require_end)


def file_lines(path: Path, *, where: str | None = None, require_end: bool = True) -> list[str]:
    """Every line of a text file, decoded and checked (see :func:`split_lines`)."""
    return text_lines(path.read_bytes(), where or path.name, require_end=require_end)


def head_lines(path: Path, limit: int) -> list[str]:
    """The complete lines among the first ``limit`` bytes, for sniffing what a file is.

    Decoded as Latin-1 (never fails; the sniffers look at ASCII) and unchecked; a partial
    last line is dropped.
    """
    with path.open("rb") as handle:
        data = handle.read(limit)
        complete = len(data) < limit or not handle.read(1)
    lines = data.decode("latin-1").split("\n")
    if (lines and lines[-1] == "") or (not complete and lines):
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def read_lines(path: Path, *, require_end: bool = True, where: str | None = None) -> Iterator[str]:
    """The file's lines without their CR/LF ends (only ``\\n`` splits lines, never NEL).

    The whole file is checked first (:func:`split_lines`), so a broken file is refused
    before its first line is used.
    """
    yield from file_lines(path, where=where, require_end=require_end)
