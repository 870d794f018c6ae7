"""Quota policies and stores: what applications and policy plugins use.

An application charges code pages through :class:`codekit.Client`; a plugin adds a policy
with ``registrar.add_quota_policy(name, policy)`` (any object with an
``allowance(principal, resource)`` method returning an :class:`Allowance`) or a store with
``registrar.add_quota_store(scheme, factory)``.
"""

from __future__ import annotations

from codekit._quota.client import Client, policies, store_schemes
from codekit._quota.model import Allowance, Principal, QuotaStatus, Resource, Window
from codekit._quota.policy import DEFAULT_LIMITS, QuotaPolicy, TieredPolicy
from codekit._quota.stores import (
    MemoryStore,
    QuotaStore,
    RedisStore,
    SqliteStore,
    Tally,
)

__all__ = [
    "DEFAULT_LIMITS",
    "Allowance",
    "Client",
    "MemoryStore",
    "Principal",
    "QuotaPolicy",
    "QuotaStatus",
    "QuotaStore",
    "RedisStore",
    "Resource",
    "SqliteStore",
    "Tally",
    "TieredPolicy",
    "Window",
    "policies",
    "store_schemes",
]
