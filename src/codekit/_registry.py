"""The registry: what every plugin registered, merged, validated, and the release chooser.

Built once per process on first use (never at import) by :mod:`codekit._plugin.manager`;
:func:`current` returns it and :func:`reset` drops it (after a data pack is installed, or
in tests).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import warnings
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from codekit.exceptions import (
    PluginError,
    PluginWarning,
    StaleDataWarning,
    UnknownCodeSetError,
    UnknownReleaseError,
)
from codekit.models import CodeSet, DataRelease

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from codekit.plugins import CodeSetSpec, CodeSource, Registrar

__all__ = ["Registry", "current", "generation", "open_plugin_data", "refresh", "reset"]

_T = TypeVar("_T")

# Which release answers a date (the one rule; ``Registry.select`` applies it):
#  1. a release's period runs from its effective date to its ``until``; an open-ended one
#     (``until=None``) is in force until a release of the code set with a later effective
#     date begins, whatever that release's origin;
#  2. among the releases whose period covers the date, the more local origin wins: an
#     installed pack over a plugin's release over a packaged one (the user's own files
#     first, then a third-party plugin, then what ships with codekit);
#  3. then the later effective date, then the plugin of higher precedence.
# A dateless question is asked on the latest effective date of the code set's releases. The
# same origin order picks between two releases offered under one release id.
_ORIGIN_RANK = {"pack": 0, "plugin": 1, "packaged": 2}


@attrs.frozen
class Release:
    """One selectable release: its description and how to open its data.

    A third-party plugin's data is handed out checked and contained (see
    :class:`codekit._plugin.sources.CheckedSource`): a failure names the plugin, and work
    over every code set (the search index) leaves the plugin out instead of failing.
    """

    info: DataRelease
    plugin: str
    _factory: Callable[[], CodeSource] = attrs.field(alias="factory")
    _checked: CodeSource | None = attrs.field(init=False, default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if not _builtin(self.plugin):
            from codekit._plugin.sources import CheckedSource

            what = f"{self.info.code_set} {self.info.release}"
            object.__setattr__(self, "_checked", CheckedSource(self.plugin, what, self._factory))

    def source(self) -> CodeSource:
        """The release's data (a built-in's opened once here; a plugin's on first use)."""
        if self._checked is not None:
            return self._checked
        return self._factory()

    def open(self) -> CodeSource:
        """Open the release's data now; a plugin's failure raises :class:`PluginError`."""
        if self._checked is not None:
            from codekit._plugin.sources import CheckedSource

            assert isinstance(self._checked, CheckedSource)
            self._checked.open()
            return self._checked
        return self._factory()


def _builtin(plugin: str) -> bool:
    return plugin.startswith("codekit.")


def open_plugin_data(plugin: str, what: str, factory: Callable[[], _T]) -> _T:
    """Run a plugin's data factory; a third-party plugin's failure becomes a PluginError
    (``sys.exit()`` in it too).

    codekit's own plugins raise their own errors (``DataError`` and friends) unchanged.
    """
    if _builtin(plugin):
        return factory()
    from codekit._plugin.loading import contained, describe_failure

    try:
        with contained():
            return factory()
    except PluginError:
        raise
    except Exception as exc:
        raise PluginError(plugin, f"failed to open {what}: {describe_failure(exc)}") from exc


@attrs.frozen
class _CodeSetEntry:
    spec: CodeSetSpec
    plugin: str
    fallback: bool = False


