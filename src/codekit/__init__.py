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
    from codekit._assistant import Answer, Conversation, ask
    from codekit._crosswalk._api import crosswalk, crosswalk_frame, crosswalks, hccs
    from codekit._crosswalk._values import Crosswalk, Hcc, Mapping
    from codekit._lookup import (
        code_sets,
        data_releases,
        describe,
        describe_many,
        get,
        get_many,
        is_valid,
        lookup,
        normalize,
        preload,
    )
    from codekit._ncci.batch import check_claims
    from codekit._ncci.engine import addon_primaries, check_claim, mue, ptp_edits
    from codekit._ncci.model import Claim, ClaimLine, EditReport, Finding
    from codekit._pages.model import CodePage
    from codekit._pages.page import page
    from codekit._quota.client import Client
    from codekit._quota.model import Principal
    from codekit._registry import refresh
    from codekit._search import (
        SearchHit,
        SearchResults,
        Suggestion,
        Suggestions,
        search,
        suggest,
    )
    from codekit.models import Code, CodeSet, DataRelease

__all__ = [
    "Answer",
    "Claim",
    "ClaimLine",
    "Client",
    "Code",
    "CodePage",
    "CodeSet",
    "Conversation",
    "Crosswalk",
    "DataRelease",
    "EditReport",
    "Finding",
    "Hcc",
    "Mapping",
    "Principal",
    "SearchHit",
    "SearchResults",
    "Suggestion",
    "Suggestions",
    "__version__",
    "addon_primaries",
    "ask",
    "check_claim",
    "check_claims",
    "code_sets",
    "crosswalk",
    "crosswalk_frame",
    "crosswalks",
    "data_releases",
    "describe",
    "describe_many",
    "get",
    "get_many",
    "hccs",
    "is_valid",
    "lookup",
    "mue",
    "normalize",
    "page",
    "preload",
    "ptp_edits",
    "refresh",
    "search",
    "suggest",
]

_LAZY: dict[str, str] = {
    "Answer": "codekit._assistant",
    "Conversation": "codekit._assistant",
    "ask": "codekit._assistant",
    "Claim": "codekit._ncci.model",
    "ClaimLine": "codekit._ncci.model",
    "EditReport": "codekit._ncci.model",
    "Finding": "codekit._ncci.model",
    "addon_primaries": "codekit._ncci.engine",
    "check_claim": "codekit._ncci.engine",
    "check_claims": "codekit._ncci.batch",
    "mue": "codekit._ncci.engine",
    "ptp_edits": "codekit._ncci.engine",
    "Crosswalk": "codekit._crosswalk._values",
    "Hcc": "codekit._crosswalk._values",
    "Mapping": "codekit._crosswalk._values",
    "crosswalk": "codekit._crosswalk._api",
    "crosswalk_frame": "codekit._crosswalk._api",
    "crosswalks": "codekit._crosswalk._api",
    "hccs": "codekit._crosswalk._api",
    "Client": "codekit._quota.client",
    "CodePage": "codekit._pages.model",
    "Principal": "codekit._quota.model",
    "page": "codekit._pages.page",
    "refresh": "codekit._registry",
    "Code": "codekit.models",
    "CodeSet": "codekit.models",
    "DataRelease": "codekit.models",
    "code_sets": "codekit._lookup",
    "data_releases": "codekit._lookup",
    "describe": "codekit._lookup",
    "describe_many": "codekit._lookup",
    "get": "codekit._lookup",
    "get_many": "codekit._lookup",
    "is_valid": "codekit._lookup",
    "lookup": "codekit._lookup",
    "normalize": "codekit._lookup",
    "preload": "codekit._lookup",
    "SearchHit": "codekit._search",
    "SearchResults": "codekit._search",
    "Suggestion": "codekit._search",
    "Suggestions": "codekit._search",
    "search": "codekit._search",
    "suggest": "codekit._search",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from codekit._version import __version__

        return __version__
    if name == "data":  # the data-pack API is a subpackage: ``codekit.data.install(...)``
        return importlib.import_module("codekit.data")
    if name == "ncci":  # the NCCI module: ``codekit.ncci.Policy``, ``codekit.ncci.fetch``
        return importlib.import_module("codekit.ncci")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'codekit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
