"""What a code-set data source hands over: :class:`CodeRecord` values, the
:class:`CodeSource` protocol the data layer implements, and :class:`MemoryCodeSource`.

Public through :mod:`codekit.plugins`; here so the data layer (``_store``) can use them
without importing the plugin interface.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Protocol, runtime_checkable

import attrs

from codekit._codesets.spec import kind_rank
from codekit.models import CodeKind, LazyNotes

__all__ = ["CodeRecord", "CodeSource", "MemoryCodeSource", "SourceFactory"]


def _tuple_notes(value: Mapping[str, Iterable[str]] | None) -> Mapping[str, tuple[str, ...]]:
    if type(value) is LazyNotes:  # not isinstance: an ABC check costs more than the lookup
        return value
    if not value:
        return MappingProxyType({})
    return MappingProxyType({k: tuple(v) for k, v in value.items()})


def _mapping(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(value or {}))


@attrs.frozen(kw_only=True)
class CodeRecord:
    """One item as a data source stores it (the release and code set are added on lookup).

    ``start``/``end`` are optional ISO dates bounding the code's own validity inside the
    release (HCPCS add and termination dates). ``title_release`` names the release whose
    own source gave the description when it is another one (a title carried over from an
    earlier release); ``None`` means the record's own release. A ``description`` of ``""``
    means the source has no title for the item.
    """

    code: str
    description: str
    short_description: str | None = None
    billable: bool = True
    kind: CodeKind = "code"
    parent: str | None = None
    parent_kind: CodeKind | None = None
    notes: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, converter=_tuple_notes)
    attributes: Mapping[str, Any] = attrs.field(factory=dict, converter=_mapping)
    start: str | None = None
    end: str | None = None
    title_release: str | None = None


@runtime_checkable
class CodeSource(Protocol):
    """Read access to one release of one code set (what the data layer implements).

    All ``code`` arguments are canonical spellings. Items of several kinds may share a code
    (an ICD-10-CM block and category both called ``B20``): :meth:`find` returns all of them,
    most specific first.
    """

    def find(self, code: str) -> Sequence[CodeRecord]:
        """Every item spelled ``code``, most specific kind first."""
        ...

    def item(self, code: str, kind: CodeKind) -> CodeRecord | None:
        """The item of that code and kind, if any."""
        ...

    def children(self, code: str, kind: CodeKind) -> Sequence[CodeRecord]:
        """The items directly below one item, in order."""
        ...

    def near(self, code: str, limit: int) -> Sequence[str]:
        """Up to ``limit`` existing codes close to ``code`` (for "did you mean")."""
        ...

    def records(self) -> Iterator[CodeRecord]:
        """Every item of the release, in order."""
        ...


class MemoryCodeSource:
    """A :class:`CodeSource` over records held in memory; what small plugins use."""

    def __init__(self, records: Iterable[CodeRecord]) -> None:
        self._records = tuple(records)
        by_code: dict[str, list[CodeRecord]] = {}
        kids: dict[tuple[str, str], list[CodeRecord]] = {}
        for record in self._records:
            by_code.setdefault(record.code, []).append(record)
            if record.parent is not None:
                parent_kind = record.parent_kind or "code"
                kids.setdefault((record.parent, parent_kind), []).append(record)
        self._by_code = {
            code: tuple(sorted(items, key=lambda r: kind_rank(r.kind)))
            for code, items in by_code.items()
        }
        self._children = {key: tuple(items) for key, items in kids.items()}
        self._sorted = sorted(self._by_code)

    def find(self, code: str) -> Sequence[CodeRecord]:
        return self._by_code.get(code, ())

    def item(self, code: str, kind: CodeKind) -> CodeRecord | None:
        return next((r for r in self._by_code.get(code, ()) if r.kind == kind), None)

    def children(self, code: str, kind: CodeKind) -> Sequence[CodeRecord]:
        return self._children.get((code, kind), ())

    def near(self, code: str, limit: int) -> Sequence[str]:
        for size in range(len(code), 0, -1):
            prefix = code[:size]
            hits = [c for c in self._sorted if c.startswith(prefix)]
            if hits:
                return hits[:limit]
        return ()

    def records(self) -> Iterator[CodeRecord]:
        return iter(self._records)


SourceFactory = Callable[[], CodeSource]
