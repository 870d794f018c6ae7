"""The values a risk score returns: the score and each coefficient that went into it."""

from __future__ import annotations

from typing import Literal

import attrs

from codekit._crosswalk._values import Hcc
from codekit.models import DataRelease

__all__ = ["Factor", "FactorKind", "RiskScore"]

FactorKind = Literal["demographic", "hcc", "interaction", "count", "adjustment"]


@attrs.frozen(kw_only=True)
class Factor:
    """One coefficient of a risk score, with where it comes from.

    ``variable`` is CMS's name for it, segment prefix included (``"CNA_HCC37"``,
    ``"CNA_F70_74"``, ``"CNA_DIABETES_HF_V28"``, ``"CNA_D2"``); ``kind`` says what it is:
    the age/sex cell or another demographic variable, a payment HCC, an interaction, or the
    count of payment HCCs, or an ``"adjustment"``: CMS's divisor of the factors before it
    (ESRD V24's ``ActAdj_DUR4_9`` for a graft new enrollee), its ``coefficient`` the amount
    the division adds, so that the factors still sum to the score. ``hcc`` names the HCC of
    an ``"hcc"`` factor. ``table`` names the coefficient table
    (``"risk_coefficients V28 2026"``) and ``source`` the file it was built from.
    """

    variable: str
    kind: FactorKind
    coefficient: float
    model: str
    payment_year: int
    segment: str
    table: str
    source: str
    hcc: str | None = None


@attrs.frozen(kw_only=True)
class RiskScore:
    """A member's risk score under one model and payment year, with its full breakdown.

    ``score`` is the sum of the ``factors`` (CMS's raw relative risk score).
    ``payment_score`` is ``score / normalization_factor * (1 - coding_intensity)``: the
    normalization factor and the MA coding-pattern adjustment of the payment year as CMS
    announced them (their sources in ``normalization_source`` and
    ``coding_intensity_source``); it is ``None`` when codekit has no normalization factor for
    the year and none was passed. ``hccs`` are the payment HCCs after the age and sex edits
    and the hierarchies; ``status`` is ``"final"`` or ``"proposed"`` (the year's factors as
    CMS's Advance Notice proposed them).
    """

    model: str
    payment_year: int
    segment: str
    status: str
    score: float
    hccs: tuple[Hcc, ...]
    factors: tuple[Factor, ...]
    normalization_factor: float | None
    coding_intensity: float
    payment_score: float | None
    normalization_source: str = ""
    coding_intensity_source: str = ""
    release: DataRelease | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def demographic_score(self) -> float:
        """The part of the score from the demographic factors."""
        return sum(f.coefficient for f in self.factors if f.kind == "demographic")

    @property
    def disease_score(self) -> float:
        """The part of the score from the HCCs, interactions and HCC counts."""
        return sum(f.coefficient for f in self.factors if f.kind != "demographic")

    @property
    def hcc_count(self) -> int:
        """The number of payment HCCs (the count CMS's ``D1``...``D10P`` variables read)."""
        return len(self.hccs)
