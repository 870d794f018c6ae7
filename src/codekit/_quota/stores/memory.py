"""The memory store: tallies in this process (``memory://``, ``memory://NAME``)."""

from __future__ import annotations

import bisect
import threading

from codekit._quota.stores.base import CheckedStore, Tally

__all__ = ["MemoryStore", "memory_store"]


class _Account:
    """One account's grants in memory: sorted instants and each resource's latest grant."""

    __slots__ = ("instants", "latest")

    def __init__(self) -> None:
        self.instants: list[float] = []
        self.latest: dict[str, float] = {}

    def window(self, since: float) -> tuple[int, float | None]:
        first = bisect.bisect_left(self.instants, since)
        used = len(self.instants) - first
        return used, (self.instants[first] if used else None)


class MemoryStore(CheckedStore):
    """Tallies in this process's memory (thread-safe; lost when the process ends)."""

    def __init__(self, url: str = "memory://") -> None:
        self.url = url
        self._lock = threading.Lock()
        self._accounts: dict[str, _Account] = {}

    def _charge(  # noqa: PLR0917 - charge's arguments, checked
        self, account: str, resource: str, limit: int, since: float, now: float, free_repeat: bool
    ) -> Tally:
        with self._lock:
            entry = self._accounts.get(account)
            if entry is None:
                entry = self._accounts[account] = _Account()
            used, oldest = entry.window(since)
            last = entry.latest.get(resource)
            if free_repeat and last is not None and last >= since:
                return Tally(True, used, oldest, repeat=True)
            if used >= limit:
                return Tally(False, used, oldest)
            bisect.insort(entry.instants, now)
            entry.latest[resource] = now if last is None else max(now, last)
            used, oldest = entry.window(since)
            return Tally(True, used, oldest)

    def _usage(self, account: str, since: float) -> Tally:
        with self._lock:
            entry = self._accounts.get(account)
            used, oldest = entry.window(since) if entry is not None else (0, None)
        return Tally(True, used, oldest)

    def close(self) -> None:
        """Nothing to release."""

    def clear(self) -> None:
        """Forget every tally (tests, or an operator's reset)."""
        with self._lock:
            self._accounts.clear()


_memory: dict[str, MemoryStore] = {}
_memory_lock = threading.Lock()


def memory_store(url: str) -> MemoryStore:
    """The process-wide memory store named by ``memory://NAME`` (same URL, same store)."""
    with _memory_lock:
        store = _memory.get(url)
        if store is None:
            store = _memory[url] = MemoryStore(url)
        return store
