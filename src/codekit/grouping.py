"""MS-DRG grouping: the public face of codekit's grouper (``pip install 'codekit[drg]'``).

Group one inpatient claim with :func:`group`, a DataFrame of claims with
:func:`group_frame`. The grouper version is chosen by the discharge date from the
``drg_grouper`` table (:data:`KIND`, table :data:`NAME`), whose built-in releases are
:data:`VERSIONS` (v40 to v44, each fiscal year's April update included) run by the msdrg
engine. A plugin replaces the engine for the versions it registers: its source returns a
:class:`Grouper`.

>>> from codekit.grouping import VERSIONS
>>> [(v.version, v.effective.isoformat()) for v in VERSIONS[-3:]]
[('43', '2025-10-01'), ('43.1', '2026-04-01'), ('44', '2026-10-01')]
"""

from __future__ import annotations

from codekit._grouping.api import group
from codekit._grouping.batch import GROUPING_COLUMNS, group_frame
from codekit._grouping.model import Grouping, HacEffect, ProcedureResult, SecondaryResult
from codekit._grouping.versions import KIND, NAME, VERSIONS, Grouper, GrouperVersion, version_id

__all__ = [
    "GROUPING_COLUMNS",
    "KIND",
    "NAME",
    "VERSIONS",
    "Grouper",
    "GrouperVersion",
    "Grouping",
    "HacEffect",
    "ProcedureResult",
    "SecondaryResult",
    "group",
    "group_frame",
    "version_id",
]
