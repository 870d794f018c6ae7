"""The MCE's code edits: invalid codes, and diagnoses that cannot be (or must not be alone
as) the principal diagnosis, or that say something went wrong."""

from __future__ import annotations

from typing import TYPE_CHECKING

from codekit._edits.mce.context import Context, Hit, Item, codes_text

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["code_edits"]


def _principal_flag(context: Context, flag: str, rule: str, what: str) -> Iterator[Hit]:
    principal = context.principal
    if principal.has(flag):
        yield Hit(rule, (principal,), f"{principal.code} {what}")


def code_edits(context: Context) -> Iterator[Hit]:
    """Every code edit that fires on the claim, in the MCE's order."""
    day = context.day.isoformat()
    items: tuple[Item, ...] = (*context.diagnoses, *context.procedures)
    invalid = tuple(item for item in items if item.flags is None)
    if invalid:
        yield Hit(
            "invalid_code",
            invalid,
            f"{codes_text(invalid)}: not valid on the discharge date {day}; code to the "
            "release in force then (codekit.lookup(code, as_of=...) shows what replaced a "
            "deleted code, and whether a code needs more characters)",
        )
    admitting = context.admitting
    if admitting is not None and admitting.flags is None:
        yield Hit(
            "invalid_admit_dx",
            (admitting,),
            f"the admitting diagnosis {admitting.code} is not valid on {day}; correct it",
            severity="warn",
        )
    yield from _principal_flag(
        context,
        "ecodepdx",
        "e_code_as_pdx",
        "is an external cause of morbidity code, which never is the principal diagnosis; "
        "put the condition it caused first and keep the external cause as a secondary code",
    )
    duplicates = tuple(s for s in context.secondary if s.compact == context.principal.compact)
    if duplicates:
        yield Hit(
            "duplicate_of_pdx",
            duplicates,
            f"{codes_text(duplicates)} repeats the principal diagnosis; remove the duplicate",
        )
    yield from _principal_flag(
        context,
        "manifestation",
        "manifestation_as_pdx",
        "is a manifestation code, which is sequenced after its underlying condition; "
        "put the underlying condition first",
    )
    yield from _principal_flag(
        context,
        "qadm",
        "questionable_admission",
        "is seldom a reason for an inpatient admission; check the principal diagnosis "
        "(the claim goes to review)",
    )
    if not context.principal.has("reqsdx"):  # acceptable with a secondary diagnosis
        yield from _principal_flag(
            context,
            "unacceptable",
            "unacceptable_pdx",
            "is not acceptable as a principal diagnosis for an inpatient stay; code the "
            "condition chiefly responsible for the admission first",
        )
    unspecified = tuple(item for item in context.diagnoses if item.has("unspecified"))
    if unspecified:
        yield Hit(
            "unspecified",
            unspecified,
            f"{codes_text(unspecified)}: unspecified where the record should say more "
            "(such as the side); code the specific condition",
        )
    wrong = tuple(item for item in context.diagnoses if item.has("wrngproc"))
    if wrong:
        yield Hit(
            "wrong_procedure_performed",
            wrong,
            f"{codes_text(wrong)} reports a wrong procedure, wrong site or wrong patient; "
            "the claim is reviewed (the wrong surgery is not payable)",
        )
    principal = context.principal
    if principal.has("reqsdx") and not context.secondary:
        yield Hit(
            "requires_sdx",
            (principal,),
            f"{principal.code} as the principal diagnosis needs a secondary diagnosis; add "
            "the condition that was treated",
        )
