"""What a plugin author needs: the ``hookimpl`` marker, the registrar and its value types.

A plugin is any module or object with ``codekit_*`` functions marked ``@hookimpl``,
exposed through the ``codekit`` entry-point group::

    # pyproject.toml
    [project.entry-points.codekit]
    mycodes = "mycodes.plugin"

    # mycodes/plugin.py
    from codekit.plugins import CodeRecord, CodeSetSpec, hookimpl

    @hookimpl
    def codekit_register(registrar):
        registrar.add_code_set(
            CodeSetSpec(name="mycodes", title="My codes", pattern=r"MC[0-9]{3}")
        )
        registrar.add_release(
            DataRelease(code_set="mycodes", release="2026", effective=date(2026, 1, 1)),
            records=[CodeRecord(code="MC001", description="First code", billable=True)],
        )

The built-in code sets register themselves through exactly this interface.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

import pluggy

from codekit._codesets.records import CodeRecord, CodeSource, MemoryCodeSource
from codekit._codesets.spec import CodeGrammar, CodeSetSpec
from codekit._plugin.registrar import QuotaStoreFactory, Registrar
from codekit._plugin.values import AocPrimaries, DescriptionLookup, DescriptionProvider

if TYPE_CHECKING:
    from codekit._crosswalk._values import CrosswalkSpec
    from codekit._pages.model import PagePart
    from codekit._pages.section import PageContext, PageSection

__all__ = [
    "AocPrimaries",
    "CodeGrammar",
    "CodeRecord",
    "CodeSetSpec",
    "CodeSource",
    "CrosswalkSpec",
    "DescriptionLookup",
    "DescriptionProvider",
    "MemoryCodeSource",
    "PageContext",
    "PagePart",
    "PageSection",
    "QuotaStoreFactory",
    "Registrar",
    "hookimpl",
]

#: Marker for plugin hook implementations: ``@hookimpl def codekit_register(registrar): ...``
hookimpl = pluggy.HookimplMarker("codekit")

#: The page and crosswalk values, imported on first use: a registry built for a lookup
#: needs neither.
_LAZY = {
    "CrosswalkSpec": "codekit._crosswalk._values",
    "PageContext": "codekit._pages.section",
    "PagePart": "codekit._pages.model",
    "PageSection": "codekit._pages.section",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
