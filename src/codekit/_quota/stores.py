"""Quota stores: where tallies live, each counting atomically.

A store keeps, per account (policy + counter + principal), the instants at which resources
were granted. :meth:`QuotaStore.charge` looks at the grants inside the window and records a
new one only if the limit allows, as one atomic step: a lock in memory, ``BEGIN
IMMEDIATE`` in SQLite, a Lua script in Redis.

Stores are named by URL: ``memory://`` (the process-wide store; ``memory://NAME`` a named
one), ``sqlite:///relative/path.db`` or ``sqlite:////absolute/path.db`` (one host, several
processes), ``redis://host:port/db`` (several hosts; needs ``pip install 'codekit[redis]'``).
"""

from __future__ import annotations

import bisect
import math
import os
import sqlite3
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import attrs

from codekit._quota._checks import checked, instant, sqlite_path, text
from codekit.exceptions import QuotaConfigError, QuotaStoreError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = [
    "MemoryStore",
    "QuotaStore",
    "RedisStore",
    "SqliteStore",
    "Tally",
    "memory_store",
    "open_store",
    "redis_store",
    "sqlite_store",
]

_LOWEST = -1e300  # "since the beginning" in a form every store compares as a number


@attrs.frozen
class Tally:
    """What a store reports: whether this charge was granted, how many grants the window
    holds now, the instant of the oldest of them, and whether the resource was a free repeat."""

    granted: bool
    used: int
    oldest: float | None = None
    repeat: bool = False


@runtime_checkable
class QuotaStore(Protocol):
    """Counts grants per account; every method may raise :class:`QuotaStoreError`."""

    url: str

    def charge(
        self,
        account: str,
        resource: str,
        *,
        limit: int,
        since: float,
        now: float,
        free_repeat: bool,
    ) -> Tally:
        """Atomically: if ``free_repeat`` and ``resource`` was granted at or after ``since``,
        grant for free; else grant and record ``now`` if fewer than ``limit`` grants were
        recorded at or after ``since``; else refuse."""
        ...

    def usage(self, account: str, *, since: float) -> Tally:
        """Grants recorded at or after ``since`` (``granted`` is true when any remain)."""
        ...

    def close(self) -> None:
        """Release connections (the store may be used again afterwards)."""
        ...


def _finite(since: float) -> float:
    return _LOWEST if math.isinf(since) else since


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


class MemoryStore:
    """Tallies in this process's memory (thread-safe; lost when the process ends)."""

    def __init__(self, url: str = "memory://") -> None:
        self.url = url
        self._lock = threading.Lock()
        self._accounts: dict[str, _Account] = {}

    def charge(
        self,
        account: str,
        resource: str,
        *,
        limit: int,
        since: float,
        now: float,
        free_repeat: bool,
    ) -> Tally:
        account, resource, limit, since, now, free_repeat = checked(
            account, resource, limit=limit, since=since, now=now, repeat=free_repeat
        )
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

    def usage(self, account: str, *, since: float) -> Tally:
        account, since = text(account, "account"), instant(since, "since", infinite=True)
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


_SCHEMA = """
CREATE TABLE IF NOT EXISTS codekit_quota (
    account TEXT NOT NULL,
    resource TEXT NOT NULL,
    ts REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS codekit_quota_account ON codekit_quota (account, ts);
CREATE INDEX IF NOT EXISTS codekit_quota_resource ON codekit_quota (account, resource, ts);
"""


