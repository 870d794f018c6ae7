"""Which crosswalks are registered, and which release of which one a call means.

Plugins (the built-in one included) register through :meth:`Registrar.add_crosswalk`, which
stores an :class:`Entry` as the ``"crosswalk"`` extension; this module groups the entries of
the current registry by crosswalk and picks a release: the one named, else the newest in
force on ``as_of`` (or the newest that started before it), else the newest.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import attrs

from codekit import _registry
from codekit._crosswalk._table import CrosswalkTable
from codekit._crosswalk._values import Crosswalk, CrosswalkSpec
from codekit._registry import open_plugin_data
from codekit.exceptions import PluginError, UnknownCrosswalkError, UnknownReleaseError
from codekit.models import DataRelease

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterable, Sequence

__all__ = ["Entry", "Group", "groups", "make_entry", "select"]

# When the same release id is offered twice, the more local origin wins.
_ORIGIN_RANK = {"pack": 0, "plugin": 1, "packaged": 2}


class _Memo:
    def __init__(self, factory: Callable[[], Any]) -> None:
        self._factory = factory
        self._lock = threading.Lock()
        self._value: CrosswalkTable | None = None

    def __call__(self) -> CrosswalkTable:
        if self._value is None:
            with self._lock:
                if self._value is None:
                    value = self._factory()
                    if not isinstance(value, CrosswalkTable):
                        raise TypeError(
                            f"a crosswalk source must return a CrosswalkTable, "
                            f"not {type(value).__name__}"
                        )
                    self._value = value
        return self._value


@attrs.frozen
class Entry:
    """One registered release of one crosswalk."""

    spec: CrosswalkSpec
    release: DataRelease
    plugin: str
    _factory: Callable[[], CrosswalkTable] = attrs.field(alias="factory", eq=False)

    def table(self) -> CrosswalkTable:
        """The release's rows (read once); third-party failures become PluginError."""
        return open_plugin_data(
            self.plugin, f"crosswalk {self.spec.name} {self.release.release}", self._factory
        )


def make_entry(
    spec: CrosswalkSpec,
    release: DataRelease,
    *,
    rows: Iterable[Sequence[Any]] | None,
    source: Callable[[], Any] | None,
    plugin: str,
) -> Entry:
    """Validate what a plugin passed to ``add_crosswalk`` and wrap it."""
    if not isinstance(spec, CrosswalkSpec):
        raise TypeError(f"add_crosswalk takes a CrosswalkSpec, not {type(spec).__name__}")
    if not isinstance(release, DataRelease):
        raise TypeError(f"add_crosswalk takes a DataRelease, not {type(release).__name__}")
    if (rows is None) == (source is None):
        raise TypeError("add_crosswalk needs exactly one of rows= or source=")
    if rows is not None:
        table = CrosswalkTable.from_rows(rows)
        return Entry(spec, release, plugin, lambda: table)
    if not callable(source):
        raise TypeError("source must be a callable returning a CrosswalkTable")
    return Entry(spec, release, plugin, _Memo(source))


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


_cache_lock = threading.Lock()
_cache: dict[int, tuple[Group, ...]] = {}


def groups() -> tuple[Group, ...]:
    """Every registered crosswalk, by name then source (rebuilt when the registry is)."""
    generation = _registry.generation()
    cached = _cache.get(generation)
    if cached is not None:
        return cached
    with _cache_lock:
        found: dict[tuple[str, str], list[Entry]] = {}
        # lowest precedence first: among releases of one date and origin, the stable sort
        # below then leaves the higher-precedence plugin's last (the one chosen)
        for _, entry in reversed(_registry.current().extensions("crosswalk")):
            if isinstance(entry, Entry):
                found.setdefault((entry.spec.name.lower(), entry.spec.source), []).append(entry)
        result = []
        for key in sorted(found):
            entries = sorted(
                found[key],
                key=lambda e: (e.release.effective, -_ORIGIN_RANK.get(e.release.origin, 1)),
            )
            newest = entries[-1]
            result.append(Group(newest.spec, newest.plugin, tuple(entries)))
        _cache.clear()
        _cache[generation] = tuple(result)
        return _cache[generation]


_index: dict[int, dict[str, list[Group]]] = {}


def _by_name() -> dict[str, list[Group]]:
    """Groups by lower-cased name (and by the name as registered), per registry generation."""
    generation = _registry.generation()
    index = _index.get(generation)
    if index is None:
        index = {}
        for group in groups():
            index.setdefault(group.spec.name.lower(), []).append(group)
        for group in groups():
            index.setdefault(group.spec.name, index[group.spec.name.lower()])
        _index.clear()
        _index[generation] = index
    return index


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
    """The release named, else the newest in force on ``as_of``, else the newest."""
    entries = group.entries
    ids = [e.release.release for e in entries]
    label = f"crosswalk {group.spec.name} from {group.spec.source}"
    if release is not None:
        matches = [e for e in entries if e.release.release.lower() == str(release).lower()]
        if not matches:
            raise UnknownReleaseError(
                group.spec.name,
                f"{label} has no release {release!r}; available: {', '.join(ids)}",
                ids,
            )
        return min(matches, key=lambda e: _ORIGIN_RANK.get(e.release.origin, 1))
    if as_of is None:
        return entries[-1]
    covering = [e for e in entries if e.release.covers(as_of)]
    if covering:
        return covering[-1]
    started = [e for e in entries if e.release.effective <= as_of]
    if started:
        return started[-1]
    raise UnknownReleaseError(
        group.spec.name,
        f"no release of {label} starts on or before {as_of.isoformat()} (releases: "
        f"{', '.join(f'{e.release.release} from {e.release.effective}' for e in entries)})",
        ids,
    )
