"""From a stored record to a :class:`~codekit.models.Code` of its release (and its graph)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from codekit.models import Code

if TYPE_CHECKING:
    from codekit._codesets.records import CodeRecord
    from codekit._registry import Release

__all__ = ["graph_of", "to_code"]


class _Graph:
    """Walks the hierarchy of one release for :meth:`Code.children` and friends."""

    def __init__(self, release: Release) -> None:
        self._release = release

    def _wrap(self, record: CodeRecord) -> Code:
        return to_code(record, self._release, self)

    def children_of(self, code: Code) -> tuple[Code, ...]:
        return tuple(self._wrap(r) for r in self._release.source().children(code.code, code.kind))

    def parent_of(self, code: Code) -> Code | None:
        if code.parent is None:
            return None
        source = self._release.source()
        kind = code._parent_kind
        if kind is not None:
            record = source.item(code.parent, kind)
        else:
            found = source.find(code.parent)
            record = found[0] if found else None
        return self._wrap(record) if record is not None else None


_graphs: dict[int, _Graph] = {}


def graph_of(release: Release) -> _Graph:
    graph = _graphs.get(id(release))
    if graph is None or graph._release is not release:
        graph = _graphs[id(release)] = _Graph(release)
    return graph


def to_code(record: CodeRecord, release: Release, graph: _Graph) -> Code:
    return Code(
        code=record.code,
        code_set=release.info.code_set,
        description=record.description,
        short_description=record.short_description,
        billable=record.billable,
        kind=record.kind,
        release=release.info.release,
        parent=record.parent,
        notes=record.notes,
        attributes=_attributes(record),
        parent_kind=record.parent_kind,
        graph=graph,
        title_release=(record.title_release or release.info.release)
        if record.description
        else None,
    )


def _attributes(record: CodeRecord) -> dict[str, object]:
    attributes = dict(record.attributes)
    if record.start is not None:
        attributes.setdefault("start", record.start)
    if record.end is not None:
        attributes.setdefault("end", record.end)
    return attributes
