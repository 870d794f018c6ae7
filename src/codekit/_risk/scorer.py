"""A model and payment year made ready to score: :class:`Scorer` and :func:`scorer`.

A scorer holds the year's coefficient table, HCC crosswalk and hierarchy, and knows the
model's segments and variables: diagnoses to condition categories (with CMS's age and sex
edits), the payment HCCs left by the hierarchies, the demographic, HCC, interaction and
count variables of a segment, and CMS's adjustments of a segment (the ESRD transplant
months, the ESRD V24 graft new enrollees' actuarial divisor).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from codekit import _registry
from codekit._crosswalk._api import _model_rules
from codekit._crosswalk._registry import candidates, select
from codekit._normalize import compact_key
from codekit._risk import demographics, esrd, rxhcc
from codekit._risk.definitions import MODELS, ModelDefinition
from codekit._risk.tables import KIND, Edit, ModelTable
from codekit._risk.values import Factor, FactorKind
from codekit.exceptions import InvalidCodeError, InvalidMemberError, UnknownReleaseError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from codekit._crosswalk._table import CrosswalkTable
    from codekit._tables.registry import Release

__all__ = ["Scorer", "scorer"]

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