class Registry:
    """Everything the loaded plugins registered."""

    def __init__(self) -> None:
        self._code_sets: dict[str, _CodeSetEntry] = {}
        self._releases: dict[str, list[Release]] = {}
        self._failed_code_sets: dict[str, tuple[str, str]] = {}
        self.failures: dict[str, str] = {}
        self._extensions: dict[str, list[tuple[str, Any]]] = {}
        #: plugin name -> rank in precedence (0 first merged: highest).
        self._precedence: dict[str, int] = {}
        #: code set -> each release's last day (``None``: open-ended), as ordered.
        self._ends: dict[str, list[dt.date | None]] = {}

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
        first plugin that registers it (a ``fallback`` registration yields to any other).
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
                self._code_sets[spec.name] = _CodeSetEntry(spec, registrar.plugin, fallback)
        self._precedence.setdefault(registrar.plugin, len(self._precedence))
        for entry in registrar._releases:
            self._releases.setdefault(entry.release.code_set, []).append(
                Release(entry.release, entry.plugin, entry.factory)
            )
        for kind, values in registrar._extensions.items():
            self._extensions.setdefault(kind, []).extend((registrar.plugin, v) for v in values)

    def finish(self) -> None:
        """Drop releases of code sets nobody registered; order the rest by effective date."""
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
        # Oldest first; of two releases of one date, the more local origin, then the plugin
        # of higher precedence, comes last. Each release's last day is worked out once.
        for name, releases in self._releases.items():
            releases.sort(
                key=lambda r: (
                    r.info.effective,
                    -_ORIGIN_RANK[r.info.origin],
                    -self._precedence.get(r.plugin, 0),
                )
            )
            self._ends[name] = _ends(releases)

    def _wins(self, release: Release) -> tuple[int, dt.date, int]:
        """How a release ranks among those covering a date (rules 2 and 3): highest wins."""
        return (
            -_ORIGIN_RANK[release.info.origin],
            release.info.effective,
            -self._precedence.get(release.plugin, 0),
        )

    def _in_force(self, code_set: str, day: dt.date) -> Release | None:
        """The release that answers ``day`` (the rule above), ``None`` if none covers it."""
        candidates = self._releases.get(code_set, [])
        ends = self._ends.get(code_set) or _ends(candidates)
        covering = [
            r
            for r, end in zip(candidates, ends, strict=True)
            if r.info.effective <= day and (end is None or day <= end)
        ]
        if not covering:
            return None
        return max(covering, key=self._wins)

    def newest(self, code_set: str) -> Release | None:
        """The release a dateless question is answered from (``None``: no release)."""
        candidates = self._releases.get(code_set, [])
        if not candidates:
            return None
        return self._in_force(code_set, max(r.info.effective for r in candidates))

    # -- reading ------------------------------------------------------------------------
    def specs(self) -> list[CodeSetSpec]:
        """Every registered code set's spec, by name."""
        return [self._code_sets[name].spec for name in sorted(self._code_sets)]

    def spec(self, name: str) -> CodeSetSpec:
        """The spec of one code set; raises if unknown or if its plugin failed."""
        entry = self._code_sets.get(name) if isinstance(name, str) else None
        if entry is not None:
            return entry.spec
        self._raise_missing(name)
        raise AssertionError("unreachable")  # pragma: no cover

    def _raise_missing(self, name: str) -> None:
        if not isinstance(name, str):  # None, a list...: not a name at all
            raise UnknownCodeSetError(repr(name), sorted(self._code_sets))
        failed = self._failed_code_sets.get(name)
        if failed is not None:
            raise PluginError(failed[0], f"could not provide code set {name!r}: {failed[1]}")
        if self.failures:
            culprits = "; ".join(f"{p}: {m}" for p, m in sorted(self.failures.items()))
            raise PluginError(
                ", ".join(sorted(self.failures)),
                f"code set {name!r} is unknown and these plugins failed to load: {culprits}",
            )
        raise UnknownCodeSetError(name, sorted(self._code_sets))

    def code_sets(self) -> tuple[CodeSet, ...]:
        """Public view of every code set with its releases."""
        return tuple(
            CodeSet(
                name=spec.name,
                title=spec.title,
                plugin=self._code_sets[spec.name].plugin,
                description=spec.description,
                releases=tuple(r.info for r in self._releases.get(spec.name, ())),
            )
            for spec in self.specs()
        )

    def releases(self, code_set: str | None = None) -> tuple[Release, ...]:
        """Releases of one code set (oldest first), or of all."""
        if code_set is not None:
            self.spec(code_set)
            return tuple(self._releases.get(code_set, ()))
        return tuple(r for name in sorted(self._releases) for r in self._releases[name])

    def select(
        self, code_set: str, *, as_of: dt.date | None = None, release: str | None = None
    ) -> Release:
        """The release asked for by id, or in force on ``as_of``, or the newest.

        Which release is in force is the one rule at the top of this module: of the releases
        covering the date, an installed pack wins over a plugin's release, which wins over
        a packaged one; then the later effective date. A release without an end date is in
        force until a release with a later effective date begins. A date after the end of
        every release is answered by the release that ends last, with a
        :class:`~codekit.exceptions.StaleDataWarning`; a date before the oldest release (or
        between two releases) raises :class:`UnknownReleaseError`.
        """
        spec = self.spec(code_set)
        candidates = self._releases.get(code_set, [])
        if not candidates:
            raise UnknownReleaseError(
                code_set, f"no {spec.title} data is installed; {spec.install_hint}"
            )
        ids = [r.info.release for r in candidates]
        if release is not None:
            matches = [r for r in candidates if r.info.release.lower() == str(release).lower()]
            if not matches:
                raise UnknownReleaseError(
                    code_set,
                    f"{spec.title} has no release {release!r}; available: {', '.join(ids)}",
                    ids,
                )
            chosen = min(matches, key=lambda r: _ORIGIN_RANK[r.info.origin])
            if as_of is not None and not chosen.info.covers(as_of):
                raise UnknownReleaseError(
                    code_set,
                    f"{spec.title} {chosen.info.release}{_from_plugin(chosen)} is not in force "
                    f"on {as_of.isoformat()} ({_period(chosen.info)}); leave out release= "
                    "to use the release in force on that date",
                    ids,
                )
            return chosen
        if as_of is None:
            return self.newest(code_set) or candidates[-1]
        in_force = self._in_force(code_set, as_of)
        if in_force is not None:
            return in_force
        ends = self._ends.get(code_set) or _ends(candidates)
        # After every release's end (none open-ended): the one that ends last answers.
        last = None if None in ends else max(end for end in ends if end is not None)
        if last is not None and as_of > last and spec.retired:
            raise UnknownReleaseError(
                code_set,
                f"{spec.title} is retired: its last release ends {last.isoformat()}, "
                f"before {as_of.isoformat()}; codes of later dates belong to its successor "
                "(see `codekit map`)",
                ids,
            )
        if last is not None and as_of > last:
            newest = max(
                (r for r, end in zip(candidates, ends, strict=True) if end == last),
                key=self._wins,
            )
            warnings.warn(
                stale_message(spec, newest, as_of),
                StaleDataWarning,
                stacklevel=_caller_level(),
            )
            return newest
        raise UnknownReleaseError(
            code_set,
            f"no {spec.title} release is in force on {as_of.isoformat()} (the releases "
            f"cover {_coverage(candidates, ends)}); {_older(spec, candidates)}",
            ids,
        )

    def extensions(self, kind: str) -> list[tuple[str, Any]]:
        """Values registered for a capability, with the plugin that registered each.

        In order of precedence, highest first: a third-party plugin's values come before a
        built-in's, so a capability that takes the first value of a name (quota policies,
        quota stores) lets the plugin override the built-in.
        """
        return list(self._extensions.get(kind, ()))


