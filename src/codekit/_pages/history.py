"""The validity history section: what happened to the code in each installed release."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

from codekit._pages.section import PageContext, PageSection, span

if TYPE_CHECKING:
    from codekit._pages.model import PagePart

__all__ = ["SECTION"]


def _build(context: PageContext) -> PagePart:
    registry, code_set, code = context.registry, context.code_set, context.code
    releases = registry.releases(code_set)
    if not releases and context.spec.licensed:
        return SECTION.part(
            available=False,
            message=f"{context.spec.title} code lists are licensed and not shipped, so "
            "no history; install a licensee's plugin that registers releases "
            "(see the pages and quota guide)",
        )
    if not releases:
        return SECTION.part(
            available=False,
            message=f"no {context.spec.title} releases are installed, so no history; "
            "install releases with `codekit data install FILE`",
        )
    rows: list[dict[str, Any]] = []
    previous: tuple[str, bool] | None = None
    for index, release in enumerate(releases):
        found = release.source().find(code)
        now = (found[0].description, found[0].billable) if found else None
        change = None
        if now is not None and previous is None:
            change = "present" if index == 0 else "added"
        elif now is None and previous is not None:
            change = "deleted"
        elif (
            now is not None
            and previous is not None
            and (_comparable(now[0]) != _comparable(previous[0]) or now[1] != previous[1])
        ):
            change = "revised"
        if change is not None:
            rows.append(
                {
                    "release": release.info.release,
                    "effective": release.info.effective,
                    "change": change,
                    "description": now[0] if now else None,
                    "billable": now[1] if now else None,
                }
            )
        previous = now
    covered = span(registry, code_set)
    return SECTION.part(
        available=True,
        rows=rows,
        message=f"releases {covered}" if rows else f"not in any release from {covered}",
    )


def _comparable(text: str) -> str:
    """A description as compared between releases: sources differ in accents and spacing
    (``Sezary`` / ``Sézary``), which is no revision."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.split()).casefold()


SECTION = PageSection(name="history", title="Validity history", order=10, build=_build)
