"""Registers the built-in quota policy and stores through the ordinary registrar."""

from __future__ import annotations

from codekit._quota.policy import TieredPolicy
from codekit._quota.stores import memory_store, redis_store, sqlite_store
from codekit.plugins import Registrar, hookimpl


@hookimpl(trylast=True)
def codekit_register(registrar: Registrar) -> None:
    registrar.add_quota_policy("default", TieredPolicy())
    registrar.add_quota_store("memory", memory_store)
    registrar.add_quota_store("sqlite", sqlite_store)
    for scheme in ("redis", "rediss", "unix"):
        registrar.add_quota_store(scheme, redis_store)
