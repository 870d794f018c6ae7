"""The built-in plugin registering the packaged MCE versions as releases of the kind ``mce``.

The packaged manifest of kind ``mce`` (``data/mce.manifest.json``) lists one release per
MCE version (v40, FY2023, to v44); all of them read the one packaged table
(:func:`codekit._edits.mce.table.load`), each with its own period of discharge dates, and
the registry's one rule picks the version in force.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING, Any

from codekit._store import packaged
from codekit.models import DataRelease
from codekit.plugins import Registrar, hookimpl

if TYPE_CHECKING:
    from codekit._edits.mce.table import MceVersion

__all__ = ["KIND", "NAME", "codekit_register"]

KIND = NAME = "mce"


def _version(label: str, effective: dt.date, until: dt.date) -> MceVersion:
    from codekit._edits.mce.table import MceVersion, load  # the table, on first use only

    return MceVersion(label, effective, until, load())


def _releases(manifest: dict[str, Any]) -> list[DataRelease]:
    return [
        DataRelease.from_dict(entry, code_set=NAME, kind=KIND, origin="packaged")
        for entry in manifest["releases"]
    ]


@hookimpl(trylast=True)
def codekit_register(registrar: Registrar) -> None:
    manifests = [m for m in packaged.manifests() if m.get("kind") == KIND]
    for release in (r for manifest in manifests for r in _releases(manifest)):
        until = release.until
        assert until is not None  # every MCE version has a last day
        registrar.add_table(
            KIND, release, functools.partial(_version, release.release, release.effective, until)
        )
