"""The :class:`Client`: code pages for one principal, charged against a quota policy."""

from __future__ import annotations

import math
import time
import warnings
from typing import TYPE_CHECKING, Any

from codekit import _registry
from codekit._plugin.loading import blamed
from codekit._quota.model import Allowance, Principal, QuotaStatus, Resource
from codekit._quota.stores import PluginStore, Tally, open_store
from codekit._tables.sections import QUOTA_POLICIES, QUOTA_STORES, Section
from codekit.exceptions import (
    PluginError,
    QuotaConfigError,
    QuotaExceededError,
    QuotaStoreError,
    QuotaWarning,
)

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable
    from types import TracebackType

    from codekit._pages.model import CodePage
    from codekit._quota.policy import QuotaPolicy
    from codekit._quota.stores import QuotaStore

__all__ = ["Client", "policies", "store_schemes"]

#: What :meth:`Client.remaining` and :meth:`Client.status` count against.
_ANY_PAGE = Resource("*", "*")


def _registered(section: Section[Any]) -> dict[str, tuple[str, Any]]:
    """name -> (plugin, value) of one keyed registrar section (a plugin's value wins)."""
    return _registry.current().section(section).by_key()


def policies() -> dict[str, QuotaPolicy]:
    """Every registered quota policy by name (a plugin's wins over a built-in of that name)."""
    return {name: policy for name, (_, policy) in _registered(QUOTA_POLICIES).items()}


def store_schemes() -> dict[str, Callable[[str], Any]]:
    """Every registered quota store URL scheme with its factory (a plugin's wins over a
    built-in of that scheme)."""
    return {scheme: factory for scheme, (_, factory) in _registered(QUOTA_STORES).items()}


def _third_party(plugin: str | None) -> bool:
    return plugin is not None and not plugin.startswith("codekit.")


