"""The registry: what every plugin registered, merged and validated.

Built once per process on first use (never at import) by :mod:`codekit._plugin.manager`
from the plugins' registrars; the process-wide one is :func:`codekit._registry.current`.
It holds three things:

* the code-set specs (:meth:`Registry.spec`; the code-set part of the registry is
  :class:`codekit._tables.codesets.CodeSets`);
* the **tables**: every release of every versioned dataset, whatever its kind (code sets,
  crosswalks, NCCI tables, a plugin's own kinds), each a :class:`Release` chosen by the one
  rule of :mod:`codekit._tables.rule` (:meth:`Registry.choose`, :meth:`Registry.select_table`,
  and :meth:`Registry.select` for code sets);
* the typed **sections** (:mod:`codekit._tables.sections`): quota policies and stores, page
  sections, descriptor providers, AOC primaries (:meth:`Registry.section`).

It also owns the process's caches that depend on what is registered (:meth:`Registry.memo`):
a rebuilt registry starts with none, so nothing keyed by it can go stale.

A plugin may also be **pending** (:meth:`Registry.pend`): codekit's built-ins for crosswalks,
risk scores, grouping, NCCI and MCE tables, quotas and pages are registered the first time
one of their table kinds or sections is read, in the place they hold in precedence, so a
lookup's registry imports none of them.
"""

from __future__ import annotations

import datetime as dt
import threading
import warnings
from typing import TYPE_CHECKING, Any, TypeVar

from codekit._tables import rule
from codekit._tables.codesets import CodeSetEntry, CodeSets, by_id
from codekit._tables.messages import from_plugin
from codekit._tables.pending import Pending
from codekit._tables.release import CODE_SET, Release, open_plugin_data
from codekit._tables.sections import Section, SectionStore, SectionView
from codekit.exceptions import PluginWarning, StaleDataWarning, UnknownReleaseError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from codekit._tables.rule import Choice
    from codekit.models import DataRelease
    from codekit.plugins import Registrar

__all__ = ["CODE_SET", "Registry", "Release", "build", "open_plugin_data"]

_T = TypeVar("_T")


def _facets_match(info: DataRelease, facets: dict[str, str]) -> bool:
    attributes = info.attributes
    return all(attributes.get(key) == value for key, value in facets.items())


