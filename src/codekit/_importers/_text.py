"""Reading CMS text files: encoding, line ends and the shared checks, in one place.

The reading and checking itself is :mod:`codekit._filecheck` (shared with the NCCI and
GEM importers); this module is the importers' view of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codekit._filecheck import decode, file_lines

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

__all__ = ["decode", "read_lines"]


def read_lines(
    path: Path, *, limit: int | None = None, require_end: bool = True, where: str | None = None
) -> Iterator[str]:
    """The file's lines without their CR/LF ends (only ``\\n`` splits lines, never NEL).

    The whole file is checked first (:func:`codekit._filecheck.split_lines`: a final line
    end unless ``require_end`` is false, no control characters), so a broken file is
    refused before its first line is used.

    With ``limit`` only the first ``limit`` bytes are read (for sniffing), decoded as
    Latin-1, unchecked, and a partial last line is dropped.
    """
    if limit is None:
        yield from file_lines(path, where=where, require_end=require_end)
        return
    with path.open("rb") as handle:
        data = handle.read(limit)
        complete = len(data) < limit or not handle.read(1)
    lines = data.decode("latin-1").split("\n")
    if (lines and lines[-1] == "") or (not complete and lines):
        lines.pop()
    for line in lines:
        yield line.removesuffix("\r")