class Client:
    """Opens code pages for ``principal``, charging each against ``policy`` in ``store``.

    :param principal: who is asking (``codekit.Principal("u1", tier="registered")``).
    :param policy: a registered policy name or a policy object; default ``"default"``
        (guests 1 page, registered 6, paid unlimited, for good).
    :param store: a store URL (``"memory://"``, ``"sqlite:///quota.db"``,
        ``"redis://localhost:6379/0"``) or a store object.
    :param fail_open: when the store cannot be reached, grant (with a ``QuotaWarning``)
        instead of raising :class:`~codekit.exceptions.QuotaStoreError`.
    :param clock: seconds since the epoch (``time.time``); tests pass a fake.
    """

    def __init__(
        self,
        principal: Principal,
        *,
        policy: str | QuotaPolicy | None = None,
        store: str | QuotaStore = "memory://",
        fail_open: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not isinstance(principal, Principal):
            raise QuotaConfigError(
                f"Client needs a codekit.Principal, not {type(principal).__name__}; "
                "write codekit.Principal('user-id', tier='guest')"
            )
        if not callable(clock):
            raise QuotaConfigError(f"clock must be a function like time.time, not {clock!r}")
        self.principal = principal
        self.policy_name, self.policy, self._policy_plugin = self._policy(policy)
        self.store = self._open_store(store)
        self.fail_open = fail_open
        self._clock = clock

    @staticmethod
    def _policy(policy: str | QuotaPolicy | None) -> tuple[str, QuotaPolicy, str | None]:
        """The policy's name, the policy, and the plugin that registered it (if any)."""
        if policy is None or isinstance(policy, str):
            name = policy or "default"
            known = _registered(QUOTA_POLICIES)
            if name not in known:
                raise QuotaConfigError(
                    f"no quota policy named {name!r}; registered policies: "
                    f"{', '.join(sorted(known)) or 'none'} (install the plugin that provides it)"
                )
            plugin, found = known[name]
            return name, found, plugin
        if not callable(getattr(policy, "allowance", None)):
            raise QuotaConfigError(
                f"{type(policy).__name__} is not a quota policy: it needs "
                "allowance(principal, resource)"
            )
        return str(getattr(policy, "name", type(policy).__name__)), policy, None

    @staticmethod
    def _open_store(store: str | QuotaStore) -> QuotaStore:
        if not isinstance(store, str):
            return open_store(store, {})
        schemes = _registered(QUOTA_STORES)
        plugin = schemes.get(store.partition("://")[0].lower(), (None, None))[0]
        foreign = plugin if _third_party(plugin) else None
        with blamed(foreign, f"its quota store failed to open {store!r}"):
            opened = open_store(store, {name: f for name, (_, f) in schemes.items()})
        # a plugin's store is foreign code: what it raises in use names the plugin too
        return PluginStore(opened, plugin) if plugin and _third_party(plugin) else opened

    def _allowance(self, resource: Resource) -> Allowance:
        """The policy's allowance; a registered plugin policy's failure names the plugin."""
        plugin = self._policy_plugin
        with blamed(
            plugin if _third_party(plugin) else None, f"quota policy {self.policy_name!r} failed"
        ):
            allowance: object = self.policy.allowance(self.principal, resource)
        if not isinstance(allowance, Allowance):
            message = (
                f"quota policy {self.policy_name!r} returned {type(allowance).__name__}, "
                "not a codekit.quota.Allowance"
            )
            if plugin is not None and _third_party(plugin):
                raise PluginError(plugin, message)
            raise QuotaConfigError(message)
        return allowance

    def _now(self) -> float:
        now: object = self._clock()
        if isinstance(now, bool) or not isinstance(now, (int, float)) or not math.isfinite(now):
            raise QuotaConfigError(f"the clock gave {now!r}, not seconds since the epoch")
        return float(now)

    def __repr__(self) -> str:
        return f"Client({self.principal!r}, policy={self.policy_name!r}, store={self.store.url!r})"

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the store's connections."""
        self.store.close()

    # -- quota ---------------------------------------------------------------------------
    def _account(self, allowance: Allowance) -> str:
        return f"{self.policy_name}:{allowance.counter}:{self.principal.id}"

    def charge(self, resource: Resource) -> QuotaStatus:
        """Count one use of ``resource``; raises :class:`QuotaExceededError` when refused."""
        if not isinstance(resource, Resource):
            raise QuotaConfigError(
                f"charge takes a Resource, not {type(resource).__name__}; "
                "pass Resource('cpt', '0628T') (a code set and a canonical code)"
            )
        allowance = self._allowance(resource)
        if allowance.limit is None:
            return _status(allowance, Tally(True, 0), self._now())
        now = self._now()
        try:
            tally = self.store.charge(
                self._account(allowance),
                resource.key,
                limit=allowance.limit,
                since=allowance.window.start(now),
                now=now,
                free_repeat=allowance.free_repeat,
            )
        except QuotaStoreError as exc:
            if not self.fail_open:
                raise
            warnings.warn(f"{exc}; granted without counting (fail_open)", QuotaWarning, 2)
            return _status(allowance, Tally(True, 0), now)
        status = _status(allowance, tally, now)
        if not tally.granted:
            raise QuotaExceededError(
                principal=self.principal.id,
                tier=self.principal.tier,
                resource=resource.key,
                limit=allowance.limit,
                remaining=0,
                resets_at=status.resets_at,
                upgrade=allowance.upgrade,
                window=allowance.window.phrase,
            )
        return status

    def status(self) -> QuotaStatus:
        """The principal's allowance now (``granted`` tells whether another page would be)."""
        allowance = self._allowance(_ANY_PAGE)
        now = self._now()
        if allowance.limit is None:
            return _status(allowance, Tally(True, 0), now)
        try:
            tally = self.store.usage(self._account(allowance), since=allowance.window.start(now))
        except QuotaStoreError as exc:
            if not self.fail_open:
                raise
            warnings.warn(f"{exc}; nothing counted (fail_open)", QuotaWarning, 2)
            tally = Tally(True, 0)
        status = _status(allowance, tally, now)
        return _with_granted(status, (status.remaining or 0) > 0)

    def remaining(self) -> int | None:
        """How many more pages the principal may open in the window (``None``: unlimited)."""
        return self.status().remaining

    # -- pages ---------------------------------------------------------------------------
    def page(
        self, code: str, *, code_set: str | None = None, as_of: dt.date | str | None = None
    ) -> CodePage:
        """The code page of ``code``, charged to the principal.

        The code is canonicalised first, so ``" 0628t "`` and ``0628T`` are one page; input
        that is not a code raises before anything is charged.
        """
        from codekit._pages.page import build_page, resolve_code

        spec_name, canonical = resolve_code(code, code_set=code_set)
        built = build_page(canonical, code_set=spec_name, as_of=as_of)
        self.charge(Resource(spec_name, canonical))
        return built


def _status(allowance: Allowance, tally: Tally, now: float) -> QuotaStatus:
    limit = allowance.limit
    return QuotaStatus(
        granted=tally.granted,
        limit=limit,
        used=tally.used,
        remaining=None if limit is None else max(limit - tally.used, 0),
        resets_at=None if limit is None else allowance.window.resets_at(now, tally.oldest),
        window=allowance.window,
        repeat=tally.repeat,
        upgrade=allowance.upgrade,
    )


def _with_granted(status: QuotaStatus, granted: bool) -> QuotaStatus:
    import attrs

    return attrs.evolve(status, granted=granted)
