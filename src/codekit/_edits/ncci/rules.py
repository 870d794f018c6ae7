"""NCCI semantics that are data rather than code, each kept in exactly one place.

* :func:`in_force` — the date boundary rule every table uses: an edit applies on a date of
  service when ``effective <= dos <= deletion`` (both inclusive; an open deletion date is
  :data:`OPEN`). Dates are day ordinals (:meth:`datetime.date.toordinal`), so the same
  expression works on Python integers and on numpy arrays.
* :func:`ptp_applies` — :func:`in_force` plus PTP modifier indicator ``9``: the edit never
  applied, on any date (CMS uses it exactly when deletion == effective).
* :data:`PTP_MODIFIERS` — the PTP-associated modifiers, versioned by effective date.
* The verdict of each edit, written once for both paths (one claim and a frame of lines):
  :func:`ptp_bypassed`, :func:`mue_per_line` / :func:`mue_exceeds` / :func:`mue_appealable`
  and :func:`aoc_verdict`. Each takes scalars or numpy arrays alike (the AOC verdict is
  tabulated over its small domain for arrays: :func:`aoc_verdicts`).
* CARC hints per finding.

A rule change is an edit here; the edit modules (:mod:`~codekit._edits.ncci.ptp`,
:mod:`~codekit._edits.ncci.mue`, :mod:`~codekit._edits.ncci.aoc`) only gather the lines the rules
compare and write the findings.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any, TypeVar

__all__ = [
    "AOC_DENY",
    "AOC_PASS",
    "AOC_UNVERIFIABLE",
    "CARC",
    "NEVER",
    "OPEN",
    "PTP_MODIFIERS",
    "aoc_verdict",
    "aoc_verdicts",
    "from_ordinal",
    "in_force",
    "mue_appealable",
    "mue_exceeds",
    "mue_per_line",
    "ptp_applies",
    "ptp_bypassed",
    "ptp_modifiers_on",
]

#: Deletion date of an open-ended edit (``*`` in the PTP files, empty in AOC).
OPEN = 2**31 - 1
#: Effective date of "no date" (an empty AOC primary deletion date means "never deleted").
NEVER = 0

_T = TypeVar("_T")


def in_force(effective: Any, deletion: Any, dos: Any) -> Any:
    """Whether a row applies on ``dos``: ``effective <= dos <= deletion``, both edges inclusive.

    CMS's deletion dates are the last day an edit applies (they fall on the last day of a
    quarter, effective dates on the first). Works element-wise on numpy arrays.
    """
    return (effective <= dos) & (dos <= deletion)


def ptp_applies(effective: Any, deletion: Any, indicator: Any, dos: Any) -> Any:
    """Whether a PTP row applies on ``dos``: in force and modifier indicator not ``9``.

    Indicator ``9`` ("not applicable") marks an edit that never applied, on any date.
    """
    return in_force(effective, deletion, dos) & (indicator != 9)


def ptp_bypassed(indicator: Any, has_modifier: Any) -> Any:
    """Whether a PTP-associated modifier turns an edit that fired into a warning: only
    modifier indicator ``1`` allows one (``0`` never does; ``9`` rows never fire)."""
    return (indicator == 1) & has_modifier


def mue_per_line(mai: Any) -> Any:
    """MAI ``1`` (line edit): each line's units are compared alone. MAI ``2`` and ``3`` (date
    of service edits) compare the units summed over the code's lines of the date."""
    return mai == 1


def mue_exceeds(units: Any, value: Any) -> Any:
    """Whether units are over an MUE value (the value itself is allowed)."""
    return units > value


def mue_appealable(mai: Any) -> Any:
    """MAI ``3`` (clinical) may be paid on appeal with documentation; ``2`` is absolute."""
    return mai == 3


#: The verdicts of :func:`aoc_verdict`.
AOC_PASS, AOC_DENY, AOC_UNVERIFIABLE = 0, 1, 2


