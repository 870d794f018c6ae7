"""The risk section of a diagnosis's code page: its payment HCC and the HCC's coefficient.

For an ICD-10-CM code, one row per model scored (V28, V24) and payment HCC: the HCC the
code counts for in the payment year in force on the page's date (the newest without one),
after the model's own rules and hierarchy, and its relative factor in the community,
non-dual, aged segment (``CNA``), with the table it comes from. The crosswalks section lists
the mapping itself; this section adds what the HCC is worth. Age and sex edits need a
member, so they are not applied here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codekit._normalize import compact_key
from codekit._pages.model import PagePart
from codekit._pages.section import PageContext, PageSection
from codekit._risk.definitions import MODELS
from codekit._risk.scorer import scorer
from codekit._risk.tables import KIND
from codekit.exceptions import CodekitError

if TYPE_CHECKING:
    from codekit._risk.scorer import Scorer

__all__ = ["DEFAULT_SEGMENT", "SECTION"]

#: The segment whose factors the page shows: community, not dual, aged.
DEFAULT_SEGMENT = "CNA"


def _year(context: PageContext, model: str) -> int | None:
    """The payment year in force on the page's date, kept within the packaged years."""
    years = sorted(int(r.info.release) for r in context.registry.tables(KIND, model))
    if not years:
        return None
    if context.day is None:
        return years[-1]
    return min(max(context.day.year, years[0]), years[-1])


def _rows(ready: Scorer, key: str) -> list[dict[str, Any]]:
    targets = ready.code(key)[1]
    kept = ready.payment_hccs(targets)
    rows = []
    for hcc in sorted(kept, key=lambda h: (len(h), h)):
        variable = f"{DEFAULT_SEGMENT}_HCC{hcc}"
        rows.append(
            {
                "model": ready.definition.name,
                "payment_year": ready.table.payment_year,
                "hcc": hcc,
                "label": ready.crosswalk.labels.get(hcc, ""),
                "segment": DEFAULT_SEGMENT,
                "coefficient": ready.coefficients.get(variable.upper()),
                "table": ready.label,
            }
        )
    return rows


def _build(context: PageContext) -> PagePart | None:
    if context.code_set != "icd10cm":
        return None
    key = compact_key(context.code)
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    for model, definition in MODELS.items():
        if definition.family != "cms-hcc":  # the page shows the community segment's factors
            continue
        year = _year(context, model)
        if year is None:
            continue
        try:
            rows += _rows(scorer(model, year), key)
        except CodekitError as exc:
            problems.append(str(exc))
    if not rows:
        message = "; ".join(problems) or f"{context.code} counts for no payment HCC"
        return SECTION.part(available=not problems, message=message)
    return SECTION.part(
        available=True,
        rows=rows,
        message=f"coefficients of the {DEFAULT_SEGMENT} segment (community, not dual, aged)",
    )


SECTION = PageSection(name="risk", title="Risk adjustment", order=60, build=_build)
