"""Which crosswalks are registered, and which release of which one a call means.

Plugins (the built-in one included) register through :meth:`Registrar.add_crosswalk`, which
adds a table of kind ``"crosswalk"`` named ``"<source>><name>"``; this module groups the
current registry's crosswalk tables and picks a release by the one table rule
(:mod:`codekit._tables.rule`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from codekit import _registry
from codekit._crosswalk._values import Crosswalk, CrosswalkSpec
from codekit._tables import rule
from codekit.exceptions import PluginError, UnknownCrosswalkError, UnknownReleaseError

if TYPE_CHECKING:
    import datetime as dt

    from codekit._crosswalk._table import CrosswalkTable
    from codekit._tables.registry import Release
    from codekit.models import DataRelease

__all__ = ["Entry", "Group", "groups", "select"]


@attrs.frozen
class Entry:
    """One registered release of one crosswalk (a view of its table release)."""

    spec: CrosswalkSpec
    release: DataRelease
    plugin: str
    _table: Release = attrs.field(alias="table", eq=False, repr=False)

    @property
    def info(self) -> DataRelease:
        """The release (as the table rule reads it)."""
        return self.release

    def table(self) -> CrosswalkTable:
        """The release's rows (read once); third-party failures become PluginError."""
        return self._table.source()  # type: ignore[no-any-return]


@attrs.frozen
class Group:
    """Every release of one crosswalk (same name and source code set), oldest first."""

    spec: CrosswalkSpec
    plugin: str
    entries: tuple[Entry, ...]

    def info(self) -> Crosswalk:
        return Crosswalk(
            name=self.spec.name,
            source=self.spec.source,
            target=self.spec.target,
            title=self.spec.title,
            plugin=self.plugin,
            releases=tuple(e.release for e in self.entries),
        )


def _groups(registry: _registry.Registry) -> tuple[Group, ...]:
    found: dict[tuple[str, str], list[Entry]] = {}
    for release in registry.tables("crosswalk"):
        spec = release.spec
        if isinstance(spec, CrosswalkSpec):
            entry = Entry(spec, release.info, release.plugin, release)
            found.setdefault((spec.name.lower(), spec.source), []).append(entry)
    result = []
    for key in sorted(found):
        entries = found[key]  # oldest first, as the registry orders a table's releases
        newest = entries[-1]
        result.append(Group(newest.spec, newest.plugin, tuple(entries)))
    return tuple(result)


def groups() -> tuple[Group, ...]:
    """Every registered crosswalk, by name then source (rebuilt when the registry is)."""
    registry = _registry.current()
    return registry.memo("crosswalk.groups", lambda: _groups(registry))


def _index(registry: _registry.Registry) -> dict[str, list[Group]]:
    index: dict[str, list[Group]] = {}
    for group in groups():
        index.setdefault(group.spec.name.lower(), []).append(group)
    for group in groups():
        index.setdefault(group.spec.name, index[group.spec.name.lower()])
    return index


def _by_name() -> dict[str, list[Group]]:
    """Groups by lower-cased name (and by the name as registered), per registry."""
    registry = _registry.current()
    return registry.memo("crosswalk.by_name", lambda: _index(registry))


def names() -> list[str]:
    """The distinct crosswalk names (what ``to=`` accepts)."""
    return sorted({g.spec.name for g in groups()}, key=str.lower)


def candidates(to: str, source: str | None) -> list[Group]:
    """The crosswalks called ``to`` (case-insensitive), from ``source`` if given."""
    if not isinstance(to, str):
        raise UnknownCrosswalkError(repr(to), names())
    by_name = _by_name()
    found = by_name.get(to) or by_name.get(to.strip().lower(), [])
    if not found:
        failures = _registry.current().failures
        if failures:
            culprits = "; ".join(f"{p}: {m}" for p, m in sorted(failures.items()))
            raise PluginError(
                ", ".join(sorted(failures)),
                f"crosswalk {to!r} is unknown and these plugins failed to load: {culprits}",
            )
        raise UnknownCrosswalkError(to, names())
    if source is not None:
        narrowed = [g for g in found if g.spec.source == source]
        if not narrowed:
            sources = ", ".join(sorted(g.spec.source for g in found))
            raise UnknownCrosswalkError(
                to,
                names(),
                f"no crosswalk {to!r} from {source!r}; it maps from: {sources}",
            )
        return narrowed
    return found


def select(group: Group, *, as_of: dt.date | None = None, release: str | None = None) -> Entry:
    """The release named, else the one answering ``as_of`` by the one table rule
    (:mod:`codekit._tables.rule`), else the newest."""
    entries = group.entries
    ids = [e.release.release for e in entries]
    label = f"crosswalk {group.spec.name} from {group.spec.source}"
    if release is not None:
        chosen = rule.by_id(entries, release)
        if chosen is None:
            raise UnknownReleaseError(
                group.spec.name,
                f"{label} has no release {release!r}; available: {', '.join(ids)}",
                ids,
            )
        return chosen
    registry = _registry.current()
    releases = [e._table for e in entries]
    choice = rule.choose(releases, rule.ends(releases), as_of, registry.rank)
    # A date after every release's end is answered by the last (a crosswalk CMS no longer
    # updates, such as the GEMs, stays in use); the one rule marks it stale, silently here.
    if choice is not None:
        chosen_release = choice.release
        for entry in entries:
            if entry._table is chosen_release:
                return entry
    assert as_of is not None
    before = all(as_of < e.release.effective for e in entries)
    what = "starts on or before" if before else "is in force on"
    raise UnknownReleaseError(
        group.spec.name,
        f"no release of {label} {what} {as_of.isoformat()} (releases: "
        f"{', '.join(f'{e.release.release} from {e.release.effective}' for e in entries)})",
        ids,
    )
