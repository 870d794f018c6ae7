"""The crosswalks section: the code's targets in every crosswalk from its code set."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codekit._pages.section import PageContext, PageSection, capability, items, plain_row
from codekit.exceptions import CodekitError

if TYPE_CHECKING:
    from codekit._pages.model import PagePart

__all__ = ["SECTION"]


def _build(context: PageContext) -> PagePart:
    code_set, code = context.code_set, context.code
    functions = capability("codekit._crosswalk._api", ["crosswalk", "crosswalks"])
    if functions is None:
        return SECTION.part(
            available=False, message="crosswalks are not available in this version of codekit"
        )
    crosswalk, crosswalks = functions
    names = [c.name for c in crosswalks() if c.source == code_set]
    if not names:
        return SECTION.part(available=True, message=f"no crosswalk from {code_set} is installed")
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    for name in names:
        try:
            result = crosswalk(code, to=name, source=code_set, as_of=context.day)
        except CodekitError as exc:
            problems.append(str(exc))
            continue
        for item in items(result):
            row = plain_row(item)
            for redundant in ("source", "source_code_set", "target_code_set"):
                row.pop(redundant, None)
            rows.append({"crosswalk": name, **row})
    if problems and len(problems) == len(names):
        return SECTION.part(available=False, message="; ".join(problems))
    return SECTION.part(
        available=True,
        rows=rows,
        message="; ".join(problems) if problems else f"crosswalks: {', '.join(names)}",
    )


SECTION = PageSection(name="crosswalks", title="Crosswalks", order=20, build=_build)
