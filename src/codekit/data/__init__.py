"""codekit's data: the packaged datasets (files in this folder) and data-pack management.

The public data-pack API (the ``codekit data`` command mirrors it)::

    >>> import codekit.data
    >>> codekit.data.list()                       # doctest: +SKIP
    [Pack(kind='hcpcs', release='2026-JAN', ...)]

``install(paths_or_urls, force=False)``, ``list(kind=None)``, ``remove(kind, release)``,
``verify()``, ``fetch(kind, release, accept_ama_license=False)`` and ``data_dir()``; see
``docs/data-packs.md``. Names resolve lazily: importing this package reads nothing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import builtins

    from codekit._importers.api import data_dir, fetch, install, remove, verify
    from codekit._importers.api import list_packs as list
    from codekit._store.packs import Pack

__all__ = ["Pack", "data_dir", "fetch", "install", "list", "remove", "verify"]

_LAZY: dict[str, tuple[str, str]] = {
    "Pack": ("codekit._store.packs", "Pack"),
    "data_dir": ("codekit._importers.api", "data_dir"),
    "fetch": ("codekit._importers.api", "fetch"),
    "install": ("codekit._importers.api", "install"),
    "list": ("codekit._importers.api", "list_packs"),
    "remove": ("codekit._importers.api", "remove"),
    "verify": ("codekit._importers.api", "verify"),
}


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'codekit.data' has no attribute {name!r}")
    value = getattr(importlib.import_module(target[0]), target[1])
    globals()[name] = value
    return value


def __dir__() -> builtins.list[str]:
    return sorted(__all__)