def _period(info: DataRelease) -> str:
    end = info.until.isoformat() if info.until else "until superseded"
    return f"{info.effective.isoformat()} to {end}"


def _ends(candidates: list[Release]) -> list[dt.date | None]:
    """Each release's last day: its ``until``, else the eve of the next later release."""
    ends: list[dt.date | None] = []
    for index, release in enumerate(candidates):
        end = release.info.until
        if end is None:
            later = [r.info.effective for r in candidates[index + 1 :]]
            later = [day for day in later if day > release.info.effective]
            if later:
                end = min(later) - dt.timedelta(days=1)
        ends.append(end)
    return ends


def _coverage(candidates: list[Release], ends: list[dt.date | None]) -> str:
    """The periods the releases cover, adjacent ones merged (``2019-07-01 to 2026-06-30``)."""
    spans: list[list[dt.date | None]] = []
    for release, end in sorted(
        zip(candidates, ends, strict=True), key=lambda pair: pair[0].info.effective
    ):
        start = release.info.effective
        last = spans[-1] if spans else None
        if last is not None and (last[1] is None or start - dt.timedelta(days=1) <= last[1]):
            if last[1] is not None and (end is None or end > last[1]):
                last[1] = end
            continue
        spans.append([start, end])
    return "; ".join(
        f"{a.isoformat() if a else ''} to {b.isoformat() if b else 'until superseded'}"
        for a, b in spans
    )


