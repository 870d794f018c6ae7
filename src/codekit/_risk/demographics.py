"""A member's demographics: the segment (CMS's coefficient prefix) and the demographic variables.

CMS-HCC segments (V24, V28):

* ``NE`` / ``SNPNE``: new enrollees (less than 12 months of Medicare Part B in the data
  year), ``SNPNE`` for those in a chronic-condition special needs plan. A new enrollee's
  score is demographic only; it wins over ``institutional`` (a new enrollee has no data year
  in which to have been institutionalised);
* ``INS``: long-term institutional (90 days or more);
* community: ``C`` + dual status (``F`` full-benefit dual, ``P`` partial-benefit dual, ``N``
  not dual) + ``A`` aged (65 or over) or ``D`` disabled (under 65): ``CNA`` ... ``CPD``.

OREC (original reason for entitlement): ``0`` old age, ``1`` disability, ``2`` ESRD, ``3``
disability and ESRD. *Disabled* is under 65 with OREC not 0; *originally disabled* is 65 or
over with OREC 1.
"""

from __future__ import annotations

import numbers

import attrs

from codekit.exceptions import InvalidMemberError

__all__ = ["COMMUNITY", "SEGMENTS", "Member", "demographic_variables", "member", "segment_of"]

COMMUNITY = ("CNA", "CND", "CFA", "CFD", "CPA", "CPD")
#: Every CMS-HCC segment, as CMS prefixes its coefficients.
SEGMENTS = (*COMMUNITY, "INS", "NE", "SNPNE")
_NEW = ("NE", "SNPNE")
_DUAL = {"none": "N", "full": "F", "partial": "P"}
_SEX = {"F": "F", "M": "M", "2": "F", "1": "M", "FEMALE": "F", "MALE": "M"}
# age bands of the continuing-enrollee cells: (highest age, suffix)
_BANDS = (
    (34, "0_34"),
    (44, "35_44"),
    (54, "45_54"),
    (59, "55_59"),
    (64, "60_64"),
    (69, "65_69"),
    (74, "70_74"),
    (79, "75_79"),
    (84, "80_84"),
    (89, "85_89"),
    (94, "90_94"),
)
# the new-enrollee cells split 65 to 69 by single year
NEW_BANDS = (
    (34, "0_34"),
    (44, "35_44"),
    (54, "45_54"),
    (59, "55_59"),
    (64, "60_64"),
    (65, "65"),
    (66, "66"),
    (67, "67"),
    (68, "68"),
    (69, "69"),
    (74, "70_74"),
    (79, "75_79"),
    (84, "80_84"),
    (89, "85_89"),
    (94, "90_94"),
)


@attrs.frozen(kw_only=True)
class Member:
    """What a risk score needs to know of a member besides the diagnoses."""

    age: int
    sex: str  # "F" or "M"
    dual: str  # "none", "full" or "partial"
    medicaid: bool
    orec: str  # "0" to "3"
    institutional: bool = False
    new_enrollee: bool = False
    snp: bool = False
    #: Months since a kidney transplant (1 to 3: the ESRD transplant months; 4 or more: the
    #: functioning-graft segments).
    graft_months: int | None = None
    #: Receives the Part D low-income subsidy (the RxHCC model's ``Low`` segments).
    low_income: bool = False

    @property
    def aged(self) -> bool:
        return self.age >= 65

    @property
    def disabled(self) -> bool:
        """Under 65 and entitled by disability (or ESRD): CMS's ``DISABL``."""
        return self.age < 65 and self.orec != "0"

    @property
    def originally_disabled(self) -> bool:
        """65 or over and first entitled by disability: CMS's ``ORIGDS``."""
        return self.age >= 65 and self.orec == "1"


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidMemberError(name, value, f"{name}= takes True or False, not {value!r}")
    return value


