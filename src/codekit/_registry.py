"""The process-wide registry: built on first use, rebuilt when packs or plugins change.

The registry itself (tables, code sets, sections) is :mod:`codekit._tables.registry`; the
one release rule is :mod:`codekit._tables.rule`. This module holds the one registry of the
process: :func:`current` builds it (never at import) through the plugin manager,
:func:`reset` drops it (after a data pack is installed, or in tests), :func:`on_reset`
registers a callback that clears a cache kept outside it, and :func:`select` picks a
release of any kind of table from it.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from codekit._tables.messages import stale_message
from codekit._tables.registry import Registry, Release, build, open_plugin_data

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable

__all__ = [
    "Registry",
    "Release",
    "build",
    "current",
    "generation",
    "on_reset",
    "open_plugin_data",
    "recent",
    "refresh",
    "reset",
    "select",
    "stale_message",
]


def select(
    kind: str,
    *,
    name: str | None = None,
    as_of: dt.date | None = None,
    release: str | None = None,
    **facets: str,
) -> Release:
    """The release of a table of ``kind`` by the one rule (see :mod:`codekit._tables.rule`).

    See :meth:`codekit._tables.registry.Registry.select_table`.
    """
    return current().select_table(kind, name=name, as_of=as_of, release=release, **facets)


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

            stamps.on_bump(reset)  # this process's own install or removal: at once
            _built_local, _built_from = stamps.local(), stamps.stamp()
            _checked = time.monotonic()
            if _builder is not None:
                _registry = _builder()
            else:
                from codekit._plugin.manager import build_registry

                _registry = build_registry()
        return _registry


#: Seconds between two looks for changed packs by :func:`recent`.
RECHECK = 0.05
_recent_checked = -1.0


def recent() -> Registry:
    """:func:`current`, for hot paths: it looks for changed packs (a ``stat`` every half
    second, a few calls) at most every :data:`RECHECK` seconds; a rebuild in this process,
    and a pack this process installed or removed (which drops the registry, see
    :func:`codekit._store.generation.on_bump`), is seen at once. Caches reached through it
    live in :meth:`Registry.memo`."""
    global _recent_checked
    registry = _registry
    now = time.monotonic()
    if registry is None or now - _recent_checked >= RECHECK:
        registry = current()
        _recent_checked = now
    return registry


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
    """Forget the registry; the next use rebuilds it (new packs and plugins are seen).

    The caches the registry owns (:meth:`Registry.memo`) go with it; the callbacks given
    to :func:`on_reset` clear the ones kept elsewhere.
    """
    global _registry, _generation
    with _lock:
        _registry = None
        _generation += 1
        callbacks = tuple(_on_reset)
    for callback in callbacks:
        callback()


_on_reset: list[Callable[[], None]] = []


def on_reset(callback: Callable[[], None]) -> Callable[[], None]:
    """Call ``callback`` (which clears a cache) whenever the registry is dropped.

    For caches that cannot live in :meth:`Registry.memo`; returns ``callback``, so it
    can decorate the clearing function.
    """
    with _lock:
        _on_reset.append(callback)
    return callback


def install_builder(builder: Callable[[], Registry] | None) -> None:
    """Use ``builder`` instead of the plugin manager (``codekit.testing`` does this)."""
    global _builder
    with _lock:
        _builder = builder
        reset()