class SqliteStore:
    """Tallies in a SQLite file shared by the processes of one host.

    Each charge is one ``BEGIN IMMEDIATE`` transaction (the write lock is taken before
    counting), so concurrent processes neither over-grant nor lose a count.
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 30.0) -> None:
        self.path = sqlite_path(path)
        self.url = f"sqlite:///{self.path}"
        self.timeout = timeout
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = 0

    def _connect(self) -> sqlite3.Connection:
        if self._conn is not None and self._pid == os.getpid():
            return self._conn
        if not self.path.parent.is_dir():
            raise QuotaStoreError(
                self.url, f"folder {self.path.parent} does not exist; create it or fix the URL"
            )
        conn = sqlite3.connect(
            self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False
        )
        # Switching a new file to WAL and creating the schema need a lock that SQLite's busy
        # handler does not always wait for when many processes open the file at once: retry
        # "database is locked" until the store's timeout.
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                # WAL + NORMAL: a commit survives a crash of the process, not of the machine
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.executescript(_SCHEMA)
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    conn.close()
                    raise
                time.sleep(0.01)
            except BaseException:
                conn.close()
                raise
        self._conn, self._pid = conn, os.getpid()
        return conn

    def _run(self, work: Callable[[sqlite3.Connection], Tally]) -> Tally:
        with self._lock:
            try:
                conn = self._connect()
                conn.execute("BEGIN IMMEDIATE")
                try:
                    result = work(conn)
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
                return result
            except sqlite3.Error as exc:
                self._drop()
                raise QuotaStoreError(self.url, f"{type(exc).__name__}: {exc}") from exc

    def _drop(self) -> None:
        if self._conn is not None and self._pid == os.getpid():
            self._conn.close()
        self._conn = None

    def charge(
        self,
        account: str,
        resource: str,
        *,
        limit: int,
        since: float,
        now: float,
        free_repeat: bool,
    ) -> Tally:
        account, resource, limit, since, now, free_repeat = checked(
            account, resource, limit=limit, since=since, now=now, repeat=free_repeat
        )
        start = _finite(since)

        def work(conn: sqlite3.Connection) -> Tally:
            used, oldest = conn.execute(
                "SELECT COUNT(*), MIN(ts) FROM codekit_quota WHERE account = ? AND ts >= ?",
                (account, start),
            ).fetchone()
            if free_repeat:
                seen = conn.execute(
                    "SELECT 1 FROM codekit_quota WHERE account = ? AND resource = ? AND ts >= ?"
                    " LIMIT 1",
                    (account, resource, start),
                ).fetchone()
                if seen:
                    return Tally(True, used, oldest, repeat=True)
            if used >= limit:
                return Tally(False, used, oldest)
            conn.execute(
                "INSERT INTO codekit_quota (account, resource, ts) VALUES (?, ?, ?)",
                (account, resource, now),
            )
            return Tally(True, used + 1, now if oldest is None else oldest)

        return self._run(work)

    def usage(self, account: str, *, since: float) -> Tally:
        account, start = text(account, "account"), _finite(instant(since, "since", infinite=True))

        def work(conn: sqlite3.Connection) -> Tally:
            used, oldest = conn.execute(
                "SELECT COUNT(*), MIN(ts) FROM codekit_quota WHERE account = ? AND ts >= ?",
                (account, start),
            ).fetchone()
            return Tally(True, used, oldest)

        return self._run(work)

    def close(self) -> None:
        with self._lock:
            self._drop()


def sqlite_store(url: str) -> SqliteStore:
    """``sqlite:///relative.db`` or ``sqlite:////absolute/path.db`` (as SQLAlchemy spells it)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or len(url) == len(prefix) or "\x00" in url:
        raise QuotaConfigError(
            f"{url!r} is not a SQLite store URL; write sqlite:///relative/file.db or "
            "sqlite:////absolute/file.db"
        )
    return SqliteStore(url[len(prefix) :])


_LUA = """
local events, seen = KEYS[1], KEYS[2]
local since, now, limit = ARGV[1], ARGV[2], tonumber(ARGV[3])
local resource, free_repeat, member = ARGV[4], ARGV[5], ARGV[6]
local used = redis.call('ZCOUNT', events, since, '+inf')
local first = redis.call('ZRANGEBYSCORE', events, since, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
local oldest = first[2] or ''
if free_repeat == '1' then
  local last = redis.call('HGET', seen, resource)
  if last and tonumber(last) >= tonumber(since) then
    return {1, used, oldest, 1}
  end
end
if used >= limit then
  return {0, used, oldest, 0}
end
redis.call('ZADD', events, now, member)
redis.call('HSET', seen, resource, now)
if oldest == '' then oldest = now end
return {1, used + 1, oldest, 0}
"""


