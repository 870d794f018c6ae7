"""Typed registrar sections: what a capability collects from plugins besides tables.

A :class:`Section` names one channel and declares its precedence rule; the registrar's
methods (``add_quota_policy``, ``add_descriptions``, ...) write to their section, and the
capability reads it back typed with ``registry.section(QUOTA_POLICIES)``, never with a
string. Plugins are merged in precedence order, highest first: a third-party plugin
before the built-ins (see :mod:`codekit._plugin.manager`). So:

* ``precedence="first"`` (a keyed section): of the values registered under one key, the
  highest-precedence plugin's wins, so a plugin overrides a built-in of the same name;
* ``precedence="all"``: every value counts, highest precedence first (the capability
  merges them: page sections let a higher one override a lower one's fields, descriptor
  providers and AOC primaries add up).

Versioned data never goes through a section: it is a table (a later pack overrides an
earlier one by the table rule, :mod:`codekit._tables.rule`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

import attrs

if TYPE_CHECKING:
    from codekit._quota.policy import QuotaPolicy
    from codekit._quota.stores import QuotaStore
    from codekit.plugins import AocPrimaries, DescriptionProvider

__all__ = [
    "AOC_PRIMARIES",
    "ASK_BACKENDS",
    "DESCRIPTIONS",
    "PAGE_INFO",
    "PAGE_SECTIONS",
    "QUOTA_POLICIES",
    "QUOTA_STORES",
    "SECTIONS",
    "Section",
    "SectionView",
]

V = TypeVar("V")


@attrs.frozen
class Section(Generic[V]):
    """One typed channel from plugins to a capability.

    ``name`` is its key (what the generic ``add_extension(name, value)`` writes to);
    ``owner`` the capability that reads it; a ``"first"`` section holds ``(key, value)``
    pairs of which the highest-precedence plugin's value of a key wins.
    """

    name: str
    owner: str
    precedence: Literal["first", "all"] = "all"


class SectionView(Generic[V]):
    """What the plugins registered in one section, highest precedence first."""

    def __init__(self, section: Section[V], entries: Sequence[tuple[str, Any]]) -> None:
        self.section = section
        self._entries = tuple(entries)

    def entries(self) -> list[tuple[str, V]]:
        """``(plugin, value)`` pairs, highest precedence first."""
        return list(self._entries)

    def __iter__(self) -> Iterator[V]:
        return (value for _, value in self._entries)

    def by_key(self) -> dict[str, tuple[str, Any]]:
        """A keyed section's values: ``key -> (plugin, value)``, the winner of each key."""
        found: dict[str, tuple[str, Any]] = {}
        for plugin, (key, value) in self._entries:
            found.setdefault(key, (plugin, value))
        return found


#: ``add_quota_policy``: ``(name, policy)``; a plugin's policy of a name wins.
QUOTA_POLICIES: Section[tuple[str, QuotaPolicy]] = Section("quota_policy", "quota", "first")
#: ``add_quota_store``: ``(scheme, factory(url))``; a plugin's store of a scheme wins.
QUOTA_STORES: Section[tuple[str, Callable[[str], QuotaStore]]] = Section(
    "quota_store", "quota", "first"
)
#: ``add_page_section``: ``(code set, provider(code) -> fields)``; a higher plugin's
#: fields override a lower one's.
PAGE_INFO: Section[tuple[str, Callable[[str], dict[str, Any]]]] = Section(
    "page_info", "pages", "all"
)
#: ``add_page_section``: a part of every code page; of two sections of one name the
#: higher plugin's replaces the lower one's (a built-in's).
PAGE_SECTIONS: Section[Any] = Section("page_section", "pages", "all")
#: ``add_descriptions``: every provider counts.
DESCRIPTIONS: Section[DescriptionProvider] = Section("descriptions", "pages", "all")
#: ``add_aoc_primaries``: contractor primaries, merged over every plugin.
AOC_PRIMARIES: Section[AocPrimaries] = Section("ncci_aoc_primaries", "ncci", "all")
#: ``add_ask_backend``: the highest-precedence plugin's backend rephrases answers.
ASK_BACKENDS: Section[object] = Section("ask_backend", "assistant", "all")

#: Every section codekit's capabilities read, by name.
SECTIONS: dict[str, Section[Any]] = {
    s.name: s
    for s in (
        QUOTA_POLICIES,
        QUOTA_STORES,
        PAGE_INFO,
        PAGE_SECTIONS,
        DESCRIPTIONS,
        AOC_PRIMARIES,
        ASK_BACKENDS,
    )
}
