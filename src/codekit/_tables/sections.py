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

A plugin may also hand over a section's values **later** (``Registrar.defer``): its
:class:`Deferred` build runs the first time one of its sections is read, and its values
take the plugin's place in precedence order as if registered at once. Built-ins defer the
sections a lookup never reads (page sections, quota policies and stores), so building the
registry imports none of those capabilities (see :class:`SectionStore`).

Versioned data never goes through a section: it is a table (a later pack overrides an
earlier one by the table rule, :mod:`codekit._tables.rule`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
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
    "Deferred",
    "Section",
    "SectionStore",
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


@attrs.frozen(eq=False)
class Deferred:
    """Values of ``sections`` a plugin supplies on first use (``Registrar.defer``).

    ``load()`` runs the plugin's build and returns what it registered, section name →
    values, or why the build failed (a string; it never raises).
    """

    sections: frozenset[str]
    load: Callable[[], Mapping[str, Sequence[Any]] | str]


class SectionStore:
    """Every plugin's section values, highest precedence first; deferred ones run on first read.

    ``rank(plugin)`` is the plugin's place in precedence (lower is higher); ``fail(plugin,
    message)`` records a deferred build that failed, as a plugin failure.
    """

    def __init__(
        self,
        rank: Callable[[str], int],
        fail: Callable[[str, str], None],
        lock: threading.RLock | None = None,
    ) -> None:
        self._entries: dict[str, list[tuple[str, Any]]] = {}
        self._pending: dict[str, list[tuple[str, Deferred]]] = {}
        self._done: set[Deferred] = set()  # the objects, not ids: an id is reused once freed
        self._rank = rank
        self._fail = fail
        self._lock = lock or threading.RLock()

    def add(self, plugin: str, name: str, values: Sequence[Any]) -> None:
        """Append ``plugin``'s values of section ``name`` (plugins come in precedence order)."""
        self._entries.setdefault(name, []).extend((plugin, v) for v in values)

    def insert(self, plugin: str, name: str, values: Sequence[Any]) -> None:
        """Add ``plugin``'s values of section ``name`` in its place in precedence."""
        with self._lock:
            held = self._entries.setdefault(name, [])
            held.extend((plugin, v) for v in values)
            held.sort(key=lambda entry: self._rank(entry[0]))  # stable: keeps order

    def defer(self, plugin: str, deferred: Deferred) -> None:
        """Hold ``plugin``'s deferred values until one of their sections is read."""
        with self._lock:
            for name in deferred.sections:
                self._pending.setdefault(name, []).append((plugin, deferred))

    def entries(self, name: str) -> tuple[tuple[str, Any], ...]:
        """``(plugin, value)`` pairs of section ``name``, highest precedence first."""
        if name in self._pending:
            self._resolve(name)
        return tuple(self._entries.get(name, ()))

    def _resolve(self, name: str) -> None:
        with self._lock:
            # Pending until done, so a reader in another thread waits for the lock; a build
            # may defer more of this section, hence the loop.
            while self._pending.get(name):
                batch, self._pending[name] = self._pending[name], []
                for plugin, deferred in batch:
                    if deferred in self._done:
                        continue
                    self._done.add(deferred)
                    loaded = deferred.load()
                    if isinstance(loaded, str):
                        self._fail(plugin, loaded)
                        continue
                    for section, values in loaded.items():
                        self.insert(plugin, section, values)
            self._pending.pop(name, None)
