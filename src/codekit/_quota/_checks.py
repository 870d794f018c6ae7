"""The arguments of the quota stores, checked: only :class:`QuotaConfigError` escapes."""

from __future__ import annotations

import math
import os
import reprlib
from pathlib import Path

from codekit.exceptions import QuotaConfigError

__all__ = ["checked", "instant", "sqlite_path", "text"]

_CALLER = "stores are called by codekit.quota.Client, which passes them"


def text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise QuotaConfigError(
            f"a quota store's {name} must be a string, not {type(value).__name__}; "
            f"{_CALLER} 'policy:counter:principal' accounts and 'code_set:code' resources"
        )
    return value


def instant(value: object, name: str, *, infinite: bool = False) -> float:
    """``value`` as a POSIX instant (seconds); ``-inf`` means "since the beginning"."""
    number = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:  # an int beyond any float
            number = None
    if number is None or math.isnan(number) or (math.isinf(number) and not infinite):
        raise QuotaConfigError(
            f"a quota store's {name} must be a number of seconds (time.time()), not "
            f"{type(value).__name__} {reprlib.repr(value)}"
        )
    return number


def checked(
    account: object, resource: object, *, limit: object, since: object, now: object, repeat: object
) -> tuple[str, str, int, float, float, bool]:
    """The arguments of :meth:`QuotaStore.charge`, checked (:class:`QuotaConfigError` if not)."""
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise QuotaConfigError(
            f"a quota store's limit must be a whole number of grants, not {type(limit).__name__}"
        )
    if not isinstance(repeat, bool):
        raise QuotaConfigError(
            f"a quota store's free_repeat must be True or False, not {type(repeat).__name__}"
        )
    return (
        text(account, "account"),
        text(resource, "resource"),
        limit,
        instant(since, "since", infinite=True),
        instant(now, "now"),
        repeat,
    )


def sqlite_path(value: object) -> Path:
    """``value`` as the path of a SQLite store file."""
    raw = value.__fspath__() if isinstance(value, os.PathLike) else value
    if not isinstance(raw, str) or not raw.strip() or "\x00" in raw:
        raise QuotaConfigError(
            f"a SQLite quota store needs a file path, not {type(value).__name__} "
            f"{reprlib.repr(value)}; pass SqliteStore('quota.db') or store='sqlite:///quota.db'"
        )
    return Path(raw)
