"""One member's risk score: :func:`risk_score`.

The steps are CMS's model software's: diagnoses → condition categories (codekit's HCC
crosswalk for the payment year) → the age and sex edits → the model's own edits and the
hierarchies (CMS's hierarchy programs, as :func:`codekit.hccs` applies them) → the
segment's coefficients for the demographic cell, the demographic variables, each payment
HCC, each interaction and the count of payment HCCs.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from typing import TYPE_CHECKING, Any

from codekit import _registry
from codekit._crosswalk._api import _model_rules
from codekit._crosswalk._registry import candidates, select
from codekit._crosswalk._values import Hcc
from codekit._normalize import check_codes, compact_key
from codekit._risk import demographics, esrd, rxhcc
from codekit._risk.definitions import MODELS, ModelDefinition
from codekit._risk.tables import KIND, Edit, ModelTable
from codekit._risk.values import Factor, FactorKind, RiskScore
from codekit.exceptions import InvalidCodeError, InvalidMemberError, UnknownReleaseError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from codekit._crosswalk._table import CrosswalkTable
    from codekit._tables.registry import Release

__all__ = ["Scorer", "adjustment", "payment_score", "risk_score", "round3", "scorer"]

_ICD10CM = re.compile(r"[A-Z][0-9][0-9A-Z]{1,5}")
_CMS_SEX = {"F": "2", "M": "1"}


class Scorer:
    """One model and payment year made ready: its coefficients, crosswalk and hierarchy."""

    def __init__(self, definition: ModelDefinition, release: Release) -> None:
        self.definition = definition
        self.release = release.info
        self.table: ModelTable = release.source()
        year = self.table.payment_year
        (group,) = candidates(definition.crosswalk, "icd10cm")
        self.crosswalk_name = group.spec.name
        # the year's mapping; a year after the newest mapping (a plugin's newer factors) uses it
        chosen = select(group, as_of=dt.date(year, 1, 1))
        self.crosswalk_release = chosen.release.release
        self.crosswalk: CrosswalkTable = chosen.table()
        self.coefficients = self.table.coefficients
        self.esrd = definition.family == "esrd"
        self.rx = definition.family == "rxhcc"
        #: The model's segments, and those of new enrollees (a demographic score only).
        self.segments: tuple[str, ...] = demographics.SEGMENTS
        self.new_enrollee_segments: tuple[str, ...] = ("NE", "SNPNE")
        if self.esrd:
            self.segments, self.new_enrollee_segments = esrd.SEGMENTS[definition.name], esrd.NEW
        elif self.rx:
            self.segments, self.new_enrollee_segments = rxhcc.SEGMENTS, rxhcc.NEW
        self.label = f"{KIND} {definition.name} {year}"
        #: The scorer as arrays (:class:`codekit._risk.arrays.ModelArrays`), made on first
        #: batch use.
        self.compiled: Any = None
        self._code_cache: dict[str, tuple[str, tuple[str, ...], Edit | None]] = {}
        self._hcc_cache: dict[tuple[str, bool, frozenset[str]], tuple[float, tuple[str, ...]]] = {}

    # -- diagnoses -> HCCs ------------------------------------------------------------
    def categories(self, codes: Iterable[str], person: demographics.Member) -> dict[str, set[str]]:
        """Condition categories (HCC → the diagnoses giving it) after the age and sex edits."""
        found: dict[str, set[str]] = {}
        sex = _CMS_SEX[person.sex]
        cache = self._code_cache
        for code in codes:
            known = cache.get(code) if isinstance(code, str) else None
            if known is None:
                known = self.code(code)
                if len(cache) < 1 << 20:
                    cache[code] = known
            key, targets, edit = known
            if not targets:
                continue
            if edit is not None and edit.fires(person.age, sex):
                if edit.action == "invalid":
                    continue
                if edit.hcc is not None:
                    targets = (edit.hcc,)
            for target in targets:
                found.setdefault(target, set()).add(key)
        return found

    def code(self, code: object) -> tuple[str, tuple[str, ...], Edit | None]:
        """A diagnosis's compact code, its condition categories and its edit (if any)."""
        if not isinstance(code, str):
            raise InvalidCodeError(code, f"a diagnosis must be a string, not {type(code).__name__}")
        key = compact_key(code)
        if not _ICD10CM.fullmatch(key):
            raise InvalidCodeError(code, f"{code!r} is not a well-formed ICD-10-CM code")
        targets = tuple(target for target, _, _ in self.crosswalk.get(key) if target is not None)
        return key, targets, self.table.edits.get(key)

    def payment_hccs(self, present: Iterable[str]) -> frozenset[str]:
        """What the model's edits and hierarchies leave of the condition categories."""
        kept = set(present)
        _model_rules(self.crosswalk_name, kept)
        return frozenset(self.crosswalk.apply_hierarchy(kept))

    # -- demographics ------------------------------------------------------------------
    def segment_of(self, person: demographics.Member, segment: object = None) -> str:
        """The member's segment under this model, or the one the caller named, checked."""
        if person.graft_months is not None and not self.esrd:
            raise InvalidMemberError(
                "graft_months",
                person.graft_months,
                f"graft_months= is for the ESRD models (model='ESRD_V24'), not "
                f"{self.definition.name}: leave it out",
            )
        if person.low_income and not self.rx:
            raise InvalidMemberError(
                "low_income",
                person.low_income,
                f"low_income= is for the RxHCC models (model='RxHCC_MAPD'), not "
                f"{self.definition.name}: leave it out",
            )
        if self.rx:
            return rxhcc.segment_of(person) if segment is None else rxhcc.check_segment(segment)
        if segment is not None:
            named = demographics.check_segment(segment, self.segments)
            return self._transplant_checked(person, named) if self.esrd else named
        if self.esrd:
            return self._transplant_checked(person, esrd.segment_of(person, self.definition.name))
        return demographics.segment_of(person)

    def _transplant_checked(self, person: demographics.Member, segment: str) -> str:
        """The ESRD segment, the transplant months checked against the table's factors."""
        if segment != esrd.TRANSPLANT:
            return segment
        factor = esrd.transplant_factor(person.graft_months)
        if factor is None:
            raise InvalidMemberError(
                "graft_months",
                person.graft_months,
                f"segment {esrd.TRANSPLANT!r} is a kidney transplant month: pass graft_months= "
                f"1, 2 or 3, not {person.graft_months!r}",
            )
        if factor.upper() not in self.coefficients:
            raise InvalidMemberError(
                "graft_months",
                person.graft_months,
                f"the {self.label} table has no factor {factor} (CMS's kidney transplant month "
                f"{person.graft_months}): use a table that has it (payment_year=2027) or "
                f"score the member once the graft has functioned 4 months",
            )
        return segment

    def flagged(self, person: demographics.Member) -> bool:
        """Whether the member has the model's interaction factor ``DISABLED`` / ``NONAGED``."""
        return not person.aged if self.definition.flag == "NONAGED" else person.disabled

    # -- variables ---------------------------------------------------------------------
    def disease_variables(
        self, segment: str, hccs: frozenset[str], flagged: bool
    ) -> list[tuple[str, FactorKind, str | None]]:
        """The segment's HCC, interaction and count variables that are 1 (with a factor)."""
        if segment in self.new_enrollee_segments:
            return []
        prefix = self.definition.hcc_prefix
        found: list[tuple[str, FactorKind, str | None]] = [
            (f"{segment}_{prefix}{hcc}", "hcc", hcc)
            for hcc in sorted(hccs, key=lambda h: (len(h), h))
        ]
        found += [
            (f"{segment}_{name}", "interaction", None)
            for name in self.definition.interactions_of(hccs, flagged)
        ]
        if hccs:
            count = len(hccs)
            found.append(
                (f"{segment}_D{count}" if count < 10 else f"{segment}_D10P", "count", None)
            )
        return [(v, k, h) for v, k, h in found if v.upper() in self.coefficients]

    def disease_part(self, segment: str, hccs: frozenset[str], flagged: bool) -> float:
        """The sum of the disease factors (cached: members share few HCC combinations)."""
        key = (segment, flagged, hccs)
        hit = self._hcc_cache.get(key)
        if hit is None:
            variables = self.disease_variables(segment, hccs, flagged)
            total = sum(self.coefficients[v.upper()] for v, _, _ in variables)
            hit = (total, tuple(v for v, _, _ in variables))
            if len(self._hcc_cache) < 1 << 20:
                self._hcc_cache[key] = hit
        return hit[0]

    def demographic_factor_names(self, person: demographics.Member, segment: str) -> list[str]:
        if self.esrd:
            names = esrd.demographic_variables(person, segment, self.definition.name)
        elif self.rx:
            names = rxhcc.demographic_variables(person, segment)
        else:
            names = [f"{segment}_{v}" for v in demographics.demographic_variables(person, segment)]
        return [name for name in names if name.upper() in self.coefficients]

    def adjustment_of(self, person: demographics.Member, segment: str) -> tuple[str, float] | None:
        """CMS's divisor of the member's demographic factors, if any (ESRD V24 graft new
        enrollees: ``ActAdj_DUR4_9`` / ``ActAdj_DUR10PL``), with its value."""
        if not self.esrd:
            return None
        name = esrd.actuarial_adjustment(person, segment)
        if name is None or name.upper() not in self.coefficients:
            return None
        return name, self.coefficients[name.upper()]

    def demographic_score(self, person: demographics.Member, segment: str) -> float:
        """The sum of the member's demographic factors, divided by CMS's adjustment if any."""
        total = 0.0
        for name in self.demographic_factor_names(person, segment):
            total += self.coefficients[name.upper()]
        adjusted = self.adjustment_of(person, segment)
        return total if adjusted is None else total / adjusted[1]

    def factor(
        self,
        variable: str,
        kind: FactorKind,
        segment: str,
        hcc: str | None,
        value: float | None = None,
    ) -> Factor:
        return Factor(
            variable=variable,
            kind=kind,
            coefficient=self.coefficients[variable.upper()] if value is None else value,
            model=self.definition.name,
            payment_year=self.table.payment_year,
            segment=segment,
            table=self.label,
            source=self.table.source,
            hcc=hcc,
        )