class RedisStore:
    """Tallies in Redis, shared by every host that reaches it.

    A charge is one Lua script (Redis runs scripts atomically). Uses the ``redis`` client
    package, imported on first use.
    """

    def __init__(self, url: str, *, timeout: float = 5.0, prefix: str = "codekit:quota:") -> None:
        self.url = url
        self.prefix = prefix
        self.timeout = timeout
        self._lock = threading.Lock()
        self._client: Any = None
        self._script: Any = None
        self._errors: tuple[type[BaseException], ...] = ()

    def _ready(self) -> Any:
        if self._client is not None:
            return self._client
        with self._lock:
            if self._client is None:
                try:
                    import redis
                except ImportError as exc:
                    raise QuotaStoreError(
                        self.url,
                        "the redis client package is not installed; "
                        "run `pip install 'codekit[redis]'`",
                    ) from exc
                try:
                    client = redis.Redis.from_url(
                        self.url, socket_connect_timeout=self.timeout, socket_timeout=self.timeout
                    )
                except ValueError as exc:
                    raise QuotaConfigError(
                        f"{self.url!r} is not a Redis URL ({exc}); write redis://host:port/db"
                    ) from exc
                self._errors = (redis.RedisError,)
                self._script = client.register_script(_LUA)
                self._client = client
        return self._client

    def _keys(self, account: str) -> list[str]:
        # the hash tag keeps both keys of an account on one Redis Cluster slot
        return [f"{self.prefix}{{{account}}}:events", f"{self.prefix}{{{account}}}:seen"]

    def _fail(self, exc: BaseException) -> QuotaStoreError:
        return QuotaStoreError(self.url, f"{type(exc).__name__}: {exc}")

    def charge(
        self,
        account: str,
        resource: str,
        *,
        limit: int,
        since: float,
        now: float,
        free_repeat: bool,
    ) -> Tally:
        account, resource, limit, since, now, free_repeat = checked(
            account, resource, limit=limit, since=since, now=now, repeat=free_repeat
        )
        self._ready()
        args = [
            "-inf" if math.isinf(since) else repr(since),
            repr(now),
            limit,
            resource,
            "1" if free_repeat else "0",
            f"{now!r}:{uuid.uuid4().hex}",
        ]
        try:
            granted, used, oldest, repeat = self._script(keys=self._keys(account), args=args)
        except self._errors as exc:
            raise self._fail(exc) from exc
        return Tally(bool(granted), int(used), float(oldest) if oldest else None, bool(repeat))

    def usage(self, account: str, *, since: float) -> Tally:
        account, since = text(account, "account"), instant(since, "since", infinite=True)
        client = self._ready()
        low = "-inf" if math.isinf(since) else repr(since)
        events = self._keys(account)[0]
        try:
            used = client.zcount(events, low, "+inf")
            first = client.zrangebyscore(events, low, "+inf", start=0, num=1, withscores=True)
        except self._errors as exc:
            raise self._fail(exc) from exc
        return Tally(True, int(used), float(first[0][1]) if first else None)

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
            self._client = None


def redis_store(url: str) -> RedisStore:
    """``redis://host:port/db`` (also ``rediss://`` and ``unix://``)."""
    return RedisStore(url)


def open_store(url: str | QuotaStore, factories: Mapping[str, Callable[[str], Any]]) -> QuotaStore:
    """The store named by ``url`` using the registered ``scheme → factory`` map."""
    if not isinstance(url, str):
        if isinstance(url, QuotaStore):
            return url
        raise QuotaConfigError(f"store must be a URL or a QuotaStore, not {type(url).__name__}")
    scheme, sep, _ = url.partition("://")
    if not sep:
        raise QuotaConfigError(f"{url!r} is not a store URL; try 'memory://' or 'sqlite:///q.db'")
    factory = factories.get(scheme.lower())
    if factory is None:
        raise QuotaConfigError(
            f"no quota store for {scheme!r} URLs; registered schemes: "
            f"{', '.join(sorted(factories))}"
        )
    store = factory(url)
    if not isinstance(store, QuotaStore):
        raise QuotaConfigError(f"the {scheme!r} store factory did not return a QuotaStore")
    return store
