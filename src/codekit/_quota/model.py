"""Quota values: principals, resources, windows, allowances and what a charge reports."""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from typing import Literal

import attrs

from codekit.exceptions import QuotaConfigError

__all__ = ["Allowance", "Principal", "QuotaStatus", "Resource", "Window", "WindowKind"]

WindowKind = Literal["lifetime", "day", "month", "rolling"]
_ROLLING = re.compile(r"(?:rolling[:\s]*)?([0-9]{1,6})\s*h(?:ours?|rs?)?")
_KINDS = ("lifetime", "day", "month", "rolling")
#: The longest rolling window, about a century (longer ones are a lifetime).
_MAX_HOURS = 876_000
#: Spellings :meth:`Window.parse` (and so ``Allowance(window=...)``) accepts for each kind.
_SPELLINGS: dict[str, WindowKind] = {
    "lifetime": "lifetime",
    "forever": "lifetime",
    "day": "day",
    "daily": "day",
    "per day": "day",
    "month": "month",
    "monthly": "month",
    "per month": "month",
}


def _check_id(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        example = "Principal('user-42', tier='registered')"
        raise QuotaConfigError(
            f"a principal's {attribute.name} must be a non-empty string, not {value!r}; "
            f"pass a user id, session id or API key and a tier name: {example}"
        )


@attrs.frozen
class Principal:
    """Who is asking: an id (user, session or API key) and a tier (``guest``, ``registered``,
    ``paid``, or whatever tiers the policy knows).

    >>> Principal("visitor-1")
    Principal(id='visitor-1', tier='guest')
    """

    id: str = attrs.field(validator=_check_id)
    tier: str = attrs.field(default="guest", validator=_check_id)


@attrs.frozen
class Resource:
    """What is being opened: by default a code page, named by code set and canonical code."""

    code_set: str
    code: str
    kind: str = "page"

    @property
    def key(self) -> str:
        """The spelling counted by stores (``cpt:0628T``)."""
        return f"{self.code_set}:{self.code}"


@attrs.frozen
class Window:
    """The period an allowance covers: a lifetime, a UTC calendar day or month, or a rolling
    number of hours.

    >>> Window.parse("rolling 24h")
    Window(kind='rolling', hours=24)
    """

    kind: WindowKind = "lifetime"
    hours: int | None = None

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.kind, str) or self.kind not in (
            "lifetime",
            "day",
            "month",
            "rolling",
        ):
            raise QuotaConfigError(
                f"unknown window {self.kind!r}; use Window.lifetime(), Window.day(), "
                "Window.month() or Window.rolling(hours), or Window.parse('rolling 24h')"
            )
        if (self.kind == "rolling") != (self.hours is not None):
            raise QuotaConfigError(
                "a rolling window needs hours=N (and only a rolling one has hours)"
            )
        if self.hours is not None and (
            not isinstance(self.hours, int)
            or isinstance(self.hours, bool)
            or not 0 < self.hours <= _MAX_HOURS
        ):
            raise QuotaConfigError(
                "a rolling window needs a positive whole number of hours (at most "
                f"{_MAX_HOURS:,}), not {self.hours!r}"
            )

    @classmethod
    def lifetime(cls) -> Window:
        """No reset: the allowance is for good."""
        return cls("lifetime")

    @classmethod
    def day(cls) -> Window:
        """A UTC calendar day."""
        return cls("day")

    @classmethod
    def month(cls) -> Window:
        """A UTC calendar month."""
        return cls("month")

    @classmethod
    def rolling(cls, hours: int) -> Window:
        """The last ``hours`` hours."""
        return cls("rolling", hours)

    @classmethod
    def parse(cls, text: str | Window) -> Window:
        """A window from its name: ``"lifetime"`` (or ``"forever"``), ``"day"`` (``"daily"``),
        ``"month"`` (``"monthly"``), or a rolling number of hours: ``"rolling 24h"``,
        ``"rolling:24h"``, ``"24h"``, ``"24 hours"``.

        >>> Window.parse("daily")
        Window(kind='day', hours=None)
        """
        if isinstance(text, Window):
            return text
        if isinstance(text, str) and len(text) <= 40:
            cleaned = " ".join(text.lower().split())
            if cleaned in _SPELLINGS:
                return cls(_SPELLINGS[cleaned])
            match = _ROLLING.fullmatch(cleaned)
            if match:
                return cls.rolling(int(match.group(1)))
        raise QuotaConfigError(
            f"unknown window {text!r}; use 'lifetime', 'day', 'month' or 'rolling 24h' "
            "(or a codekit.quota.Window: Window.day(), Window.rolling(24), ...)"
        )

    def start(self, now: float) -> float:
        """The first instant (epoch seconds) counted at ``now``; ``-inf`` for a lifetime."""
        if self.kind == "lifetime":
            return -math.inf
        if self.kind == "rolling":
            assert self.hours is not None
            # a view made exactly N hours ago has left the window (it resets at that instant)
            return math.nextafter(now - self.hours * 3600.0, math.inf)
        day = dt.datetime.fromtimestamp(now, dt.UTC)
        first = day.replace(hour=0, minute=0, second=0, microsecond=0)
        if self.kind == "month":
            first = first.replace(day=1)
        return first.timestamp()

    def resets_at(self, now: float, oldest: float | None) -> dt.datetime | None:
        """When a used view is given back (``oldest`` = the oldest view counted), UTC."""
        if self.kind == "lifetime":
            return None
        if self.kind == "rolling":
            assert self.hours is not None
            base = oldest if oldest is not None else now
            return dt.datetime.fromtimestamp(base + self.hours * 3600.0, dt.UTC)
        start = dt.datetime.fromtimestamp(self.start(now), dt.UTC)
        if self.kind == "day":
            return start + dt.timedelta(days=1)
        days = calendar.monthrange(start.year, start.month)[1]
        return start + dt.timedelta(days=days)

    @property
    def phrase(self) -> str:
        """The window in words: ``""``, ``"per day"``, ``"per month"``, ``"per 24 hours"``."""
        if self.kind == "lifetime":
            return ""
        if self.kind == "rolling":
            return f"per {self.hours} hours" if self.hours != 1 else "per hour"
        return f"per {self.kind}"


