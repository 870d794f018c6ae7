"""The built-in plugin registering the packaged MCE versions as releases of the kind ``mce``.

``data/mce.manifest.json`` lists one release per MCE version (v40, FY2023, to v44); all of
them read the one packaged table (:func:`codekit._edits.mce.table.load`), each with its own
period of discharge dates, and the registry's one rule picks the version in force.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from importlib import resources
from typing import Any

from codekit._edits.mce.table import MceVersion, load
from codekit.models import DataRelease
from codekit.plugins import Registrar, hookimpl

__all__ = ["KIND", "MANIFEST", "NAME", "codekit_register"]

KIND = NAME = "mce"
MANIFEST = "mce.manifest.json"


def _version(label: str, effective: dt.date, until: dt.date) -> MceVersion:
    return MceVersion(label, effective, until, load())


def _releases(manifest: dict[str, Any]) -> list[DataRelease]:
    return [
        DataRelease.from_dict(entry, code_set=NAME, kind=KIND, origin="packaged")
        for entry in manifest["releases"]
    ]


@hookimpl(trylast=True)
def codekit_register(registrar: Registrar) -> None:
    manifest = json.loads(resources.files("codekit.data").joinpath(MANIFEST).read_text())
    for release in _releases(manifest):
        until = release.until
        assert until is not None  # every MCE version has a last day
        registrar.add_table(
            KIND, release, functools.partial(_version, release.release, release.effective, until)
        )
