"""Quota stores: where tallies live, each counting atomically, one module per backend.

A store keeps, per account (policy + counter + principal), the instants at which resources
were granted. :meth:`QuotaStore.charge` looks at the grants inside the window and records a
new one only if the limit allows, as one atomic step: a lock in memory (:mod:`.memory`),
``BEGIN IMMEDIATE`` in SQLite (:mod:`.sqlite`), a Lua script in Redis (:mod:`.redis`).
:mod:`.base` holds the protocol and :func:`open_store`; :mod:`.plugin` the wrapper that
contains a third-party plugin's store.

Stores are named by URL: ``memory://`` (the process-wide store; ``memory://NAME`` a named
one), ``sqlite:///relative/path.db`` or ``sqlite:////absolute/path.db`` (one host, several
processes), ``redis://host:port/db`` (several hosts; needs ``pip install 'codekit[redis]'``).
"""

from __future__ import annotations

from codekit._quota.stores.base import QuotaStore, Tally, open_store
from codekit._quota.stores.memory import MemoryStore, memory_store
from codekit._quota.stores.plugin import PluginStore
from codekit._quota.stores.redis import RedisStore, redis_store
from codekit._quota.stores.sqlite import SqliteStore, sqlite_store

__all__ = [
    "MemoryStore",
    "PluginStore",
    "QuotaStore",
    "RedisStore",
    "SqliteStore",
    "Tally",
    "memory_store",
    "open_store",
    "redis_store",
    "sqlite_store",
]
