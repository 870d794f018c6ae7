"""Finding the importers and fetch sources: each one is declared next to its code.

There is no central list. An importer module is found by its name, the way Django finds
each application's ``admin`` module: every module called ``importer`` or ``importers`` in
a package of codekit (``codekit/_importers/hcpcs/importer.py``,
``codekit/_edits/ncci/importers.py``, ``codekit/_crosswalk/importer.py``, ...) declares

* ``IMPORTERS``: a tuple of its importers (see :mod:`codekit._importers` for the
  contract), most specific first;
* ``FILES``: a phrase naming the files they read, for the message about a file no
  importer knows;
* ``FETCH_SOURCES`` (optional): a tuple of
  :class:`~codekit._importers._base.FetchSource`, what ``codekit data fetch`` can
  download for its kinds.

Adding a file format is therefore one new module. Modules are found on the first install
or fetch (never at ``import codekit``) by listing the package's folders, without importing
anything else; they are tried in the order of their module names.
"""

from __future__ import annotations

import functools
import importlib
import importlib.resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from importlib.resources.abc import Traversable
    from types import ModuleType

    from codekit._importers._base import FetchSource, Importer

__all__ = ["MODULE_NAMES", "fetch_sources", "importer_modules", "importers", "known_files"]

#: The names an importer module has (``importer.py`` or ``importers.py``).
MODULE_NAMES = ("importer", "importers")
_SKIP = {"data", "__pycache__"}


def _walk(folder: Traversable, prefix: str) -> Iterator[str]:
    for entry in folder.iterdir():
        name = entry.name
        if entry.is_dir():
            if (
                name not in _SKIP
                and name.isidentifier()
                and entry.joinpath("__init__.py").is_file()
            ):
                yield from _walk(entry, f"{prefix}.{name}")
        elif name.endswith(".py") and name[:-3] in MODULE_NAMES:
            yield f"{prefix}.{name[:-3]}"


@functools.cache
def _modules() -> tuple[ModuleType, ...]:
    names = sorted(_walk(importlib.resources.files("codekit"), "codekit"))
    return tuple(importlib.import_module(name) for name in names)


def importer_modules() -> tuple[str, ...]:
    """The names of every importer module, in the order they are tried."""
    return tuple(module.__name__ for module in _modules())


def importers() -> tuple[Importer, ...]:
    """Every importer, in the order they are tried."""
    return tuple(found for module in _modules() for found in module.IMPORTERS)


def known_files() -> str:
    """What files codekit reads, one phrase per importer module."""
    return ", ".join(module.FILES for module in _modules())


def fetch_sources() -> dict[str, FetchSource]:
    """What ``codekit data fetch`` knows, by kind (and by each source's aliases)."""
    found: dict[str, FetchSource] = {}
    for module in _modules():
        for source in getattr(module, "FETCH_SOURCES", ()):
            for kind in (source.kind, *source.aliases):
                found[kind] = source
    return found