class Registry(CodeSets):
    """Everything the loaded plugins registered (the code-set questions are
    :class:`~codekit._tables.codesets.CodeSets`')."""

    def __init__(self) -> None:
        self._code_sets: dict[str, CodeSetEntry] = {}
        #: kind -> table name -> releases (oldest first once finished).
        self._tables: dict[str, dict[str, list[Release]]] = {CODE_SET: {}}
        #: code set -> releases: the ``code_set`` kind of ``_tables`` (the hot path's).
        self._releases: dict[str, list[Release]] = self._tables[CODE_SET]
        self._failed_code_sets: dict[str, tuple[str, str]] = {}
        self.failures: dict[str, str] = {}
        #: plugin name -> rank in precedence (0 first merged: highest).
        self._precedence: dict[str, int] = {}
        #: one lock for pending plugins and deferred sections (a pending plugin's build
        #: adds both): never two locks taken in different orders.
        self._pending_lock = threading.RLock()
        self._sections = SectionStore(
            lambda plugin: self._precedence.get(plugin, len(self._precedence)),
            self.fail,
            self._pending_lock,
        )
        #: (kind, name) -> each release's last day (``None``: open-ended), as ordered.
        self._table_ends: dict[tuple[str, str], list[dt.date | None]] = {}
        self._ends: dict[str, list[dt.date | None]] = {}
        self._memo: dict[object, Any] = {}
        self._memo_lock = threading.RLock()
        self._pending = Pending(self._pending_lock, self._sections, self._merge_late, self.fail)

    # -- building -----------------------------------------------------------------------
    def fail(self, plugin: str, message: str, registrar: Registrar | None = None) -> None:
        """Record that ``plugin`` failed; what it declared becomes a PluginError on use."""
        self.failures[plugin] = message
        warnings.warn(f"codekit plugin {plugin!r} failed: {message}", PluginWarning, stacklevel=4)
        if registrar is not None:
            for spec, _ in registrar._code_sets:
                self._failed_code_sets.setdefault(spec.name, (plugin, message))

    def merge(self, registrar: Registrar) -> None:
        """Take in one plugin's registrations, all or nothing (its hook already succeeded).

        Plugins are merged in order of precedence, highest first: a code set stays with the
        first plugin that registers it (a ``fallback`` registration yields to any other), a
        keyed section's value of one key likewise.
        """
        for spec, fallback in registrar._code_sets:
            existing = self._code_sets.get(spec.name)
            if existing is not None and not fallback and not existing.fallback:
                self.fail(
                    registrar.plugin,
                    f"code set {spec.name!r} is already registered by {existing.plugin!r}",
                )
                return
        for spec, fallback in registrar._code_sets:
            existing = self._code_sets.get(spec.name)
            if existing is None or (existing.fallback and not fallback):
                self._code_sets[spec.name] = CodeSetEntry(spec, registrar.plugin, fallback)
        self._precedence.setdefault(registrar.plugin, len(self._precedence))
        for entry in registrar._tables:
            info = entry.release
            self._tables.setdefault(info.kind, {}).setdefault(info.code_set, []).append(
                Release(info, entry.plugin, entry.factory, entry.spec)
            )
        for name, values in registrar._sections.items():
            self._sections.add(registrar.plugin, name, values)
        for deferred in registrar._deferred:
            self._sections.defer(registrar.plugin, deferred)

    def finish(self) -> None:
        """Drop releases of code sets nobody registered; order every table's releases."""
        for name in list(self._releases):
            if name not in self._code_sets:
                plugins = sorted({r.plugin for r in self._releases.pop(name)})
                if name not in self._failed_code_sets:
                    warnings.warn(
                        f"codekit: releases of unregistered code set {name!r} from "
                        f"{', '.join(plugins)} were ignored",
                        PluginWarning,
                        stacklevel=3,
                    )
        for kind in self._tables:
            self._order(kind)
        self._ends = {name: self._table_ends[CODE_SET, name] for name in self._releases}

    def _order(self, kind: str) -> None:
        """Order each table of ``kind``: oldest first; of two releases of one date, the more
        local origin, then the plugin of higher precedence, comes last. Each release's last
        day is worked out once."""
        for name, releases in self._tables.get(kind, {}).items():
            releases.sort(
                key=lambda r: (
                    r.info.effective,
                    -rule.ORIGIN_RANK.get(r.info.origin, 1),
                    -self._precedence.get(r.plugin, 0),
                )
            )
            self._table_ends[kind, name] = rule.ends(releases)

    # -- pending plugins ----------------------------------------------------------------
    def pend(
        self,
        plugin: str,
        kinds: Iterable[str],
        sections: Iterable[str],
        load: Callable[[], Registrar | str],
    ) -> None:
        """Register ``plugin`` on first use of its table ``kinds`` or ``sections``.

        ``load()`` runs its hook and returns the registrar it filled, or why it failed (it
        never raises). The plugin takes its place in precedence now, in merge order, so
        what it registers later ranks as if merged here. It may register tables of
        ``kinds`` and values of ``sections`` only; anything else fails it, named (see
        :class:`codekit._tables.pending.Pending`).
        """
        self._precedence.setdefault(plugin, len(self._precedence))
        self._pending.add(plugin, kinds, sections, load)

    def _merge_late(self, registrar: Registrar) -> None:
        """Take in a pending plugin's tables, in its place among the releases."""
        for entry in registrar._tables:
            info = entry.release
            self._tables.setdefault(info.kind, {}).setdefault(info.code_set, []).append(
                Release(info, entry.plugin, entry.factory, entry.spec)
            )
        for kind in {entry.release.kind for entry in registrar._tables}:
            self._order(kind)

    def rank(self, release: Release) -> tuple[int, dt.date, int]:
        """How a release ranks among those covering a date (rule 2): highest wins."""
        return (
            -rule.ORIGIN_RANK.get(release.info.origin, 1),
            release.info.effective,
            -self._precedence.get(release.plugin, 0),
        )

    # -- the tables ---------------------------------------------------------------------
    def kinds(self) -> list[str]:
        """Every kind of table with at least one release."""
        for kind in list(self._pending.kinds):
            self._pending.wake(kind)
        return sorted(kind for kind, tables in self._tables.items() if tables)

    def tables(self, kind: str, name: str | None = None, **facets: str) -> tuple[Release, ...]:
        """The releases of one kind (of one table if ``name`` is given, with these facets),
        oldest first per table, tables by name."""
        if kind in self._pending.kinds:
            self._pending.wake(kind)
        tables = self._tables.get(kind, {})
        names = sorted(tables) if name is None else [name]
        return tuple(
            r
            for table in names
            for r in tables.get(table, ())
            if not facets or _facets_match(r.info, facets)
        )

    def choose(
        self, kind: str, name: str, as_of: dt.date | None = None, **facets: str
    ) -> Choice[Release] | None:
        """The release of a table answering ``as_of`` by the one rule (``None``: none)."""
        if kind in self._pending.kinds:
            self._pending.wake(kind)
        releases = self._tables.get(kind, {}).get(name)
        if not releases:
            return None
        if facets:
            releases = [r for r in releases if _facets_match(r.info, facets)]
            ends = rule.ends(releases)
        else:
            ends = self._table_ends.get((kind, name)) or rule.ends(releases)
        return rule.choose(releases, ends, as_of, self.rank)

    def select_table(
        self,
        kind: str,
        *,
        name: str | None = None,
        as_of: dt.date | None = None,
        release: str | None = None,
        **facets: str,
    ) -> Release:
        """The release of a table asked for by id, or answering ``as_of``, or the newest.

        ``name`` may be left out when the kind has one table. The one rule of
        :mod:`codekit._tables.rule` decides; a date after every release's end is answered
        by the release that ends last with a :class:`~codekit.exceptions.StaleDataWarning`,
        and no release raises :class:`~codekit.exceptions.UnknownReleaseError`.
        """
        if kind == CODE_SET and name is not None and not facets:
            return self.select(name, as_of=as_of, release=release)
        if kind in self._pending.kinds:
            self._pending.wake(kind)
        tables = self._tables.get(kind, {})
        if name is None:
            if len(tables) != 1:
                known = ", ".join(sorted(tables)) or "none is registered"
                raise UnknownReleaseError(kind, f"name which {kind} table: {known}")
            name = next(iter(tables))
        label = f"{kind} {name}"
        releases = list(self.tables(kind, name, **facets))
        ids = [r.info.release for r in releases]
        if not releases:
            raise UnknownReleaseError(
                name, f"no {label} release is registered{_facet_text(facets)}"
            )
        if release is not None:
            return by_id(releases, release, as_of, name, label)
        choice = self.choose(kind, name, as_of, **facets)
        if choice is None:
            assert as_of is not None
            raise UnknownReleaseError(
                name,
                f"no {label} release is in force on {as_of.isoformat()} (the releases cover "
                f"{rule.coverage(releases, rule.ends(releases))})",
                ids,
            )
        if choice.stale:
            assert as_of is not None
            warnings.warn(
                f"codekit: no {label} release covers {as_of.isoformat()}; answered from the "
                f"newest, {choice.release.info.release}{from_plugin(choice.release)} "
                f"({rule.period(choice.release.info)}), which may be out of date",
                StaleDataWarning,
                stacklevel=2,
            )
        return choice.release

    # -- the sections -------------------------------------------------------------------
    def section(self, section: Section[_T]) -> SectionView[_T]:
        """What the plugins registered in one typed section, highest precedence first."""
        return SectionView(section, self._sections.entries(section.name))

    def extensions(self, kind: str) -> list[tuple[str, Any]]:
        """Values registered under a section's name, with the plugin that registered each,
        highest precedence first (the generic form of :meth:`section`)."""
        return list(self._sections.entries(kind))

    # -- caches -------------------------------------------------------------------------
    def memo(self, key: object, compute: Callable[[], _T]) -> _T:
        """A value computed once per registry (the process's one cache context).

        Everything cached here goes with the registry when it is rebuilt (a pack installed
        or removed, ``codekit.refresh()``, a test's isolated registry).
        """
        try:
            return self._memo[key]  # type: ignore[no-any-return]
        except KeyError:
            pass
        with self._memo_lock:
            if key not in self._memo:
                self._memo[key] = compute()
            return self._memo[key]  # type: ignore[no-any-return]


def _facet_text(facets: dict[str, str]) -> str:
    if not facets:
        return ""
    return " for " + ", ".join(f"{k}={v}" for k, v in sorted(facets.items()))


def build(registrars: Iterable[Registrar]) -> Registry:
    """A registry from registrars whose hooks already ran successfully."""
    registry = Registry()
    for registrar in registrars:
        registry.merge(registrar)
    registry.finish()
    return registry
