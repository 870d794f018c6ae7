"""The SQLite store: tallies in one file shared by the processes of one host
(``sqlite:///relative.db``, ``sqlite:////absolute/path.db``)."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from typing import TYPE_CHECKING

from codekit._quota._checks import sqlite_path
from codekit._quota.stores.base import CheckedStore, Tally, finite
from codekit.exceptions import QuotaConfigError, QuotaStoreError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["SqliteStore", "sqlite_store"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS codekit_quota (
    account TEXT NOT NULL,
    resource TEXT NOT NULL,
    ts REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS codekit_quota_account ON codekit_quota (account, ts);
CREATE INDEX IF NOT EXISTS codekit_quota_resource ON codekit_quota (account, resource, ts);
"""


class SqliteStore(CheckedStore):
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

    def _charge(  # noqa: PLR0917 - charge's arguments, checked
        self, account: str, resource: str, limit: int, since: float, now: float, free_repeat: bool
    ) -> Tally:
        start = finite(since)

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

    def _usage(self, account: str, since: float) -> Tally:
        start = finite(since)

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
