"""DataFrames and Arrow: the ``.codekit`` accessor on pandas and Polars, and Arrow functions.

``import codekit.frames`` registers ``series.codekit`` / ``frame.codekit`` on pandas (and on
Polars when it is installed); ``import codekit`` alone registers nothing. The Arrow
functions (:func:`describe`, :func:`is_valid`, :func:`crosswalk`, :func:`hcc`,
:func:`check_claims`) take and give ``pyarrow`` values, for Polars, DuckDB and Arrow users
who have no pandas in the loop. :func:`export_table` and :func:`export_parquet` give an
installed table's rows (code sets, NCCI PTP/MUE/AOC, crosswalks) with the schemas of
:data:`EXPORT_SCHEMAS`, for warehouses to join against. See ``docs/dataframes.md``.
"""

from __future__ import annotations

import importlib.util

from codekit._frames.arrow import check_claims, crosswalk, describe, hcc, is_valid, mapping_type
from codekit._frames.export import SCHEMAS as EXPORT_SCHEMAS
from codekit._frames.export import export_parquet, export_table
from codekit._frames.findings import FINDING_TYPES, arrow_schema

__all__ = [
    "EXPORT_SCHEMAS",
    "FINDING_TYPES",
    "arrow_schema",
    "check_claims",
    "crosswalk",
    "describe",
    "export_parquet",
    "export_table",
    "hcc",
    "is_valid",
    "mapping_type",
]

if importlib.util.find_spec("pandas") is not None:
    from codekit._frames import accessor

    accessor.register()
if importlib.util.find_spec("polars") is not None:
    from codekit._frames import polars as _polars

    _polars.register()
