"""HCC risk scores: what applications use to score members under CMS's risk-adjustment models.

:func:`risk_score` scores one member with the full breakdown of coefficients;
:func:`risk_scores` scores a DataFrame of members, one row per member. The coefficient
tables are a table kind of their own, ``risk_coefficients`` (one release per model and
payment year), so a plugin can register a newer year with ``registrar.add_table``.
"""

from __future__ import annotations

from codekit._risk.batch import risk_scores
from codekit._risk.definitions import MODELS
from codekit._risk.demographics import SEGMENTS
from codekit._risk.score import risk_score
from codekit._risk.tables import KIND, Edit, ModelTable
from codekit._risk.values import Factor, RiskScore

__all__ = [
    "KIND",
    "MODELS",
    "SEGMENTS",
    "Edit",
    "Factor",
    "ModelTable",
    "RiskScore",
    "risk_score",
    "risk_scores",
]
