"""Registers the releases of every installed code-set data pack (``codekit data install``).

A code-set pack's manifest names its ``code_set`` and dataset ``file`` (codekit's SQLite
format, one release at bit 0); it becomes a :class:`~codekit.models.DataRelease` with
``origin="pack"``, which wins over a packaged release of the same id. Packs of other kinds
(NCCI tables, GEMs) are read by their own capabilities through
:func:`codekit._store.packs.list_packs`.
"""

from __future__ import annotations

import functools
import time
from typing import TYPE_CHECKING

from codekit._store.packs import Pack, list_packs
from codekit._store.sqlite import Dataset, SqliteRelease
from codekit.exceptions import DataError
from codekit.models import DataRelease
from codekit.plugins import Registrar, hookimpl

if TYPE_CHECKING:
    from pathlib import Path


def _locator(pack: Pack, name: str) -> Path:
    """The dataset's path; waits out the instant a forced re-install swaps directories."""
    path = pack.path / name
    for _ in range(20):
        if path.is_file():
            return path
        time.sleep(0.05)
        for fresh in list_packs(pack.kind):
            if fresh.release == pack.release and (fresh.path / name).is_file():
                return fresh.path / name
    from codekit import _registry

    # Another process may have removed or replaced the pack since this process listed the
    # packs: forget the list, so the next call sees what is installed now.
    _registry.reset()
    raise DataError(
        f"data pack {pack.kind} {pack.release} has lost its {name} (removed by another "
        "process?); codekit has re-read the installed packs, so calling again uses what is "
        "installed now. If it persists, reinstall it with "
        f"`codekit data install --force FILE` or remove it with "
        f"`codekit data remove {pack.kind} {pack.release}`"
    )


def _source(pack: Pack, name: str) -> SqliteRelease:
    label = f"data pack {pack.kind} {pack.release}"
    return SqliteRelease(Dataset(lambda: _locator(pack, name), label), 0)


def release_of(pack: Pack) -> DataRelease:
    """The :class:`DataRelease` describing one code-set pack."""
    manifest = pack.manifest
    sources = manifest.get("sources") or [{}]
    return DataRelease(
        code_set=str(manifest["code_set"]),
        release=pack.release,
        effective=pack.effective,
        until=pack.until,
        origin="pack",
        source=str(manifest.get("source", "")),
        source_file=", ".join(str(s.get("name", "")) for s in sources),
        sha256=str(sources[0].get("sha256", "")),
        licence=str(manifest.get("licence", "")),
        # billable codes, as packaged releases count them (the manifest's rows: every item)
        rows=int(manifest.get("billable", manifest.get("rows", 0))),
    )


@hookimpl(trylast=True)
def codekit_register(registrar: Registrar) -> None:
    for pack in list_packs():
        name = pack.manifest.get("file")
        if pack.code_set is None or not isinstance(name, str):
            continue
        registrar.add_release(release_of(pack), source=functools.partial(_source, pack, name))
