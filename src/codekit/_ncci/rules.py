"""NCCI semantics that are data rather than code, each kept in exactly one place.

* :func:`in_force` — the date boundary rule every table uses: an edit applies on a date of
  service when ``effective <= dos <= deletion`` (both inclusive; an open deletion date is
  :data:`OPEN`). Dates are day ordinals (:meth:`datetime.date.toordinal`), so the same
  expression works on Python integers and on numpy arrays.
* :func:`ptp_applies` — :func:`in_force` plus PTP modifier indicator ``9``: the edit never
  applied, on any date (CMS uses it exactly when deletion == effective).
* :data:`PTP_MODIFIERS` — the PTP-associated modifiers, versioned by effective date.
* CARC hints per finding.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

__all__ = [
    "CARC",
    "NEVER",
    "OPEN",
    "PTP_MODIFIERS",
    "from_ordinal",
    "in_force",
    "ptp_applies",
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