def _window(value: str | Window) -> Window:
    return Window.parse(value)


@attrs.frozen(kw_only=True)
class Allowance:
    """A policy's answer for one principal and resource.

    ``limit`` resources per ``window`` (``None``: unlimited); with ``free_repeat`` a resource
    already opened in the window is free again; ``upgrade`` tells how to get more;
    ``counter`` names the tally (policies may keep several, e.g. pages and searches).
    ``window`` is a :class:`Window` or its name, as :meth:`Window.parse` reads it.

    >>> Allowance(limit=3, window="day").window
    Window(kind='day', hours=None)
    """

    limit: int | None
    window: Window = attrs.field(factory=Window.lifetime, converter=_window)
    free_repeat: bool = False
    upgrade: str = ""
    counter: str = "pages"

    def __attrs_post_init__(self) -> None:
        if self.limit is not None and (
            not isinstance(self.limit, int) or isinstance(self.limit, bool) or self.limit < 0
        ):
            raise QuotaConfigError(
                f"a quota limit is a non-negative int or None (unlimited), not {self.limit!r}"
            )
        if not isinstance(self.upgrade, str) or not isinstance(self.counter, str):
            raise QuotaConfigError("an allowance's upgrade and counter must be strings")


@attrs.frozen(kw_only=True)
class QuotaStatus:
    """The state of a principal's allowance after a charge (or a :meth:`Client.status`).

    ``remaining`` and ``limit`` are ``None`` when unlimited; ``repeat`` is true when the
    resource was free because it had been opened already in the window.
    """

    granted: bool
    limit: int | None
    used: int
    remaining: int | None
    resets_at: dt.datetime | None
    window: Window
    repeat: bool = False
    upgrade: str = ""