def member(
    *,
    age: object,
    sex: object,
    dual: object = None,
    medicaid: object = None,
    orec: object = "0",
    institutional: object = False,
    new_enrollee: object = False,
    snp: object = False,
    graft_months: object = None,
    low_income: object = False,
) -> Member:
    """A checked :class:`Member`; anything codekit cannot score raises InvalidMemberError.

    ``dual`` is ``"none"``, ``"full"`` or ``"partial"``; left out, it is ``"full"`` when
    ``medicaid`` is true, else ``"none"``. ``medicaid`` (any Medicaid, a dual of either kind)
    defaults to ``dual != "none"``. ``graft_months`` (the ESRD models only) is the number
    of months since a kidney transplant, 1 or more; ``low_income`` (the RxHCC models only)
    whether the member receives the Part D low-income subsidy.
    """
    if isinstance(age, bool) or not isinstance(age, numbers.Integral) or not 0 <= int(age) <= 130:
        raise InvalidMemberError(
            "age", age, f"age= takes the member's age in whole years (0 to 130), not {age!r}"
        )
    key = sex.strip().upper() if isinstance(sex, str) else None
    if key not in _SEX:
        raise InvalidMemberError(
            "sex", sex, f"sex= takes 'F' or 'M' (or CMS's '2' / '1'), not {sex!r}"
        )
    text_orec = (
        str(orec).strip() if isinstance(orec, str | int) and not isinstance(orec, bool) else None
    )
    if text_orec not in ("0", "1", "2", "3"):
        raise InvalidMemberError(
            "orec",
            orec,
            f"orec= takes CMS's original reason for entitlement, '0' (old age), '1' "
            f"(disability), '2' (ESRD) or '3' (disability and ESRD), not {orec!r}",
        )
    if medicaid is not None:
        _flag("medicaid", medicaid)
    if dual is None:
        dual = "full" if medicaid else "none"
    if not isinstance(dual, str) or dual.strip().lower() not in _DUAL:
        raise InvalidMemberError(
            "dual",
            dual,
            f"dual= takes 'none', 'full' or 'partial' (dual eligibility), not {dual!r}",
        )
    dual = dual.strip().lower()
    if graft_months is not None and (
        isinstance(graft_months, bool)
        or not isinstance(graft_months, numbers.Integral)
        or not 1 <= int(graft_months) <= 1200
    ):
        raise InvalidMemberError(
            "graft_months",
            graft_months,
            "graft_months= takes the whole months since a kidney transplant, 1 or more (1 to 3: "
            "CMS's transplant months; 4 or more: a functioning graft), or None for a member on "
            f"dialysis, not {graft_months!r}",
        )
    return Member(
        age=int(age),
        sex=_SEX[key],
        dual=dual,
        medicaid=bool(medicaid) if medicaid is not None else dual != "none",
        orec=text_orec,
        institutional=_flag("institutional", institutional),
        new_enrollee=_flag("new_enrollee", new_enrollee),
        snp=_flag("snp", snp),
        graft_months=None if graft_months is None else int(graft_months),
        low_income=_flag("low_income", low_income),
    )


def segment_of(person: Member) -> str:
    """The member's CMS-HCC segment (see the module's docstring)."""
    if person.new_enrollee:
        return "SNPNE" if person.snp else "NE"
    if person.institutional:
        return "INS"
    return f"C{_DUAL[person.dual]}{'A' if person.aged else 'D'}"


def check_segment(segment: object, segments: tuple[str, ...] = SEGMENTS) -> str:
    """A segment named by the caller, checked against the model's ``segments``."""
    text = segment.strip().upper() if isinstance(segment, str) else None
    if text not in segments:
        raise InvalidMemberError(
            "segment", segment, f"segment= takes one of {', '.join(segments)}, not {segment!r}"
        )
    return text


def band(age: int, bands: tuple[tuple[int, str], ...] = _BANDS, last: str = "95_GT") -> str:
    """The age band of CMS's cells that ``age`` falls in."""
    for highest, suffix in bands:
        if age <= highest:
            return suffix
    return last


def cell(person: Member, segment: str) -> str:
    """The age/sex cell variable (without the segment prefix): ``F65_69``, or for a new
    enrollee ``NMCAID_NORIGDIS_NEF65`` (Medicaid and originally-disabled status)."""
    if segment in _NEW:
        # CMS puts a 64-year-old new enrollee entitled by age in the 65 cell
        age = 65 if person.age == 64 and person.orec == "0" else person.age
        mcaid = "MCAID" if person.medicaid else "NMCAID"
        origdis = "ORIGDIS" if person.originally_disabled else "NORIGDIS"
        return f"{mcaid}_{origdis}_NE{person.sex}{band(age, NEW_BANDS)}"
    return f"{person.sex}{band(person.age)}"


def demographic_variables(person: Member, segment: str) -> list[str]:
    """The member's demographic variables (without prefix); those the segment's table lacks
    count for nothing (``ORIGDS`` is an institutional variable, ``OriginallyDisabled_Female``
    a community one)."""
    found = [cell(person, segment)]
    if segment in _NEW:
        return found
    if person.originally_disabled:
        found.append(
            "OriginallyDisabled_Female" if person.sex == "F" else "OriginallyDisabled_Male"
        )
        found.append("ORIGDS")
    if person.medicaid:
        found.append("LTIMCAID")
    return found
