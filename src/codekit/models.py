"""The values codekit hands out: codes, code sets and data releases.

Every value is a frozen, slotted ``attrs`` class: hashable, comparable, safe to share
between threads, and cheap to build.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, Protocol

import attrs

from codekit._frozen import frozen_mapping

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = [
    "Code",
    "CodeKind",
    "CodeSet",
    "DataRelease",
    "Origin",
]

#: What an item of a classification is. ICD-10-CM has all four; flat code sets use ``"code"``.
CodeKind = Literal["chapter", "block", "category", "code"]
#: Where a release's data comes from.
Origin = Literal["packaged", "pack", "plugin"]

_EMPTY: Mapping[str, Any] = MappingProxyType({})


class LazyNotes(Mapping[str, tuple[str, ...]]):
    """Notes read from the data only when first looked at (most lookups never do)."""

    __slots__ = ("_data", "_load")

    def __init__(self, load: Callable[[], Mapping[str, tuple[str, ...]]]) -> None:
        self._load: Callable[[], Mapping[str, tuple[str, ...]]] | None = load
        self._data: Mapping[str, tuple[str, ...]] = _EMPTY

    def _get(self) -> Mapping[str, tuple[str, ...]]:
        load = self._load
        if load is not None:
            self._data = MappingProxyType(dict(load()))
            self._load = None
        return self._data

    def __getitem__(self, key: str) -> tuple[str, ...]:
        return self._get()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def __repr__(self) -> str:
        return repr(dict(self._get()))


def _attributes(value: Any) -> Mapping[str, Any]:
    return frozen_mapping(value, "Code", "attributes", "{'pricing': '11'}")


def _frozen_notes(value: Mapping[str, tuple[str, ...]] | None) -> Mapping[str, Any]:
    if type(value) is LazyNotes:  # not isinstance: an ABC check costs more than the lookup
        return value
    return frozen_mapping(value, "Code", "notes", "{'excludes1': ('A00',)}")


def _release_facets(value: Any) -> Mapping[str, str]:
    return frozen_mapping(value, "DataRelease", "attributes", "{'setting': 'practitioner'}")


@attrs.frozen(kw_only=True)
class DataRelease:
    """One release of one versioned table, with the period in which it is in force.

    Every selectable dataset is described by one: a code set's release (``kind`` is
    ``"code_set"``), a crosswalk's (``"crosswalk"``), an NCCI table's (``"ncci_ptp"``,
    ``"ncci_mue"``, ``"ncci_aoc"``) or a plugin's own kind. ``code_set`` is the table's
    name within its kind (also readable as :attr:`name`); ``attributes`` holds the facets a
    selection may ask for (NCCI ``setting`` and ``program``). ``effective`` and ``until``
    are dates of service, both inclusive; ``until`` is ``None`` while the release is in
    force until a newer one supersedes it.
    """

    code_set: str
    release: str
    effective: dt.date
    until: dt.date | None = None
    origin: Origin = "packaged"
    source: str = ""
    source_file: str = ""
    sha256: str = ""
    licence: str = ""
    rows: int = 0
    #: What kind of table this is a release of (``"code_set"``, ``"crosswalk"``, ...).
    kind: str = "code_set"
    #: Facets a selection may ask for (``{"setting": "practitioner"}``); not hashed.
    attributes: Mapping[str, str] = attrs.field(factory=dict, converter=_release_facets, hash=False)

    @property
    def name(self) -> str:
        """The table's name within its kind (a code set's name: :attr:`code_set`)."""
        return self.code_set

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], **overrides: Any) -> DataRelease:
        """A release from a manifest entry (dates as ISO strings); unknown keys are ignored."""
        values = {**data, **overrides}
        fields = {f.name for f in attrs.fields(cls)}
        kwargs = {k: v for k, v in values.items() if k in fields}
        for key in ("effective", "until"):
            if isinstance(kwargs.get(key), str):
                kwargs[key] = dt.date.fromisoformat(kwargs[key])
        return cls(**kwargs)

    def covers(self, day: dt.date) -> bool:
        """Whether a date of service falls in this release's effective period."""
        return self.effective <= day and (self.until is None or day <= self.until)


@attrs.frozen(kw_only=True)
class CodeSet:
    """A registered code set: its name, title, what its codes look like, and its releases."""

    name: str
    title: str
    plugin: str
    releases: tuple[DataRelease, ...] = ()
    description: str = ""


