"""The MCE's coverage edits: procedures Medicare does not cover (at all, or for this age, or
without the diagnoses or procedures that make them covered), procedures covered only in
limited circumstances, deliveries without an outcome of delivery, and a procedure that
cannot fit in the length of stay."""

from __future__ import annotations

from typing import TYPE_CHECKING

from codekit._edits.mce.context import Context, Hit, Item, codes_text

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["coverage_edits"]

#: ``ncov12agele60``: covered only up to this age.
_AGE_COVERED_UP_TO = 60
#: ``los``: the procedure (ventilation of more than 96 hours) needs a stay of 4 days or more.
_LONGEST_SHORT_STAY = 3


def _non_covered(context: Context, item: Item) -> bool:
    if item.has("noncovered"):
        return True
    if item.has("ncov12agele60") and context.claim.age > _AGE_COVERED_UP_TO:
        return True
    if item.has("ncov45"):  # pancreas transplant: with a kidney transplant or type 1 diabetes
        return not (context.any_procedure("kidneyxp") or context.any_diagnosis("diabtypeI"))
    return any(item.has(flag) and context.any_diagnosis(flag) for flag in ("ncov_z302", "ncov6"))


def coverage_edits(context: Context) -> Iterator[Hit]:
    """Every coverage edit that fires on the claim."""
    denied = tuple(item for item in context.procedures if _non_covered(context, item))
    if denied:
        yield Hit(
            "non_covered",
            denied,
            f"{codes_text(denied)}: not covered by Medicare with this claim's diagnoses and "
            "age; the stay is paid without it, or bill the patient or another payer",
        )
    limited = tuple(item for item in context.procedures if item.has("lcov") and item not in denied)
    if limited:
        yield Hit(
            "limited_coverage",
            limited,
            f"{codes_text(limited)}: covered by Medicare only in limited circumstances "
            "(such as an approved transplant centre); the claim is reviewed",
        )
    if not any(item.has("delout") for item in context.secondary):
        deliveries = tuple(
            item for item in context.procedures if item.has("csect") or item.has("vagdel")
        )
        if deliveries:
            yield Hit(
                "questionable_obstetric_admission",
                deliveries,
                f"{codes_text(deliveries)} is a delivery, but no outcome of delivery (Z37) "
                "is coded as a secondary diagnosis; add the Z37 code",
            )
    stay = context.claim.length_of_stay
    if stay is not None and stay <= _LONGEST_SHORT_STAY:
        short = tuple(item for item in context.procedures if item.has("los"))
        if short:
            yield Hit(
                "inconsistent_with_length_of_stay",
                short,
                f"{codes_text(short)} lasts more than 96 hours, longer than the {stay}-day "
                "stay; check the procedure code and the admission and discharge dates",
            )
