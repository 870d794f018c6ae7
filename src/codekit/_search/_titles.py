"""Long titles lent to a release that carries only short descriptors.

Some sources of a code set give only its short descriptors (the HCPCS files of the
Integrated OCE: "Walker rigid adjust/fixed ht"), others the official long titles too (the
CMS HCPCS file: "Walker, rigid (pickup), adjustable or fixed height"). Long titles are how
coders and users name an item, and they are written head term first, as an index is. When
the release searched has no long titles and another installed release of the same code set
from another source has them, each code whose short descriptor is the same in both (the
same item) is indexed by the other release's long title, its short descriptor kept as its
short description (as in a release that has both).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from codekit import _registry

if TYPE_CHECKING:
    from collections.abc import Mapping

    from codekit._registry import Release

__all__ = ["borrowed_titles"]

_memo: dict[object, tuple[str, Mapping[str, str]]] = {}


def _has_long_titles(release: Release) -> bool:
    return any(
        r.short_description and r.short_description != r.description
        for r in release.source().records()
    )


def _donor(release: Release) -> Release | None:
    """The newest other release of the code set, from another source file, with long
    titles (releases of one source file are alike: none of them is checked twice)."""
    info = release.info
    try:
        others = _registry.current().releases(info.code_set)
    except LookupError:
        return None
    checked = {info.sha256} if info.sha256 else set()
    for other in sorted(others, key=lambda r: r.info.effective or dt.date.min, reverse=True):
        source = other.info.sha256
        if other is release or other.info == info or (source and source in checked):
            continue
        if source:
            checked.add(source)
        if _has_long_titles(other):
            return other
    return None


def borrowed_titles(release: Release) -> tuple[str, Mapping[str, str]]:
    """(identity, long titles by code) lent to ``release`` (``("", {})`` when it has long
    titles of its own or no other release has them). The identity names the donor."""
    info = release.info
    try:
        installed = tuple(r.info for r in _registry.current().releases(info.code_set))
    except LookupError:
        installed = ()
    key = (info, release.plugin, installed)
    found = _memo.get(key)
    if found is not None:
        return found
    found = ("", {})
    if info.sha256 and not _has_long_titles(release):
        donor = _donor(release)
        if donor is not None:
            long = {
                r.code: (r.short_description.casefold(), r.description)
                for r in donor.source().records()
                if r.short_description and r.short_description != r.description
            }
            titles = {}
            for record in release.source().records():
                same = long.get(record.code)
                short = (record.short_description or record.description).casefold()
                if same is not None and same[0] == short:
                    titles[record.code] = same[1]
            d = donor.info
            found = (f"titles:{d.code_set}:{d.release}:{d.sha256}", titles)
    if len(_memo) > 64:
        _memo.clear()
    _memo[key] = found
    return found
