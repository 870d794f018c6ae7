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
    from codekit._crosswalk._api import crosswalk, crosswalk_frame, crosswalks, hccs
    from codekit._crosswalk._values import Crosswalk, Hcc, Mapping
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
    "Crosswalk",
    "DataRelease",
    "Hcc",
    "Mapping",
    "__version__",
    "code_sets",
    "crosswalk",
    "crosswalk_frame",
    "crosswalks",
    "data_releases",
    "describe",
    "get",
    "get_many",
    "hccs",
    "is_valid",
    "lookup",
    "normalize",
]

_LAZY: dict[str, str] = {
    "Crosswalk": "codekit._crosswalk._values",
    "Hcc": "codekit._crosswalk._values",
    "Mapping": "codekit._crosswalk._values",
    "crosswalk": "codekit._crosswalk._api",
    "crosswalk_frame": "codekit._crosswalk._api",
    "crosswalks": "codekit._crosswalk._api",
    "hccs": "codekit._crosswalk._api",
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
