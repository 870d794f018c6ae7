"""One release of one crosswalk held in memory: rows grouped by compact source code.

Built on first use from a packaged dataset or an installed pack (:func:`load_part`) or from
a plugin's rows (:meth:`CrosswalkTable.from_rows`); read by the API, the pandas function
and the HCC hierarchy logic.
"""

from __future__ import annotations

import json
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from codekit._crosswalk._store import read_groups, read_pairs
from codekit._normalize import compact_key

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

    from codekit._store.sqlite import Dataset

__all__ = ["CrosswalkTable", "Row", "load_part"]

#: One target of a source: compact target code (``None`` for "no map"), the five GEM flag
#: digits as a number (``10113``), attributes (or ``None``).
Row = tuple["str | None", int, "Mapping[str, Any] | None"]


def _compact(code: str) -> str:
    return compact_key(code)


def _statement_order(parent: str) -> tuple[int, str]:
    return (int(parent), parent) if parent.isdigit() else (1 << 62, parent)


class CrosswalkTable:
    """Rows by compact source code (each source's rows in file order), plus labels and
    hierarchies (parent → children it drops) where the crosswalk has them.

    ``hierarchy`` is ordered as CMS's hierarchy programs run their statements: ascending
    parent HCC number (the build refuses a program in any other order).
    """

    def __init__(
        self,
        rows: dict[str, tuple[Row, ...]],
        *,
        labels: Mapping[str, str] | None = None,
        hierarchy: Mapping[str, frozenset[str]] | None = None,
    ) -> None:
        self._rows = rows
        self.labels: Mapping[str, str] = MappingProxyType(dict(labels or {}))
        ordered = sorted((hierarchy or {}).items(), key=lambda rule: _statement_order(rule[0]))
        self.hierarchy: Mapping[str, frozenset[str]] = MappingProxyType(dict(ordered))

    @classmethod
    def from_rows(cls, rows: Iterable[Sequence[Any]]) -> CrosswalkTable:
        """A table from ``(source, target)`` or ``(source, target, flags)`` rows.

        ``flags`` is CMS's five GEM digits (``"10000"`` or ``10000``); codes may be written
        with or without their dot; a ``None`` target is a "no map" row.
        """
        grouped: dict[str, list[Row]] = {}
        for number, row in enumerate(rows):
            if isinstance(row, str) or len(row) not in (2, 3):
                raise TypeError(
                    f"crosswalk row {number} must be (source, target) or "
                    f"(source, target, flags), not {row!r}"
                )
            source, target = row[0], row[1]
            flags = int(row[2]) if len(row) == 3 else 0
            if not isinstance(source, str) or not (target is None or isinstance(target, str)):
                raise TypeError(f"crosswalk row {number}: codes must be strings, not {row!r}")
            grouped.setdefault(_compact(source), []).append(
                (None if target is None else _compact(target), flags, None)
            )
        return cls({key: tuple(value) for key, value in grouped.items()})

    def apply_hierarchy(self, present: Iterable[str]) -> set[str]:
        """What is left of ``present`` once the hierarchy has run, as CMS's programs run it.

        Each statement ("if HCC *p* is still set, clear its children") runs in order on what
        the earlier ones left: a parent that a higher one already cleared clears nothing
        (V28: 62 clears 63, so 63 does not clear 202).
        """
        kept = set(present)
        for parent, children in self.hierarchy.items():
            if parent in kept:
                kept -= children
        return kept

    def get(self, source: str) -> tuple[Row, ...]:
        """The rows of one compact source code (empty if it has none)."""
        return self._rows.get(source, ())

    def sources(self) -> Iterator[str]:
        """Every source code, in file order."""
        return iter(self._rows)

    def __len__(self) -> int:
        return sum(len(rows) for rows in self._rows.values())

    def __iter__(self) -> Iterator[tuple[str, str | None, int]]:
        """Every ``(source, target, flags)`` row (compact codes), sources in file order."""
        for source, rows in self._rows.items():
            for target, flags, _ in rows:
                yield source, target, flags


def load_part(dataset: Dataset, part: int, bit: int) -> CrosswalkTable:
    """Read one release (bit) of one part of a crosswalk dataset."""
    mask = 1 << bit
    groups: dict[int, tuple[Row, ...]] = {}
    for (blob,) in dataset.query("SELECT data FROM groups WHERE part = ?", (part,)):
        for number, codes in read_groups(blob).items():
            groups[number] = tuple((code, 0, None) for code in codes)
    attrs_cache: dict[str, Mapping[str, Any]] = {}
    grouped: dict[str, list[Row] | tuple[Row, ...]] = {}
    for (blob,) in dataset.query("SELECT data FROM pairs WHERE part = ?", (part,)):
        for source, target, flags, present, attrs in read_pairs(blob):
            if not present & mask:
                continue
            extra = None
            if attrs is not None:
                extra = attrs_cache.get(attrs)
                if extra is None:
                    extra = attrs_cache[attrs] = MappingProxyType(json.loads(attrs))
                group = extra.get("group")
                if group is not None and target is None:
                    grouped[source] = groups.get(group, ())
                    continue
            bucket = grouped.setdefault(source, [])
            if isinstance(bucket, list):
                bucket.append((target, flags, extra))
    labels = dict(dataset.query("SELECT code, label FROM labels WHERE part = ?", (part,)))
    children: dict[str, set[str]] = {}
    for parent, child in dataset.query(
        "SELECT parent, child FROM hierarchy WHERE part = ? AND present & ?", (part, mask)
    ):
        children.setdefault(parent, set()).add(child)
    return CrosswalkTable(
        {key: tuple(value) for key, value in grouped.items()},
        labels=labels,
        hierarchy={key: frozenset(value) for key, value in children.items()},
    )
