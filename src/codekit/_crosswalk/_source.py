"""Checking what a plugin passes to ``Registrar.add_crosswalk`` and making its data source.

Below the registry: imports neither the registry nor the plugin layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codekit._crosswalk._table import CrosswalkTable
from codekit._crosswalk._values import CrosswalkSpec
from codekit.models import DataRelease

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

__all__ = ["crosswalk_source"]


def crosswalk_source(
    spec: CrosswalkSpec,
    release: DataRelease,
    *,
    rows: Iterable[Sequence[Any]] | None,
    source: Callable[[], Any] | None,
) -> Callable[[], CrosswalkTable]:
    """A zero-argument callable giving the release's :class:`CrosswalkTable` (checked)."""
    if not isinstance(spec, CrosswalkSpec):
        raise TypeError(f"add_crosswalk takes a CrosswalkSpec, not {type(spec).__name__}")
    if not isinstance(release, DataRelease):
        raise TypeError(f"add_crosswalk takes a DataRelease, not {type(release).__name__}")
    if (rows is None) == (source is None):
        raise TypeError("add_crosswalk needs exactly one of rows= or source=")
    if rows is not None:
        table = CrosswalkTable.from_rows(rows)
        return lambda: table
    if not callable(source):
        raise TypeError("source must be a callable returning a CrosswalkTable")
    opener = source

    def load() -> CrosswalkTable:
        value = opener()
        if not isinstance(value, CrosswalkTable):
            raise TypeError(
                f"a crosswalk source must return a CrosswalkTable, not {type(value).__name__}"
            )
        return value

    return load
