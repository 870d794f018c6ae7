"""The Medicare Code Editor: CMS's edits of an inpatient claim, before it is grouped.

Check a claim with :func:`check_institutional` (also ``codekit.check_institutional``), many
with :func:`check_institutional_claims` (values, mappings or a DataFrame of one row per
claim); :func:`mce_versions` lists the MCE versions codekit carries (v40, FY2023, to v44),
each chosen by discharge date. :data:`RULES` names every edit a finding's ``rule`` can be.

>>> from codekit import mce
>>> [v.version for v in mce.mce_versions()][:3]
['v40', 'v40.1', 'v41']
"""

from __future__ import annotations

from codekit._edits.finding import EditReport, Finding, Provenance
from codekit._edits.institutional import ClaimDiagnosis, ClaimProcedure, InstitutionalClaim
from codekit._edits.mce.engine import (
    RULES,
    check_institutional,
    check_institutional_claims,
    mce_versions,
)
from codekit._edits.mce.table import MceVersion

__all__ = [
    "RULES",
    "ClaimDiagnosis",
    "ClaimProcedure",
    "EditReport",
    "Finding",
    "InstitutionalClaim",
    "MceVersion",
    "Provenance",
    "check_institutional",
    "check_institutional_claims",
    "mce_versions",
]
