"""The claim edits' caches, each a dict the current registry holds (:meth:`Registry.memo`).

The registry is the process's one cache context: a rebuilt registry (a pack installed or
removed, a plugin release, ``codekit.refresh()``, a test's isolated registry) starts with
none of these dicts, so nothing here is keyed by a generation counter or the environment.

A :class:`Memo` is the hot paths' view of one such dict: it keeps the registry it last read
the dict from and asks :func:`codekit._registry.recent` for the current one (a clock read).
A pack this process installs or removes drops the registry at once
(:func:`codekit._store.generation.on_bump`), so the next claim after an install sees the new
tables.
"""

from __future__ import annotations

from itertools import islice
from typing import Any

from codekit import _registry

__all__ = ["Memo", "drop_older_half"]


class Memo:
    """One registry-held dict of at most ``bound`` entries: when full, the older half (by
    insertion) is dropped, so a cache that fills up keeps what it learnt last instead of
    starting from nothing (the cost, half a bound of deletions, comes once per half a
    bound of new entries)."""

    __slots__ = ("_found", "_owner", "bound", "key")

    def __init__(self, key: object, bound: int = 65536) -> None:
        self.key = key
        self.bound = bound
        self._owner: object = None
        self._found: dict[Any, Any] = {}

    def get(self) -> dict[Any, Any]:
        """The current registry's dict."""
        registry = _registry.recent()
        if registry is not self._owner:
            self._found, self._owner = registry.memo(self.key, dict), registry
        found = self._found
        if len(found) >= self.bound:
            drop_older_half(found)
        return found


def drop_older_half(found: dict[Any, Any]) -> None:
    """Delete the first-inserted half of ``found``'s entries."""
    for key in list(islice(found, len(found) // 2 or 1)):
        del found[key]
