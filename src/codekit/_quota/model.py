"""Quota values: principals, resources, windows, allowances and what a charge reports."""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from typing import Literal

import attrs

__all__ = ["Allowance", "Principal", "QuotaStatus", "Resource", "Window", "WindowKind"]

WindowKind = Literal["lifetime", "day", "month", "rolling"]
_ROLLING = re.compile(r"rolling[:\s]*([0-9]+)\s*h(ours?)?")


def _check_id(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{attribute.name} must be a non-empty string, not {value!r}")


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
        if self.kind not in ("lifetime", "day", "month", "rolling"):
            raise ValueError(f"unknown window {self.kind!r}; use lifetime, day, month or rolling")
        if (self.kind == "rolling") != (self.hours is not None):
            raise ValueError("a rolling window needs hours=N (and only a rolling one has hours)")
        if self.hours is not None and self.hours <= 0:
            raise ValueError(f"a rolling window needs a positive number of hours: {self.hours}")

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
        """``"lifetime"``, ``"day"``, ``"month"`` or ``"rolling 24h"`` (also ``rolling:24h``)."""
        if isinstance(text, Window):
            return text
        cleaned = str(text).strip().lower()
        if cleaned in ("lifetime", "day", "month"):
            return cls(cleaned)  # type: ignore[arg-type]
        match = _ROLLING.fullmatch(cleaned)
        if match:
            return cls.rolling(int(match.group(1)))
        raise ValueError(f"unknown window {text!r}; use lifetime, day, month or 'rolling 24h'")

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


@attrs.frozen(kw_only=True)
class Allowance:
    """A policy's answer for one principal and resource.

    ``limit`` resources per ``window`` (``None``: unlimited); with ``free_repeat`` a resource
    already opened in the window is free again; ``upgrade`` tells how to get more;
    ``counter`` names the tally (policies may keep several, e.g. pages and searches).
    """

    limit: int | None
    window: Window = attrs.field(factory=Window.lifetime)
    free_repeat: bool = False
    upgrade: str = ""
    counter: str = "pages"

    def __attrs_post_init__(self) -> None:
        if self.limit is not None and (not isinstance(self.limit, int) or self.limit < 0):
            raise ValueError(f"a quota limit is a non-negative int or None: {self.limit!r}")


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