_BY_NAME = {name.upper(): definition for name, definition in MODELS.items()}
_RX_MODELS = [name for name, d in MODELS.items() if d.family == "rxhcc"]


def _definition(model: object) -> ModelDefinition:
    text = model.strip().upper() if isinstance(model, str) else None
    if text is not None and text.startswith("HCC:"):
        text = text[4:]
    if text is not None and text.startswith("RXHCC:"):  # the crosswalk's name, "rxhcc:V08"
        text = "RXHCC_" + text[6:]
    if text is not None and text.startswith("ESRD"):  # "ESRD V24", "ESRD-V24", "ESRDV24"
        text = "ESRD_" + text[4:].lstrip("_- ")
    if text is not None and text.startswith("RXHCC"):  # "RxHCC MAPD", "RXHCC-PDP"
        text = ("RXHCC_" + text[5:].lstrip("_- ")).rstrip("_").replace(" ", "_")
        if text in ("RXHCC", "RXHCC_V08"):
            raise InvalidMemberError(
                "model",
                model,
                f"model= takes the RxHCC model with its plan type, one of "
                f"{', '.join(_RX_MODELS)}, not {model!r} (CMS calibrates the CY 2027 RxHCC "
                f"model separately for MA-PD plans and PDPs)",
            )
    if text is None or text not in _BY_NAME:
        raise InvalidMemberError(
            "model",
            model,
            f"model= takes one of {', '.join(MODELS)} (CMS-HCC, CMS-HCC ESRD and RxHCC), not "
            f"{model!r}",
        )
    return _BY_NAME[text]


