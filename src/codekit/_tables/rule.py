"""The one rule that picks which release of a table answers a date of service.

It is the same for every kind of table (code sets, crosswalks, NCCI tables, a plugin's own
kinds); :meth:`codekit._tables.registry.Registry.choose` applies it:

1. A release is in force from its ``effective`` date to its ``until`` (both inclusive); an
   open-ended one (``until=None``) until a release of the same table with a later
   effective date begins, whatever that release's origin.
2. Of the releases in force on the date, the more local origin wins (an installed pack over
   a plugin's release over a packaged one), then the later effective date, then the plugin
   of higher precedence.
3. A dateless question is asked on the latest effective date among the table's releases.
4. A date after the end of every release is answered by the release that ends last, marked
   *stale*; the capability says so (code sets warn with
   :class:`~codekit.exceptions.StaleDataWarning`, a retired code set refuses).
5. A date before the oldest release, or between two releases, has no release: code sets
   and crosswalks raise :class:`~codekit.exceptions.UnknownReleaseError`, the NCCI engine
   reports the edit as unverifiable with an install hint.
6. ``release=`` names a release by id (case-insensitive); of two offered under one id the
   more local origin wins, and with a date it must be in force on that date.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

import attrs

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from codekit.models import DataRelease

__all__ = ["ORIGIN_RANK", "Choice", "by_id", "choose", "coverage", "ends", "period"]

#: How local each origin is (lower wins): the user's own files, a plugin, codekit's own.
ORIGIN_RANK = {"pack": 0, "plugin": 1, "packaged": 2}


class _HasInfo(Protocol):
    @property
    def info(self) -> DataRelease: ...


R = TypeVar("R", bound=_HasInfo)


@attrs.frozen
class Choice(Generic[R]):
    """The release that answers, and whether it answers a date after its end (rule 4)."""

    release: R
    stale: bool = False


def ends(releases: Sequence[_HasInfo]) -> list[dt.date | None]:
    """Each release's last day (rule 1); ``releases`` are ordered by effective date."""
    found: list[dt.date | None] = []
    for index, release in enumerate(releases):
        end = release.info.until
        if end is None:
            later = [
                r.info.effective
                for r in releases[index + 1 :]
                if r.info.effective > release.info.effective
            ]
            if later:
                end = min(later) - dt.timedelta(days=1)
        found.append(end)
    return found


def choose(
    releases: Sequence[R],
    last_days: Sequence[dt.date | None],
    day: dt.date | None,
    wins: Callable[[R], tuple[int, dt.date, int]],
) -> Choice[R] | None:
    """The release answering ``day`` by rules 1 to 5 (``None``: no release, rule 5)."""
    if not releases:
        return None
    if day is None:
        day = max(r.info.effective for r in releases)
    covering = [
        r
        for r, end in zip(releases, last_days, strict=True)
        if r.info.effective <= day and (end is None or day <= end)
    ]
    if covering:
        return Choice(max(covering, key=wins))
    if None in last_days:
        return None
    last = max(end for end in last_days if end is not None)
    if day <= last:
        return None
    newest = [r for r, end in zip(releases, last_days, strict=True) if end == last]
    return Choice(max(newest, key=wins), stale=True)


def by_id(releases: Sequence[R], release: str) -> R | None:
    """The release named ``release`` (rule 6), ``None`` if there is none."""
    wanted = str(release).lower()
    matches = [r for r in releases if r.info.release.lower() == wanted]
    if not matches:
        return None
    return min(matches, key=lambda r: ORIGIN_RANK.get(r.info.origin, 1))


def period(info: DataRelease) -> str:
    """A release's period, for messages (``2025-10-01 to until superseded``)."""
    end = info.until.isoformat() if info.until else "until superseded"
    return f"{info.effective.isoformat()} to {end}"


def coverage(releases: Sequence[_HasInfo], last_days: Sequence[dt.date | None]) -> str:
    """The periods the releases cover, adjacent ones merged (``2019-07-01 to 2026-06-30``)."""
    spans: list[list[dt.date | None]] = []
    for release, end in sorted(
        zip(releases, last_days, strict=True), key=lambda pair: pair[0].info.effective
    ):
        start = release.info.effective
        last = spans[-1] if spans else None
        if last is not None and (last[1] is None or start - dt.timedelta(days=1) <= last[1]):
            if last[1] is not None and (end is None or end > last[1]):
                last[1] = end
            continue
        spans.append([start, end])
    return "; ".join(
        f"{a.isoformat() if a else ''} to {b.isoformat() if b else 'until superseded'}"
        for a, b in spans
    )
