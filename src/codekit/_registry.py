"""The registry: what every plugin registered, merged, validated, and the release chooser.

Built once per process on first use (never at import) by :mod:`codekit._plugin.manager`;
:func:`current` returns it and :func:`reset` drops it (after a data pack is installed, or
in tests).
"""

from __future__ import annotations

import datetime as dt
import threading
import warnings
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from codekit.exceptions import (
    PluginError,
    PluginWarning,
    UnknownCodeSetError,
    UnknownReleaseError,
)
from codekit.models import CodeSet, DataRelease

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from codekit.plugins import CodeSetSpec, CodeSource, Registrar

__all__ = ["Registry", "current", "generation", "open_plugin_data", "reset"]

_T = TypeVar("_T")

# When the same release id is offered twice, the more local origin wins.
_ORIGIN_RANK = {"pack": 0, "plugin": 1, "packaged": 2}


@attrs.frozen
class Release:
    """One selectable release: its description and how to open its data."""

    info: DataRelease
    plugin: str
    _factory: Callable[[], CodeSource] = attrs.field(alias="factory")

    def source(self) -> CodeSource:
        """Open (once) and return the release's data; plugin failures become PluginError."""
        return open_plugin_data(
            self.plugin, f"{self.info.code_set} {self.info.release}", self._factory
        )


def open_plugin_data(plugin: str, what: str, factory: Callable[[], _T]) -> _T:
    """Run a plugin's data factory; a third-party plugin's failure becomes a PluginError.

    codekit's own plugins raise their own errors (``DataError`` and friends) unchanged.
    """
    try:
        return factory()
    except PluginError:
        raise
    except Exception as exc:
        if plugin.startswith("codekit."):
            raise
        raise PluginError(plugin, f"failed to open {what}: {exc}") from exc


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

    # -- building -----------------------------------------------------------------------
    def fail(self, plugin: str, message: str, registrar: Registrar | None = None) -> None:
        """Record that ``plugin`` failed; what it declared becomes a PluginError on use."""
        self.failures[plugin] = message
        warnings.warn(f"codekit plugin {plugin!r} failed: {message}", PluginWarning, stacklevel=4)
        if registrar is not None:
            for spec, _ in registrar._code_sets:
                self._failed_code_sets.setdefault(spec.name, (plugin, message))

    def merge(self, registrar: Registrar) -> None:
        """Take in one plugin's registrations, all or nothing (its hook already succeeded)."""
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
        for releases in self._releases.values():
            releases.sort(key=lambda r: (r.info.effective, -_ORIGIN_RANK[r.info.origin]))

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
        """The release asked for by id, or in force on ``as_of``, or the newest."""
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
                    f"{spec.title} {chosen.info.release} is not in force on {as_of.isoformat()} "
                    f"({_period(chosen.info)})",
                    ids,
                )
            return chosen
        if as_of is None:
            return candidates[-1]
        covering = [r for r in candidates if r.info.covers(as_of)]
        if covering:
            return covering[-1]
        periods = "; ".join(f"{r.info.release}: {_period(r.info)}" for r in candidates)
        raise UnknownReleaseError(
            code_set,
            f"no {spec.title} release installed is in force on {as_of.isoformat()} "
            f"({periods}); install the release for that date with `codekit data install`",
            ids,
        )

    def extensions(self, kind: str) -> list[tuple[str, Any]]:
        """Values registered for a capability, with the plugin that registered each."""
        return list(self._extensions.get(kind, ()))


def _period(info: DataRelease) -> str:
    end = info.until.isoformat() if info.until else "until superseded"
    return f"{info.effective.isoformat()} to {end}"


_lock = threading.RLock()
_registry: Registry | None = None
_generation = 0
_builder: Callable[[], Registry] | None = None


def current() -> Registry:
    """The process-wide registry, built on first use."""
    global _registry
    registry = _registry
    if registry is not None:
        return registry
    with _lock:
        if _registry is None:
            if _builder is not None:
                _registry = _builder()
            else:
                from codekit._plugin.manager import build_registry

                _registry = build_registry()
        return _registry


def generation() -> int:
    """A number that changes whenever the registry is rebuilt (keys caches)."""
    return _generation


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
