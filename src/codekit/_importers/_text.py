"""Reading CMS text files: encoding and line ends, in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

__all__ = ["decode", "read_lines"]


def decode(data: bytes) -> str:
    """CMS text as ``str``: UTF-8 if it is valid UTF-8, else Windows-1252, else Latin-1."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read_lines(path: Path, *, limit: int | None = None) -> Iterator[str]:
    """The file's lines without their CR/LF ends (only ``\\n`` splits lines, never NEL).

    With ``limit`` only the first ``limit`` bytes are read (for sniffing), decoded as
    Latin-1, and a partial last line is dropped.
    """
    with path.open("rb") as handle:
        data = handle.read(limit if limit is not None else -1)
        complete = limit is None or len(data) < limit or not handle.read(1)
    text = decode(data) if limit is None else data.decode("latin-1")
    lines = text.split("\n")
    if (lines and lines[-1] == "") or (not complete and lines):
        lines.pop()
    for line in lines:
        yield line.removesuffix("\r")
