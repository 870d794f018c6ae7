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
    # What type checkers see: every name of ``_LAZY`` (the one list of public names) from
    # the module ``_LAZY`` gives, re-exported explicitly (``name as name``) because
    # ``__all__`` is derived. tests/test_import.py checks that the two agree.
    from codekit._assistant import Answer as Answer
    from codekit._assistant import Conversation as Conversation
    from codekit._assistant import ask as ask
    from codekit._crosswalk._api import crosswalk as crosswalk
    from codekit._crosswalk._api import crosswalk_frame as crosswalk_frame
    from codekit._crosswalk._api import crosswalks as crosswalks
    from codekit._crosswalk._api import hccs as hccs
    from codekit._crosswalk._values import Crosswalk as Crosswalk
    from codekit._crosswalk._values import Hcc as Hcc
    from codekit._crosswalk._values import Mapping as Mapping
    from codekit._edits.institutional import ClaimDiagnosis as ClaimDiagnosis
    from codekit._edits.institutional import ClaimProcedure as ClaimProcedure
    from codekit._edits.institutional import InstitutionalClaim as InstitutionalClaim
    from codekit._edits.mce.engine import check_institutional as check_institutional
    from codekit._edits.mce.engine import (
        check_institutional_claims as check_institutional_claims,
    )
    from codekit._edits.ncci.batch import check_claims as check_claims
    from codekit._edits.ncci.engine import addon_primaries as addon_primaries
    from codekit._edits.ncci.engine import check_claim as check_claim
    from codekit._edits.ncci.engine import mue as mue
    from codekit._edits.ncci.engine import ptp_edits as ptp_edits
    from codekit._edits.ncci.model import Claim as Claim
    from codekit._edits.ncci.model import ClaimLine as ClaimLine
    from codekit._edits.ncci.model import EditReport as EditReport
    from codekit._edits.ncci.model import Finding as Finding
    from codekit._grouping.api import group as group
    from codekit._grouping.batch import group_frame as group_frame
    from codekit._grouping.model import Grouping as Grouping
    from codekit._lookup import code_sets as code_sets
    from codekit._lookup import data_releases as data_releases
    from codekit._lookup import describe as describe
    from codekit._lookup import describe_many as describe_many
    from codekit._lookup import get as get
    from codekit._lookup import get_many as get_many
    from codekit._lookup import is_valid as is_valid
    from codekit._lookup import lookup as lookup
    from codekit._lookup import normalize as normalize
    from codekit._lookup import preload as preload
    from codekit._pages.model import CodePage as CodePage
    from codekit._pages.page import page as page
    from codekit._quota.client import Client as Client
    from codekit._quota.model import Principal as Principal
    from codekit._registry import refresh as refresh
    from codekit._risk.score import risk_score as risk_score
    from codekit._risk.values import RiskScore as RiskScore
    from codekit._search import SearchHit as SearchHit
    from codekit._search import SearchResults as SearchResults
    from codekit._search import Suggestion as Suggestion
    from codekit._search import Suggestions as Suggestions
    from codekit._search import search as search
    from codekit._search import suggest as suggest
    from codekit.models import Code as Code
    from codekit.models import CodeSet as CodeSet
    from codekit.models import DataRelease as DataRelease

_LAZY: dict[str, str] = {
    "Answer": "codekit._assistant",
    "Conversation": "codekit._assistant",
    "ask": "codekit._assistant",
    "Claim": "codekit._edits.ncci.model",
    "ClaimLine": "codekit._edits.ncci.model",
    "ClaimDiagnosis": "codekit._edits.institutional",
    "ClaimProcedure": "codekit._edits.institutional",
    "InstitutionalClaim": "codekit._edits.institutional",
    "check_institutional": "codekit._edits.mce.engine",
    "check_institutional_claims": "codekit._edits.mce.engine",
    "EditReport": "codekit._edits.ncci.model",
    "Finding": "codekit._edits.ncci.model",
    "addon_primaries": "codekit._edits.ncci.engine",
    "check_claim": "codekit._edits.ncci.engine",
    "check_claims": "codekit._edits.ncci.batch",
    "mue": "codekit._edits.ncci.engine",
    "ptp_edits": "codekit._edits.ncci.engine",
    "Grouping": "codekit._grouping.model",
    "group": "codekit._grouping.api",
    "group_frame": "codekit._grouping.batch",
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
    "RiskScore": "codekit._risk.values",
    "risk_score": "codekit._risk.score",
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


#: Every public name: what ``_LAZY`` resolves, and the version.
__all__ = sorted([*_LAZY, "__version__"])  # noqa: PLE0605 - derived, so _LAZY is the one list


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
