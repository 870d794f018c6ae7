"""The ESRD models' segments and demographic variables (CMS-HCC ESRD V24 and V21).

A member scored by the ESRD model has end-stage renal disease (by OREC or by the current
reason for entitlement: choosing the model says so). The segment is CMS's coefficient
prefix:

* dialysis (no functioning graft, ``graft_months`` left out): ``DNE`` for a new enrollee,
  else ``DI`` (community and institutional alike; institutional members add ``LTI_Aged``
  or ``LTI_NonAged``);
* the kidney transplant months (``graft_months`` 1 to 3): ``TRANSPLANT``, one flat factor
  per month (``TRANSPLANT_KIDNEY_ONLY_1M``), whatever the diagnoses and demographics, as
  CMS pays the month of the transplant and the two after it (CMS, "Capitation Payment
  under the Risk Adjustment Model", May 2004);
* functioning graft (``graft_months`` 4 or more after a kidney transplant): ``GNE`` for a
  new enrollee (it wins over institutional: a new enrollee has no data year), ``GI``
  institutional, else community ``G`` + ``F`` full-benefit dual or ``NP`` not or partial
  dual + ``A`` aged (65 or over) or ``N`` not aged: ``GFA``, ``GFN``, ``GNPA``, ``GNPN``
  (ESRD V21: one community segment, ``GC``).

A functioning graft adds CMS's duration factors (months 4 to 9, 10 or more), by age (V21:
``GE65_DUR4_9`` ...) or by age and dual status (V24: ``FGC_`` in the community and
new-enrollee segments, ``FGI_`` in ``GI``); those and V24's ``LTI_GE65`` / ``LTI_LT65``
(``GI``) carry no segment prefix in CMS's table. V24 splits by full-benefit dual (``FBD``,
``FBDual``, ``PBDual``), V21 by any Medicaid (``MCAID``).
"""

from __future__ import annotations

from codekit._risk.demographics import NEW_BANDS, Member, band

#: The kidney transplant months 1 to 3: one flat factor each (``TRANSPLANT_KIDNEY_ONLY_1M``).
TRANSPLANT = "TRANSPLANT"

__all__ = [
    "GRAFT_SEGMENTS",
    "NEW",
    "SEGMENTS",
    "TRANSPLANT",
    "actuarial_adjustment",
    "demographic_variables",
    "segment_of",
    "transplant_factor",
]

#: The ESRD segments of each model, as CMS prefixes their coefficients.
SEGMENTS = {
    "ESRD_V24": ("DI", "DNE", "GI", "GNE", "GFA", "GFN", "GNPA", "GNPN", TRANSPLANT),
    "ESRD_V21": ("DI", "DNE", "GI", "GNE", "GC", TRANSPLANT),
}
#: The segments scored without diagnoses: the new enrollees and the transplant months.
NEW = ("DNE", "GNE", TRANSPLANT)
#: The functioning-graft segments (they also have a normalization factor of their own).
GRAFT_SEGMENTS = frozenset({"GI", "GNE", "GC", "GFA", "GFN", "GNPA", "GNPN"})
# the dialysis new enrollees' cells group 65 to 69 and end at 85 and over
_DNE_BANDS = (
    (34, "0_34"),
    (44, "35_44"),
    (54, "45_54"),
    (59, "55_59"),
    (64, "60_64"),
    (69, "65_69"),
    (74, "70_74"),
    (79, "75_79"),
    (84, "80_84"),
)
_SEX = {"F": "Female", "M": "Male"}


def transplant_factor(months: int | None) -> str | None:
    """CMS's factor of a kidney transplant month (1 to 3), None after (or without) one."""
    if months is None or not 1 <= months <= 3:
        return None
    return f"TRANSPLANT_KIDNEY_ONLY_{months}M"


def segment_of(person: Member, model: str) -> str:
    """The member's segment under the ESRD ``model`` (see the module's docstring)."""
    if transplant_factor(person.graft_months) is not None:
        return TRANSPLANT
    if person.graft_months is None:
        return "DNE" if person.new_enrollee else "DI"
    if person.new_enrollee:
        return "GNE"
    if person.institutional:
        return "GI"
    if model == "ESRD_V21":
        return "GC"
    return f"G{'F' if person.dual == 'full' else 'NP'}{'A' if person.aged else 'N'}"


