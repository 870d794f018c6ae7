"""NCCI table rows as the per-code questions answer them: :class:`PtpEdit`, :class:`MueLimit`
and :class:`AocEdit`.
"""

from __future__ import annotations

import datetime as dt

import attrs

from codekit._edits.finding import Provenance
from codekit._edits.ncci.rules import OPEN, mue_per_line, ptp_applies

__all__ = ["AocEdit", "MueLimit", "PtpEdit"]


@attrs.frozen(kw_only=True)
class PtpEdit:
    """One PTP row: ``column2`` is denied when reported with ``column1`` while in force."""

    column1: str
    column2: str
    effective: dt.date
    deletion: dt.date | None
    modifier_indicator: int
    rationale: str
    prior_1996: bool
    provenance: Provenance

    def applies(self, day: dt.date) -> bool:
        """Whether the edit applies on a date of service (see :mod:`codekit._edits.ncci.rules`)."""
        deletion = OPEN if self.deletion is None else self.deletion.toordinal()
        return bool(
            ptp_applies(
                self.effective.toordinal(), deletion, self.modifier_indicator, day.toordinal()
            )
        )


@attrs.frozen(kw_only=True)
class MueLimit:
    """The MUE of one code: at most ``value`` units, adjudicated per ``mai`` (1, 2 or 3)."""

    code: str
    value: int
    mai: int
    mai_text: str
    rationale: str
    provenance: Provenance

    @property
    def per_line(self) -> bool:
        """MAI 1: each line is compared alone; MAI 2/3 sum the units of the date of service."""
        return bool(mue_per_line(self.mai))


@attrs.frozen(kw_only=True)
class AocEdit:
    """One AOC row: ``add_on`` (type 1, 2 or 3) with one listed primary (``CCCCC`` = contractor)."""

    add_on: str
    aoc_type: int
    primary: str
    effective: dt.date | None
    deletion: dt.date | None
    add_on_deletion: dt.date | None
    primary_deletion: dt.date | None
    notes: str
    provenance: Provenance
