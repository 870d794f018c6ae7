"""The prior for generic queries: the default code of each heading that may not be reported.

A coder given a condition without specifics reports the plainest billable code of its
heading: J18.9 for "Pneumonia", E11.9 for "Type 2 diabetes mellitus", J45.909 for "Asthma".
It is found from the hierarchy and the wording of the titles, level by level (see
:func:`default_codes`); :mod:`codekit._search._build` lends each heading's names to it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from codekit.plugins import CodeRecord

__all__ = ["default_codes"]

#: Kinds that group ranges of categories: they have no default code.
_RANGES = frozenset({"block", "chapter"})
#: Wording that says a code is the unqualified one of its heading: "..., unspecified",
#: "Unspecified ...", "... NOS".
_UNQUALIFIED = re.compile(
    r"^unspecified\b|, unspecified\b|\bnos$|, uncomplicated\b|\bwithout complications?\b",
    re.IGNORECASE,
)
#: A complication left unspecified is still a complication (F10.29 "Alcohol dependence with
#: unspecified alcohol-induced disorder" is not the plain alcohol dependence, F10.20).
_WITH_UNSPECIFIED = re.compile(r"\bwith unspecified\b", re.IGNORECASE)
_OTHER = re.compile(r"\bother\b", re.IGNORECASE)


def _default_tier(record: CodeRecord) -> tuple[int, int, str]:
    """How plainly ``record`` is the unqualified code of its heading (lower is plainer),
    after the child with the heading's own title (see :func:`default_codes`): an
    "unspecified"/"NOS"/"uncomplicated" wording, then the residual ``...9`` code that is
    not an "other" code nor one "with unspecified" complications, then any "unspecified"
    wording; among equals, the residual ``...9`` code, then code order."""
    text = record.description
    lowered = text.lower()
    names = [text, *record.notes.get("inclusion_term", ())]
    nine = record.code.endswith("9")
    if any(_UNQUALIFIED.search(n) for n in names):
        tier = 0
    elif (
        nine
        and not _WITH_UNSPECIFIED.search(text)
        and (not _OTHER.search(text) or "unspecified" in lowered)
    ):
        tier = 1
    elif "unspecified" in lowered:
        tier = 2
    else:
        tier = 3
    return (tier, 0 if nine else 1, record.code)


def default_codes(records: Sequence[CodeRecord]) -> dict[int, int]:
    """For each heading that may not be reported (by position in ``records``), the position
    of its default code: the billable code below it reached by taking, at each level, the
    plainest child (see :func:`_default_tier`). Blocks and chapters have none.

    Children are found by their parent's code *and kind* where the records say it: a block
    may have the code of its only category (C50 "Malignant neoplasms of breast" holds the
    category C50), and that category is no child of itself."""
    children: dict[tuple[str, str | None], list[int]] = {}
    for i, record in enumerate(records):
        if record.parent is not None and record.kind not in _RANGES:
            children.setdefault((record.parent, record.parent_kind), []).append(i)
    tiers: dict[int, tuple[int, int, str]] = {}

    def plainness(child: int, title: str) -> tuple[int, int, int, str]:
        # The heading's own title first; the rest of the tier does not depend on the
        # heading, so it is worked out once per child.
        tier = tiers.get(child)
        if tier is None:
            tier = tiers[child] = _default_tier(records[child])
        return (0 if records[child].description.lower() == title else 1, *tier)

    chosen: dict[int, int] = {}
    for i, record in enumerate(records):
        if record.billable or record.kind in _RANGES:
            continue
        current, seen = i, {i}
        while not records[current].billable:
            heading = records[current]
            below = [
                c
                for c in (
                    *children.get((heading.code, heading.kind), ()),
                    *children.get((heading.code, None), ()),  # records without parent kinds
                )
                if c not in seen
            ]
            if not below:
                break
            title = heading.description.lower()
            current = min(below, key=lambda c: plainness(c, title))
            seen.add(current)
        if records[current].billable and current != i:
            chosen[i] = current
    return chosen