def _new_enrollee_cell(person: Member, segment: str, v21: bool) -> str:
    if v21:
        dual = "MCAID" if person.medicaid else "NMCAID"
    else:
        dual = "FBD" if person.dual == "full" else "ND_PBD"
    # CMS's new-enrollee age: 64 entitled by age is scored as 65 (the first month of
    # Medicare entitlement by age falls in the payment year)
    age = 65 if person.age == 64 and person.orec == "0" else person.age
    if segment == "DNE":
        # CMS's dialysis new-enrollee cells of OREC 1 have no age gate (0-34 and up)
        origdis = "ORIGDIS" if person.orec == "1" else "NORIGDIS"
        return f"DNE_{dual}_{origdis}_NE{person.sex}{band(age, _DNE_BANDS, '85_GT')}"
    origdis = "ORIGDIS" if person.originally_disabled else "NORIGDIS"
    return f"GNE_{dual}_{origdis}_G_NE{person.sex}{band(age, NEW_BANDS)}"


def _duration(person: Member, segment: str, v21: bool) -> list[str]:
    """The functioning graft's duration factors (no prefix: ``FGC_GE65_DUR4_9_FBD``)."""
    months = person.graft_months
    if months is None or months < 4 or segment not in GRAFT_SEGMENTS:
        return []
    age = "GE65" if person.aged else "LT65"
    duration = "DUR4_9" if months <= 9 else "DUR10PL"
    if v21:
        return [f"{age}_{duration}"]
    kind = "FGI" if segment == "GI" else "FGC"
    dual = "FBD" if person.dual == "full" else "ND_PBD"
    found = [f"{kind}_{age}_{duration}_{dual}"]
    if person.dual == "partial":
        found.append(f"{kind}_PBD_{age}_flag")
    return found


def actuarial_adjustment(person: Member, segment: str) -> str | None:
    """The ESRD V24 graft new enrollee's divisor, ``ActAdj_DUR4_9`` or ``ActAdj_DUR10PL``:
    CMS divides the new enrollee's cell and duration factors by it (a table without it, as
    ESRD V21's, has none)."""
    if segment != "GNE" or person.graft_months is None:
        return None
    return "ActAdj_DUR4_9" if person.graft_months <= 9 else "ActAdj_DUR10PL"


def demographic_variables(person: Member, segment: str, model: str) -> list[str]:
    """The member's demographic variables under the ESRD ``model``, full names (those the
    segment's table lacks count for nothing: ``GFN_OriginallyDisabled_Female``)."""
    v21 = model == "ESRD_V21"
    if segment == TRANSPLANT:
        factor = transplant_factor(person.graft_months)
        return [] if factor is None else [factor]
    if segment in NEW:
        return [_new_enrollee_cell(person, segment, v21), *_duration(person, segment, v21)]
    found = [f"{segment}_{person.sex}{band(person.age)}"]
    sex = _SEX[person.sex]
    aged = "Aged" if person.aged else "NonAged"
    if person.originally_disabled:
        found += [f"{segment}_OriginallyDisabled_{sex}", f"{segment}_ORIGDS"]
    if person.aged and person.orec in ("2", "3"):
        found.append(f"{segment}_Originally_ESRD_{sex}")
    if v21 and person.medicaid:
        found += [f"{segment}_MCAID_{sex}_{aged}", f"{segment}_MCAID"]
    elif person.dual == "full":
        found.append(f"{segment}_FBDual_{sex}_{aged}")
    elif person.dual == "partial":
        found.append(f"{segment}_PBDual_{sex}_{aged}")
    if person.institutional and not v21:
        found.append(f"{segment}_LTI_{aged}")
        if segment == "GI":
            found.append("LTI_GE65" if person.aged else "LTI_LT65")
    return [*found, *_duration(person, segment, v21)]
