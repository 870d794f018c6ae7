"""The code page's MS-DRG section: a diagnosis's CC/MCC level and what excludes it.

The level is the grouper's own answer under the version in force on the page's date
(today by default): the code grouped as the one secondary diagnosis of a probe claim, once
for a patient discharged alive and once for one who died (a few codes are MCCs only when
the patient leaves alive, Appendix C part 2 of CMS's definitions manual). The principal
diagnoses that exclude it come from codekit's packaged CC-exclusion table (crosswalk
``drg:cc_exclusion``) where a release of it covers the date.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from codekit._pages.section import PageContext, PageSection
from codekit.exceptions import CodekitError

if TYPE_CHECKING:
    from codekit._grouping.model import SecondaryResult
    from codekit._pages.model import PagePart

__all__ = ["SECTION"]

#: A principal diagnosis for the probe claim that excludes no CC or MCC it is asked about
#: (chest pain, unspecified; valid in every version).
_PROBE_PRINCIPAL = "R07.9"
#: How many excluding principal diagnoses the page names (the count is always given).
_SHOWN = 12


def _level(context: PageContext, day: dt.date, status: int) -> tuple[str, SecondaryResult | None]:
    from codekit._edits.institutional import InstitutionalClaim
    from codekit._grouping.select import choose_release

    chosen, grouper = choose_release(context.registry, day)
    claim = InstitutionalClaim(
        claim_id="page",
        principal=_PROBE_PRINCIPAL,
        secondary=[context.code],
        age=65,
        sex="M",
        discharge_status=status,
        discharge_date=day,
    )
    result = grouper.group(claim, chosen.info)
    found = result.secondary[0] if result.secondary else None
    return chosen.info.release, None if found is None or not found.valid else found


def _exclusions(code: str, day: dt.date) -> tuple[list[str], str]:
    from codekit._crosswalk._api import crosswalk

    try:
        mappings = crosswalk(code, to="drg:cc_exclusion", source="icd10cm", as_of=day)
    except CodekitError as exc:
        return [], f"the CC-exclusion table does not answer: {exc}"
    targets = [m.target for m in mappings if m.target]
    release = mappings[0].release if mappings else ""
    return targets, f"CC exclusions {release}".strip()


def _build(context: PageContext) -> PagePart | None:
    if context.code_set != "icd10cm":
        return None
    day = context.day or dt.date.today()
    try:
        version, found = _level(context, day, 1)
        _, if_died = _level(context, day, 20)
    except CodekitError as exc:
        return SECTION.part(available=False, message=str(exc))
    if found is None:
        return SECTION.part(
            available=True,
            message=f"{context.code} is not a valid diagnosis under MS-DRG v{version}",
        )
    alive = found.level
    row: dict[str, Any] = {"version": version, "level": alive or "non-CC"}
    message = f"MS-DRG v{version}: {alive or 'non-CC'} as a secondary diagnosis"
    if if_died is not None and if_died.excluded == "died":
        row["level_if_died"] = "non-CC"
        message += " when the patient is discharged alive (non-CC if the patient died)"
    if alive:
        excluding, source = _exclusions(context.code, day)
        row["excluded_by_principal"] = len(excluding)
        shown = ", ".join(excluding[:_SHOWN])
        more = len(excluding) - _SHOWN
        row["excluding_principals"] = shown + (f" and {more} more" if more > 0 else "")
        message += f"; excluded when the principal diagnosis is one of {len(excluding)} ({source})"
    return SECTION.part(available=True, rows=[row], message=message)


SECTION = PageSection(name="ms_drg", title="MS-DRG CC/MCC", order=25, build=_build)
