"""codekit on Spark: NCCI checks and line functions over Spark DataFrames (``codekit[spark]``).

:func:`check_claims` runs codekit's batch NCCI engine inside the executors
(``repartition`` by the edit scope, then ``mapInArrow``) and returns the findings as a
Spark DataFrame;
:func:`describe`, :func:`is_valid`, :func:`crosswalk` and :func:`hcc` are column
expressions (pandas UDFs). :func:`ship_data` sends the installed data directory to the
executors once; pass its result as ``data=``. See ``docs/spark.md``.
"""

from __future__ import annotations

from codekit._frames.findings import FINDING_TYPES
from codekit._spark.check import SCOPE, check_claims, default_buckets
from codekit._spark.columns import crosswalk, describe, hcc, is_valid
from codekit._spark.ship import ShippedData, ship_data

__all__ = [
    "FINDING_TYPES",
    "SCOPE",
    "ShippedData",
    "check_claims",
    "crosswalk",
    "default_buckets",
    "describe",
    "hcc",
    "is_valid",
    "ship_data",
]
