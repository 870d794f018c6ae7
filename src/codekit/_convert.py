"""The one cattrs converter codekit uses at its edges (manifests, JSON output)."""

from __future__ import annotations

import datetime as dt

import cattrs

__all__ = ["converter"]

converter = cattrs.Converter(omit_if_default=False)
converter.register_unstructure_hook(dt.date, lambda value: value.isoformat())
converter.register_structure_hook(dt.date, lambda value, _: dt.date.fromisoformat(value))
