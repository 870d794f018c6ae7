"""Registers the built-in quota policy and stores through the ordinary registrar.

Deferred (``Registrar.defer``): the policy and store modules are imported the first time
a quota is charged, not when the registry is built for a lookup.
"""

from __future__ import annotations

from codekit.plugins import Registrar, hookimpl


def _register(registrar: Registrar) -> None:
    from codekit._quota.policy import TieredPolicy
    from codekit._quota.stores import memory_store, redis_store, sqlite_store

    registrar.add_quota_policy("default", TieredPolicy())
    registrar.add_quota_store("memory", memory_store)
    registrar.add_quota_store("sqlite", sqlite_store)
    for scheme in ("redis", "rediss", "unix"):
        registrar.add_quota_store(scheme, redis_store)


@hookimpl(trylast=True)
def codekit_register(registrar: Registrar) -> None:
    registrar.defer(("quota_policy", "quota_store"), _register)
