"""Printing for the command line: JSON or aligned text, in one place.

Text from data packs and plugins reaches the terminal only through these functions, which
show control characters (terminal escape sequences, bells, carriage returns) as visible
``\\x1b``-style escapes instead of letting the terminal act on them.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codekit.exceptions import CodekitError

__all__ = [
    "clean",
    "cli_message",
    "cli_message_text",
    "print_json",
    "print_table",
    "report",
    "say",
]

# C0 controls but tab, DEL, C1 controls (0x9b is a one-byte CSI), and the bidirectional
# overrides that make text display in another order than it reads.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# What JSON leaves raw inside strings (it escapes C0 controls itself).
_JSON_RAW = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def clean(text: object) -> str:
    """``text`` as a string that is safe to print: control characters become escapes."""
    return _CONTROL.sub(_visible, str(text))


def say(*parts: object, file: Any = None) -> None:
    """``print`` for text that may come from data: each part is :func:`clean`-ed."""
    print(*(clean(part) for part in parts), file=file if file is not None else sys.stdout)


def print_json(value: Any) -> None:
    """Print ``value`` as indented JSON (dates and other values via ``str``).

    JSON escapes C0 controls itself; C1 controls and bidirectional overrides are written as
    ``\\u`` escapes too, so the output stays valid JSON and inert on a terminal.
    """
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write(_JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text))
    sys.stdout.write("\n")


def print_table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> None:
    """Print rows as left-aligned columns under ``headers``."""
    cells = [
        [clean(h) for h in headers],
        *[["" if c is None else clean(c) for c in r] for r in rows],
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for row in cells:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


_PYTHON_WORDS = (
    (re.compile(r"\bcode_set='([^']*)'"), r"--code-set \1"),
    (re.compile(r"\bcode_sets=(?:\[\.\.\.\])?"), "--code-set"),
    (re.compile(r"\bcode_set="), "--code-set"),
    (re.compile(r"\bkind="), "--kind"),
    (re.compile(r"\bas_of="), "--as-of"),
)


def cli_message(error: CodekitError) -> str:
    """The error's message in the command line's words (``--code-set``, not ``code_set=``)."""
    return cli_message_text(str(error))


def cli_message_text(text: str) -> str:
    """A message of the Python API in the command line's words, safe to print."""
    for pattern, words in _PYTHON_WORDS:
        text = pattern.sub(words, text)
    return clean(text)


def report(error: CodekitError) -> int:
    """Print ``error`` as the command line says it; return its exit code."""
    from codekit._cli.main import exit_code

    print(f"codekit: {cli_message(error)}", file=sys.stderr)
    return exit_code(error)
