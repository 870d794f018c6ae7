"""codekit: medical codes offline — lookup, search, crosswalks and NCCI edits over CMS data.

Importing codekit reads no data and loads no plugins: every name below is resolved on first
use.

>>> import codekit
>>> codekit.describe("E11.9")
'Type 2 diabetes mellitus without complications'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codekit._lookup import (
        code_sets,
        data_releases,
        describe,
        get,
        get_many,
        is_valid,
        lookup,
        normalize,
    )
    from codekit.models import Code, CodeSet, DataRelease

__all__ = [
    "Code",
    "CodeSet",
    "DataRelease",
    "__version__",
    "code_sets",
    "data_releases",
    "describe",
    "get",
    "get_many",
    "is_valid",
    "lookup",
    "normalize",
]

_LAZY: dict[str, str] = {
    "Code": "codekit.models",
    "CodeSet": "codekit.models",
    "DataRelease": "codekit.models",
    "code_sets": "codekit._lookup",
    "data_releases": "codekit._lookup",
    "describe": "codekit._lookup",
    "get": "codekit._lookup",
    "get_many": "codekit._lookup",
    "is_valid": "codekit._lookup",
    "lookup": "codekit._lookup",
    "normalize": "codekit._lookup",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from codekit._version import __version__

        return __version__
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'codekit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