def aoc_verdict(
    aoc_type: int, listed_present: bool, has_contractor_list: bool, contractor_present: bool
) -> int:
    """The verdict on an add-on line: :data:`AOC_PASS`, :data:`AOC_DENY` or
    :data:`AOC_UNVERIFIABLE`.

    ``listed_present``: a payable line (another line) carries a primary CMS lists;
    ``has_contractor_list``: a plugin registered primaries for the add-on (types 2 and 3
    only); ``contractor_present``: a payable line carries one of those. Type ``0`` is "no
    edit in force". Type 1 needs a listed primary; type 3 passes with one, else a contractor
    list decides, else it cannot be verified; type 2 has no CMS list: a contractor list
    decides (deny without one of its primaries), else it cannot be verified.
    """
    if aoc_type == 1:
        return AOC_PASS if listed_present else AOC_DENY
    if aoc_type not in (2, 3) or (aoc_type == 3 and listed_present):
        return AOC_PASS
    if has_contractor_list:
        if contractor_present:
            return AOC_PASS
        return AOC_DENY if aoc_type == 2 else AOC_UNVERIFIABLE
    return AOC_UNVERIFIABLE


_AOC_TABLE: list[Any] = []


def aoc_verdicts(
    aoc_type: Any, listed_present: Any, has_contractor_list: Any, contractor_present: Any
) -> Any:
    """:func:`aoc_verdict` element-wise over numpy arrays: its values over the whole domain
    (4 types x 2 x 2 x 2), looked up."""
    import numpy as np

    if not _AOC_TABLE:
        table = np.zeros((4, 2, 2, 2), dtype=np.int64)
        for index in np.ndindex(*table.shape):
            kind, listed, has, present = index
            table[index] = aoc_verdict(kind, bool(listed), bool(has), bool(present))
        _AOC_TABLE.append(table)
    return _AOC_TABLE[0][
        aoc_type,
        listed_present.astype(np.intp),
        has_contractor_list.astype(np.intp),
        contractor_present.astype(np.intp),
    ]


@lru_cache(maxsize=1 << 14)
def from_ordinal(value: int) -> dt.date | None:
    """The date of a stored day ordinal (``None`` for :data:`OPEN` / :data:`NEVER`)."""
    if value in (OPEN, NEVER):
        return None
    return dt.date.fromordinal(int(value))


_ANATOMIC = frozenset(
    ["E1", "E2", "E3", "E4", "FA", "TA", "LT", "RT", "LC", "LD", "RC", "LM", "RI"]
    + [f"F{i}" for i in range(1, 10)]
    + [f"T{i}" for i in range(1, 10)]
)
_GLOBAL_SURGERY = frozenset(["24", "25", "57", "58", "78", "79"])
_OTHER = frozenset(["27", "59", "91"])
_X_EPSU = frozenset(["XE", "XS", "XP", "XU"])

#: PTP-associated modifiers, newest first: ``(in force from, modifiers)``. The list has
#: changed over time (the X{EPSU} subset of 59 was added on 2015-01-01); a date of service
#: uses the newest entry whose date is on or before it.
PTP_MODIFIERS: tuple[tuple[dt.date, frozenset[str]], ...] = (
    (dt.date(2015, 1, 1), _ANATOMIC | _GLOBAL_SURGERY | _OTHER | _X_EPSU),
    (dt.date(1996, 1, 1), _ANATOMIC | _GLOBAL_SURGERY | _OTHER),
)


def ptp_modifiers_on(dos: dt.date) -> frozenset[str]:
    """The PTP-associated modifiers in force on a date of service."""
    for start, modifiers in PTP_MODIFIERS:
        if start <= dos:
            return modifiers
    return PTP_MODIFIERS[-1][1]


#: Claim adjustment reason codes to suggest per finding.
CARC: dict[str, str] = {
    "ptp": "CO-236",  # procedure/modifier combination not compatible with another on the same day
    "mue": "CO-151",  # payer deems the information does not support this many services
    "aoc": "CO-B15",  # requires a qualifying (primary) service on the same day
}
