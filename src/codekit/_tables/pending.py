"""Plugins registered on first use of what they provide (:meth:`Registry.pend`).

codekit's built-ins for crosswalks, risk scores, grouping, NCCI and MCE tables, quotas and
pages hold their place in precedence from the registry build on, but are imported and run
the first time one of their table kinds (:meth:`Pending.wake`) or sections (through the
section store's deferred values) is read. Whichever comes first merges all they register.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import attrs

from codekit._tables.sections import Deferred, SectionStore

if TYPE_CHECKING:
    from codekit.plugins import Registrar

__all__ = ["Pending"]


@attrs.define(eq=False)
class _Entry:
    """A plugin registered on first use of its table ``kinds`` or ``sections``."""

    plugin: str
    kinds: frozenset[str]
    sections: frozenset[str]
    load: Callable[[], Registrar | str]
    done: bool = False


class Pending:
    """The pending plugins of one registry, by the table kinds they provide.

    ``merge_tables(registrar)`` takes a woken plugin's tables into the registry; its
    section values go to ``sections``; ``fail(plugin, message)`` records a plugin whose
    hook failed or that registered beyond what it declared. ``lock`` is the registry's one
    lock for pending plugins and deferred sections, so the two are never locked in
    different orders.
    """

    def __init__(
        self,
        lock: threading.RLock,
        sections: SectionStore,
        merge_tables: Callable[[Registrar], None],
        fail: Callable[[str, str], None],
    ) -> None:
        #: table kind -> the pending plugins that provide it.
        self.kinds: dict[str, list[_Entry]] = {}
        self._lock = lock
        self._sections = sections
        self._merge_tables = merge_tables
        self._fail = fail

    def add(
        self,
        plugin: str,
        kinds: Iterable[str],
        sections: Iterable[str],
        load: Callable[[], Registrar | str],
    ) -> None:
        """Hold ``plugin`` until one of its ``kinds`` or ``sections`` is read."""
        entry = _Entry(plugin, frozenset(kinds), frozenset(sections), load)
        for kind in entry.kinds:
            self.kinds.setdefault(kind, []).append(entry)
        if entry.sections:
            self._sections.defer(plugin, Deferred(entry.sections, lambda: self._wake(entry)))

    def wake(self, kind: str) -> None:
        """Register the pending plugins that provide tables of ``kind`` (once)."""
        with self._lock:  # a reader meanwhile waits: the kind is pending until done
            for entry in self.kinds.get(kind, ()):
                self._wake(entry)
            self.kinds.pop(kind, None)

    def _wake(self, entry: _Entry) -> dict[str, list[Any]]:
        """Run a pending plugin's hook once and merge what it registered in its place.

        Returns nothing for the section store to add: the sections are merged here, so
        that whichever is read first, a table kind or a section, merges them all.
        """
        with self._lock:
            if entry.done:
                return {}
            entry.done = True
            loaded = entry.load()
            problem = loaded if isinstance(loaded, str) else _outside(entry, loaded)
            if problem is not None:
                self._fail(entry.plugin, problem)
                return {}
            assert not isinstance(loaded, str)
            self._merge_tables(loaded)
            for name, values in loaded._sections.items():
                self._sections.insert(entry.plugin, name, values)
            for deferred in loaded._deferred:
                self._sections.defer(entry.plugin, deferred)
            return {}


def _outside(entry: _Entry, registrar: Registrar) -> str | None:
    """What a pending plugin registered beyond what it declared (``None``: nothing)."""
    kinds = {table.release.kind for table in registrar._tables} - entry.kinds
    sections = (
        set(registrar._sections).union(*(d.sections for d in registrar._deferred)) - entry.sections
    )
    if registrar._code_sets or kinds or sections:
        extra = sorted(kinds | sections) + [s.name for s, _ in registrar._code_sets]
        declared = ", ".join(sorted(entry.kinds | entry.sections))
        return f"registered on first use, it may add only {declared}; it added {', '.join(extra)}"
    return None
