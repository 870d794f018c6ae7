"""The Redis store: tallies shared by every host that reaches one Redis
(``redis://host:port/db``; needs ``pip install 'codekit[redis]'``)."""

from __future__ import annotations

import math
import threading
import uuid
from typing import Any

from codekit._quota.stores.base import CheckedStore, Tally
from codekit.exceptions import QuotaConfigError, QuotaStoreError

__all__ = ["RedisStore", "redis_store"]

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


class RedisStore(CheckedStore):
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

    def _charge(  # noqa: PLR0917 - charge's arguments, checked
        self, account: str, resource: str, limit: int, since: float, now: float, free_repeat: bool
    ) -> Tally:
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

    def _usage(self, account: str, since: float) -> Tally:
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
