"""The MCE's patient edits: the age and sex the codes allow, and the claim's age, sex and
discharge status themselves."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from codekit._edits.mce.context import Context, Hit, Item, codes_text

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["AGE_EDITS", "UNKNOWN_SEX_ACCEPTED", "patient_edits"]

#: The age edits, each a range of ages in years from ``mce_age_ranges``.
AGE_EDITS = ("newborn", "pediatric", "maternity", "adult")
#: From MCE v42 (discharges from 2024-10-01) an unknown sex is no longer an invalid sex.
UNKNOWN_SEX_ACCEPTED = dt.date(2024, 10, 1)
_SEX_FLAGS = {"male": "M", "female": "F"}


def _age_conflict(context: Context, item: Item) -> str | None:
    for edit in AGE_EDITS:
        if item.has(edit):
            span = context.table.age_range(edit, context.packed_day)
            if span is not None and not span[0] <= context.claim.age <= span[1]:
                return f"{edit} ages {span[0]}-{span[1]}"
    return None


def patient_edits(context: Context) -> Iterator[Hit]:
    """Every patient edit that fires on the claim."""
    claim = context.claim
    conflicts = [(item, _age_conflict(context, item)) for item in context.diagnoses]
    ages = tuple(item for item, why in conflicts if why)
    if ages:
        reasons = "; ".join(f"{item.code}: {why}" for item, why in conflicts if why)
        yield Hit(
            "age_conflict",
            ages,
            f"a patient of {claim.age} cannot have {codes_text(ages)} ({reasons}); check "
            "the age and the codes",
        )
    sexes = tuple(
        item
        for item in (*context.diagnoses, *context.procedures)
        if any(item.has(flag) and claim.sex != sex for flag, sex in _SEX_FLAGS.items())
    )
    if sexes:
        yield Hit(
            "sex_conflict",
            sexes,
            f"{codes_text(sexes)} is for the other sex than the patient's ({claim.sex}); "
            "check the sex and the codes",
        )
    if claim.sex == "U" and context.day < UNKNOWN_SEX_ACCEPTED:
        yield Hit(
            "invalid_sex",
            (),
            "the patient's sex is unknown (U), which this MCE version does not accept "
            "(versions from v42, discharges from 2024-10-01, do); give M or F",
        )
    if not context.table.discharge_status_valid(claim.discharge_status, context.packed_day):
        yield Hit(
            "invalid_discharge_status",
            (),
            f"{claim.discharge_status:02d} is not a valid UB-04 patient status code on "
            f"{context.day.isoformat()}; use a current one such as 01 (home) or 20 (expired)",
        )
