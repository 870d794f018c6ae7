"""Quota policies: the protocol and the built-in tiered policy (the seed site's rules)."""

from __future__ import annotations

import reprlib
from collections.abc import Mapping
from types import MappingProxyType
from typing import Protocol, runtime_checkable

import attrs

from codekit._quota.model import Allowance, Principal, Resource, Window
from codekit.exceptions import QuotaConfigError

__all__ = ["DEFAULT_LIMITS", "QuotaPolicy", "TieredPolicy"]

#: The seed site: guests 1 page, registering adds 5 more (6 in all), paid accounts unlimited.
DEFAULT_LIMITS: Mapping[str, int | None] = MappingProxyType(
    {"guest": 1, "registered": 6, "paid": None}
)


@runtime_checkable
class QuotaPolicy(Protocol):
    """Decides how much of a resource a principal may use.

    A policy is consulted on every charge; the store then counts atomically against the
    :class:`Allowance` it returns, so a policy never has to count anything itself.
    """

    def allowance(self, principal: Principal, resource: Resource) -> Allowance:
        """The allowance of ``principal`` for ``resource`` (raise for an unknown tier)."""
        ...


def _limits(value: Mapping[str, int | None]) -> Mapping[str, int | None]:
    if not value:
        raise QuotaConfigError("a tiered policy needs at least one tier")
    if not isinstance(value, Mapping):
        raise QuotaConfigError(f"limits must map tier names to limits, not {value!r}")
    for tier, limit in value.items():
        if limit is not None and (
            not isinstance(limit, int) or isinstance(limit, bool) or limit < 0
        ):
            raise QuotaConfigError(f"limit of tier {tier!r} must be a non-negative int or None")
    return MappingProxyType(dict(value))


def _window(value: str | Window) -> Window:
    return Window.parse(value)


def _messages(value: Mapping[str, str] | None) -> Mapping[str, str]:
    if value is not None and not isinstance(value, Mapping):
        raise QuotaConfigError(f"messages must map tier names to texts, not {value!r}")
    found = dict(value or {})
    if not all(isinstance(text, str) for text in found.values()):
        raise QuotaConfigError("every upgrade message must be a string")
    return MappingProxyType(found)


def _shown(value: object) -> str:
    return reprlib.repr(value)


@attrs.frozen(kw_only=True)
class TieredPolicy:
    """A limit per tier over one window; ``None`` means unlimited.

    Tiers are listed from least to most privileged; the upgrade message of a tier points to
    the next one unless ``messages`` gives it. ``free_repeat=True`` makes re-opening a page
    already opened in the window free.

    >>> policy = TieredPolicy()
    >>> policy.allowance(Principal("v1"), Resource("cpt", "0628T")).upgrade
    'Register a free account to get 5 more views.'
    """

    name: str = "default"
    limits: Mapping[str, int | None] = attrs.field(default=DEFAULT_LIMITS, converter=_limits)
    window: Window = attrs.field(factory=Window.lifetime, converter=_window)
    free_repeat: bool = False
    messages: Mapping[str, str] = attrs.field(factory=dict, converter=_messages)

    def allowance(self, principal: Principal, resource: Resource) -> Allowance:
        if not isinstance(principal, Principal):
            raise QuotaConfigError(
                f"allowance takes a Principal, not {type(principal).__name__}; "
                "pass Principal('user-42', tier='registered')"
            )
        if not isinstance(resource, Resource):
            raise QuotaConfigError(
                f"allowance takes a Resource, not {type(resource).__name__}; "
                "pass Resource('cpt', '0628T')"
            )
        if principal.tier not in self.limits:
            raise QuotaConfigError(
                f"quota policy {self.name!r} has no tier {principal.tier!r}; "
                f"its tiers are {', '.join(self.limits)}"
            )
        return Allowance(
            limit=self.limits[principal.tier],
            window=self.window,
            free_repeat=self.free_repeat,
            upgrade=self.upgrade_message(principal.tier),
        )

    def upgrade_message(self, tier: str) -> str:
        """What a principal of ``tier`` is told when refused."""
        if not isinstance(tier, str) or tier not in self.limits:
            raise QuotaConfigError(
                f"quota policy {self.name!r} has no tier {_shown(tier)}; "
                f"its tiers are {', '.join(self.limits)}"
            )
        if tier in self.messages:
            return self.messages[tier]
        tiers = list(self.limits)
        position = tiers.index(tier)
        if position + 1 >= len(tiers):
            return ""
        following = tiers[position + 1]
        here, there = self.limits[tier], self.limits[following]
        action = (
            "Register a free account"
            if following == "registered"
            else f"Upgrade to a {following} account"
        )
        if there is None:
            return f"{action} for unlimited views."
        if here is not None and there > here:
            more = there - here
            return f"{action} to get {more} more view{'s' if more != 1 else ''}."
        return f"{action} for more views."
