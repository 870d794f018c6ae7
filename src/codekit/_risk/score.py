"""One member's risk score: :func:`risk_score`.

The steps are CMS's model software's: diagnoses → condition categories (codekit's HCC
crosswalk for the payment year) → the age and sex edits → the model's own edits and the
hierarchies (CMS's hierarchy programs, as :func:`codekit.hccs` applies them) → the
segment's coefficients for the demographic cell, the demographic variables, each payment
HCC, each interaction and the count of payment HCCs. The scorer of a model and year is
:mod:`codekit._risk.scorer`'s, the payment score :mod:`codekit._risk.payment`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codekit._crosswalk._values import Hcc
from codekit._normalize import check_codes
from codekit._risk import demographics
from codekit._risk.payment import adjustment, payment_score, round3
from codekit._risk.scorer import Scorer, scorer
from codekit._risk.values import RiskScore

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = ["Scorer", "adjustment", "payment_score", "risk_score", "round3", "scorer"]


def risk_score(
    diagnoses: Iterable[str],
    *,
    model: str = "V28",
    payment_year: int | None = None,
    age: int,
    sex: str,
    medicaid: bool | None = None,
    dual: str | None = None,
    orec: str = "0",
    institutional: bool = False,
    new_enrollee: bool = False,
    snp: bool = False,
    segment: str | None = None,
    graft_months: int | None = None,
    low_income: bool = False,
    normalization_factor: float | None = None,
    coding_intensity: float | None = None,
) -> RiskScore:
    """A member's CMS-HCC, ESRD or RxHCC risk score with its full breakdown of coefficients.

    ``diagnoses`` are the member's ICD-10-CM codes from the data year (any spelling; codes
    the model does not map count for nothing). ``model`` is ``"V28"`` or ``"V24"``;
    ``payment_year`` picks the year's coefficients and HCC mapping (2025 to 2027; default:
    the newest). ``age`` is the age on February 1 of the payment year; ``sex`` ``"F"`` or
    ``"M"``; ``dual`` ``"none"``, ``"full"`` or ``"partial"`` (left out: ``"full"`` when
    ``medicaid``, else ``"none"``); ``orec`` the original reason for entitlement (``"0"`` age,
    ``"1"`` disability, ``"2"`` ESRD, ``"3"`` both). ``institutional``, ``new_enrollee`` and
    ``snp`` choose the institutional and new-enrollee segments; ``segment`` names one of
    CMS's segments (``"CNA"``, ``"CFD"``, ``"INS"``, ``"NE"``, ...) instead.
    ``model="ESRD_V24"`` (or ``"ESRD_V21"``) scores a member with end-stage renal disease
    by CMS's ESRD model (payment years 2025 to 2027): on dialysis, in the months 1 to 3
    after a kidney transplant (``graft_months``, segment ``"TRANSPLANT"``: CMS's flat
    factors), or with a functioning graft when ``graft_months`` is 4 or more;
    its segments are ``"DI"``, ``"DNE"``, ``"GI"``, ``"GNE"`` and the community graft
    segments ``"GFA"``, ``"GFN"``, ``"GNPA"``, ``"GNPN"`` (V21: ``"GC"``).
    ``model="RxHCC_MAPD"``, ``"RxHCC_PDP"`` or ``"RxHCC_PDP_AND_MAPD"`` scores the Part D
    RxHCC V08 model (payment year 2026: one calibration, normalized for MA-PD plans or for
    PDPs; 2027, as CMS's Advance Notice proposed it, calibrated for MA-PD plans, for PDPs,
    or for both); ``low_income`` (the Part D low-income subsidy)
    chooses its ``Low`` segments, ``"Rx_CE_LowAged"`` ... ``"Rx_NE_LTI"``.
    ``normalization_factor`` and ``coding_intensity`` replace the year's figures (the ESRD
    models' graft segments have a normalization factor of their own);
    ``payment_score`` divides by the one and multiplies by one minus the other, rounding each
    step to three decimals as CMS does.

    >>> import codekit
    >>> score = codekit.risk_score(["E11.9", "I50.9"], payment_year=2026, age=72, sex="F")
    >>> score.segment, [h.hcc for h in score.hccs]
    ('CNA', ['38', '226'])
    >>> [(f.variable, f.coefficient) for f in score.factors]  # doctest: +NORMALIZE_WHITESPACE
    [('CNA_F70_74', 0.395), ('CNA_HCC38', 0.166), ('CNA_HCC226', 0.36),
     ('CNA_DIABETES_HF_V28', 0.112), ('CNA_D2', 0.0)]
    >>> round(score.score, 3)
    1.033
    """
    check_codes(diagnoses, "risk_score")
    codes = list(diagnoses)
    person = demographics.member(
        age=age,
        sex=sex,
        dual=dual,
        medicaid=medicaid,
        orec=orec,
        institutional=institutional,
        new_enrollee=new_enrollee,
        snp=snp,
        graft_months=graft_months,
        low_income=low_income,
    )
    ready = scorer(model, payment_year)
    chosen = ready.segment_of(person, segment)
    table = ready.table
    norm = adjustment(
        "normalization_factor", normalization_factor, table.normalization_of(chosen), 0.01, 100.0
    )
    intensity = adjustment("coding_intensity", coding_intensity, table.coding_intensity, 0.0, 0.99)
    assert intensity is not None
    found = ready.categories(codes, person)
    kept = ready.payment_hccs(found)
    factors = [
        ready.factor(v, "demographic", chosen, None)
        for v in ready.demographic_factor_names(person, chosen)
    ]
    adjusted = ready.adjustment_of(person, chosen)
    if adjusted is not None:
        before = sum(f.coefficient for f in factors)
        factors.append(
            ready.factor(adjusted[0], "adjustment", chosen, None, before / adjusted[1] - before)
        )
    factors += [
        ready.factor(v, kind, chosen, hcc)
        for v, kind, hcc in ready.disease_variables(chosen, kept, ready.flagged(person))
    ]
    total = sum(f.coefficient for f in factors)
    labels: Mapping[str, str] = ready.crosswalk.labels
    hccs = tuple(
        Hcc(
            hcc=hcc,
            label=labels.get(hcc, ""),
            model=ready.crosswalk_name,
            payment_year=table.payment_year,
            diagnoses=tuple(sorted(found[hcc])),
        )
        for hcc in sorted(kept, key=lambda h: (len(h), h))
    )
    return RiskScore(
        model=ready.definition.name,
        payment_year=table.payment_year,
        segment=chosen,
        status=table.status,
        score=total,
        hccs=hccs,
        factors=tuple(factors),
        normalization_factor=norm,
        coding_intensity=intensity,
        payment_score=None if norm is None else payment_score(total, norm, intensity),
        normalization_source=table.normalization_source
        if normalization_factor is None
        else "given",
        coding_intensity_source=table.coding_intensity_source
        if coding_intensity is None
        else "given",
        release=ready.release,
    )