def scorer(model: object = "V28", payment_year: object = None) -> Scorer:
    """The :class:`Scorer` of a model and payment year (default: the newest year)."""
    definition = _definition(model)
    if payment_year is not None and (
        isinstance(payment_year, bool) or not isinstance(payment_year, int)
    ):
        raise InvalidMemberError(
            "payment_year",
            payment_year,
            f"payment_year= takes a year such as 2026, not {payment_year!r}",
        )
    registry = _registry.current()
    as_of = None
    if payment_year is not None:
        if not 1 <= payment_year <= 9999:
            raise InvalidMemberError(
                "payment_year",
                payment_year,
                f"payment_year= takes a year such as 2026, not {payment_year!r}",
            )
        as_of = dt.date(payment_year, 1, 1)
    try:
        release = registry.select_table(KIND, name=definition.name, as_of=as_of)
    except UnknownReleaseError as exc:
        years = sorted(r.info.release for r in registry.tables(KIND, definition.name))
        why = ""
        refused = rxhcc.UNBUILT.get((definition.name, payment_year or 0))
        if refused is not None:
            why = f": {refused}"
        raise UnknownReleaseError(
            f"{definition.name} {payment_year}",
            f"no {definition.name} risk-score coefficients for payment year {payment_year}; "
            f"codekit has {', '.join(years) or 'none'}{why}",
        ) from exc
    key = ("risk.scorer", definition.name, release.info.release, release.plugin)
    return registry.memo(key, lambda: Scorer(definition, release))


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


_THOUSANDTH = decimal.Decimal("0.001")


def _decimal(value: float) -> decimal.Decimal:
    # the number as written (its shortest repr), not the float's binary expansion
    return decimal.Decimal(repr(float(value)))


def _round3(value: decimal.Decimal) -> decimal.Decimal:
    return value.quantize(_THOUSANDTH, rounding=decimal.ROUND_HALF_UP)


def round3(value: float) -> float:
    """``value`` rounded to three decimals, halves away from zero, as the number is written
    (``1.0005`` gives ``1.001``; Python's ``round`` rounds the float's binary value)."""
    return float(_round3(_decimal(value)))


def payment_score(raw: float, normalization: float, coding_intensity: float) -> float:
    """CMS's payment risk score from the raw score, stepwise: divide by the normalization
    factor and round to three decimals, then multiply by one minus the MA coding-pattern
    adjustment and round to three decimals again (in decimal arithmetic, so that a product
    such as ``0.500 * 0.941 = 0.4705`` rounds up as written)."""
    with decimal.localcontext() as context:
        context.prec = 28
        normalized = _round3(_decimal(raw) / _decimal(normalization))
        return float(_round3(normalized * (1 - _decimal(coding_intensity))))


def adjustment(
    name: str, given: object, default: float | None, low: float, high: float
) -> float | None:
    if given is None:
        return default
    if isinstance(given, bool) or not isinstance(given, int | float) or not low <= given <= high:
        raise InvalidMemberError(
            name, given, f"{name}= takes a number from {low} to {high}, not {given!r}"
        )
    return float(given)