def _from_plugin(release: Release) -> str:
    return "" if release.plugin.startswith("codekit.") else f" (from plugin {release.plugin!r})"


def _plugins(releases: Iterable[Release]) -> list[str]:
    return sorted({r.plugin for r in releases if not r.plugin.startswith("codekit.")})


def stale_message(spec: CodeSetSpec, newest: Release, day: dt.date) -> str:
    """What a :class:`StaleDataWarning` says when ``newest`` answers a date after its end."""
    return (
        f"codekit: no {spec.title} release covers {day.isoformat()}; answered from the "
        f"newest, {newest.info.release}{_from_plugin(newest)} ({_period(newest.info)}), which "
        f"may be out of date. {_newer(spec, newest)}"
    )


def _newer(spec: CodeSetSpec, newest: Release) -> str:
    if not newest.plugin.startswith("codekit."):
        return f"Ask for a newer release from plugin {newest.plugin!r} (or upgrade it)."
    return f"To get a newer release: {spec.install_hint}."


def _older(spec: CodeSetSpec, candidates: list[Release]) -> str:
    plugins = _plugins(candidates)
    if plugins and all(not r.plugin.startswith("codekit.") for r in candidates):
        named = ", ".join(repr(p) for p in plugins)
        return f"these releases come from plugin {named}: ask it for the release of that date"
    hint = "install the release for that date with `codekit data install FILE`"
    if plugins:
        hint += f" (or ask plugin {', '.join(repr(p) for p in plugins)} for it)"
    return hint


def _caller_level() -> int:
    """The stack level of the first frame outside codekit (where the warning points)."""
    import sys

    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("codekit"):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


_lock = threading.RLock()
_registry: Registry | None = None
_generation = 0
_builder: Callable[[], Registry] | None = None


_built_from: tuple[object, ...] | None = None  # the data dir's stamp the registry reflects
_built_local = 0
_checked = 0.0


def _notice() -> None:
    """Drop the registry if packs changed since it was built (see codekit._store.generation).

    Cheap: an int compare, and a ``stat`` of the stamp file at most every INTERVAL seconds.
    """
    global _checked
    if _registry is None:
        return
    from codekit._store import generation as stamps

    now = time.monotonic()
    if _built_local == stamps.local() and now - _checked < stamps.INTERVAL:
        return
    _checked = now
    if _built_local != stamps.local() or stamps.stamp() != _built_from:
        reset()


def current() -> Registry:
    """The process-wide registry, built on first use (rebuilt when packs change)."""
    global _registry, _built_from, _built_local, _checked
    _notice()
    registry = _registry
    if registry is not None:
        return registry
    with _lock:
        if _registry is None:
            from codekit._store import generation as stamps

            _built_local, _built_from = stamps.local(), stamps.stamp()
            _checked = time.monotonic()
            if _builder is not None:
                _registry = _builder()
            else:
                from codekit._plugin.manager import build_registry

                _registry = build_registry()
        return _registry


def generation() -> int:
    """A number that changes whenever the registry is rebuilt (keys caches)."""
    _notice()
    return _generation


def refresh() -> None:
    """Re-read installed data packs and plugins now (``codekit.refresh()``).

    codekit notices packs installed or removed by another process by itself (within half a
    second, through a stamp file in the data directory); call this to see them at once, or
    after changing ``CODEKIT_DATA_DIR`` or the installed plugins.
    """
    reset()


def reset() -> None:
    """Forget the registry; the next use rebuilds it (new packs and plugins are seen)."""
    global _registry, _generation
    with _lock:
        _registry = None
        _generation += 1


def install_builder(builder: Callable[[], Registry] | None) -> None:
    """Use ``builder`` instead of the plugin manager (``codekit.testing`` does this)."""
    global _builder
    with _lock:
        _builder = builder
        reset()


def build(registrars: Iterable[Registrar]) -> Registry:
    """A registry from registrars whose hooks already ran successfully."""
    registry = Registry()
    for registrar in registrars:
        registry.merge(registrar)
    registry.finish()
    return registry