class _CodeGraph(Protocol):
    """What a :class:`Code` needs to walk its hierarchy (implemented by the data layer)."""

    def children_of(self, code: Code) -> tuple[Code, ...]: ...

    def parent_of(self, code: Code) -> Code | None: ...


@attrs.frozen(kw_only=True, eq=False)
class Code:
    """One item of a code set in one release.

    ``code`` is the canonical spelling (ICD-10-CM with its dot, HCPCS upper case).
    ``kind`` tells chapters, blocks and categories from codes; ``billable`` is ``True``
    only for codes that may be reported. ``notes`` maps a note kind (``"excludes1"``,
    ``"inclusion_term"``, ...) to its texts; ``attributes`` holds code-set specific fields
    (HCPCS pricing indicators, dates, ...). Two codes are equal when code set, kind,
    code and release are equal.

    ``title_release`` is the release whose own source gave the description: the code's
    ``release`` when that release has its own title, an earlier one when the title is
    carried over (an FY2027 code unchanged since April 2026 says ``"FY2026-04"``), and
    ``None`` when no title is packaged at all (then ``description`` is ``""``; install the
    release's CMS order file or CDC tabular XML as a pack to get one).
    """

    code: str
    code_set: str
    description: str
    short_description: str | None = attrs.field(default=None, repr=False)
    billable: bool = False
    kind: CodeKind = "code"
    release: str = ""
    parent: str | None = attrs.field(default=None, repr=False)
    notes: Mapping[str, tuple[str, ...]] = attrs.field(
        default=_EMPTY, converter=_frozen_notes, repr=False
    )
    attributes: Mapping[str, Any] = attrs.field(default=_EMPTY, converter=_attributes, repr=False)
    title_release: str | None = attrs.field(default=None, repr=False)
    _parent_kind: CodeKind | None = attrs.field(default=None, repr=False, alias="parent_kind")
    _graph: _CodeGraph | None = attrs.field(default=None, repr=False, alias="graph")

    def _key(self) -> tuple[str, str, str, str]:
        return (self.code_set, self.kind, self.code, self.release)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Code):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __str__(self) -> str:
        return f"{self.code} {self.description}"

    def children(self) -> tuple[Code, ...]:
        """The items directly below this one, in tabular order."""
        return self._graph.children_of(self) if self._graph is not None else ()

    def parent_code(self) -> Code | None:
        """The item directly above this one, or ``None`` at the top."""
        return self._graph.parent_of(self) if self._graph is not None else None

    def ancestors(self) -> tuple[Code, ...]:
        """Every item above this one, nearest first (ending with the chapter for ICD-10-CM)."""
        return tuple(self._walk_up())

    def _walk_up(self) -> Iterator[Code]:
        node = self.parent_code()
        while node is not None:
            yield node
            node = node.parent_code()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary of this code (notes as lists, attributes as given)."""
        return {
            "code": self.code,
            "code_set": self.code_set,
            "kind": self.kind,
            "description": self.description,
            "short_description": self.short_description,
            "billable": self.billable,
            "release": self.release,
            "title_release": self.title_release,
            "parent": self.parent,
            "notes": {kind: list(texts) for kind, texts in self.notes.items()},
            "attributes": dict(self.attributes),
        }

    def _repr_html_(self) -> str:
        import html

        esc = html.escape
        rows = [
            f"<tr><th>code set</th><td>{esc(self.code_set)} {esc(self.release)}</td></tr>",
            f"<tr><th>kind</th><td>{esc(self.kind)}"
            f"{' (billable)' if self.billable else ''}</td></tr>",
        ]
        if self.short_description:
            rows.append(f"<tr><th>short</th><td>{esc(self.short_description)}</td></tr>")
        if self.parent:
            rows.append(f"<tr><th>parent</th><td>{esc(self.parent)}</td></tr>")
        for kind, texts in self.notes.items():
            items = "".join(f"<li>{esc(text)}</li>" for text in texts)
            rows.append(f"<tr><th>{esc(kind.replace('_', ' '))}</th><td><ul>{items}</ul></td></tr>")
        for name, value in self.attributes.items():
            rows.append(
                f"<tr><th>{esc(name.replace('_', ' '))}</th><td>{esc(str(value))}</td></tr>"
            )
        return (
            f"<div class='codekit-code'><h4><code>{esc(self.code)}</code> "
            f"{esc(self.description)}</h4><table>{''.join(rows)}</table></div>"
        )
