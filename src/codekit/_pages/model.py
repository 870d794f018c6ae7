"""The values of a code page."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from codekit._frozen import frozen_mapping
from codekit.exceptions import InvalidValueError

if TYPE_CHECKING:
    from codekit._pages.section import PageSection

__all__ = [
    "CodePage",
    "Description",
    "HierarchyEntry",
    "HistoryEntry",
    "PagePart",
    "part_html",
    "part_text",
]

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _notes(value: Any) -> Mapping[str, Any]:
    return frozen_mapping(value, "CodePage", "notes", "{'excludes1': ('A00',)}")


def _info(value: Any) -> Mapping[str, Any]:
    return frozen_mapping(value, "CodePage", "info", "{'pricing': '11'}")


def _rows(value: Any) -> tuple[Mapping[str, Any], ...]:
    return tuple(MappingProxyType(dict(row)) for row in value)


def _parts(value: Any) -> tuple[PagePart, ...]:
    """The page's parts: ``None`` or an iterable of :class:`PagePart` values."""
    found = () if value is None else value
    if isinstance(found, str | bytes | Mapping) or not isinstance(found, Iterable):
        found = (found,)
    parts = tuple(found)
    wrong = [part for part in parts if not isinstance(part, PagePart)]
    if wrong:
        raise InvalidValueError(
            "parts",
            value,
            f"CodePage(parts=...) takes PagePart values, not {type(wrong[0]).__name__}; "
            "pass a section's parts or leave parts out",
        )
    return parts


@attrs.frozen
class Description:
    """One description of the code: its text, what kind it is and where it comes from."""

    text: str
    kind: str
    source: str


@attrs.frozen
class HierarchyEntry:
    """An item above or below the code (chapter, block, category or code)."""

    code: str
    kind: str
    description: str


@attrs.frozen
class HistoryEntry:
    """What happened to the code in one release: ``added``, ``revised`` (description or
    billable status changed; accents and spacing do not count), ``deleted``, or ``present``
    (in the oldest release installed, so no earlier state is known)."""

    release: str
    effective: dt.date
    change: str
    description: str | None
    billable: bool | None = None


@attrs.frozen(kw_only=True)
class PagePart:
    """One section of a code page built from an optional capability (history, crosswalks,
    NCCI tables). When its data is not installed, ``available`` is false and ``message``
    says how to install it; ``rows`` are plain mappings ready for JSON. ``section`` is the
    :class:`~codekit._pages.section.PageSection` that built it, which renders it."""

    name: str
    title: str
    available: bool
    rows: tuple[Mapping[str, Any], ...] = attrs.field(default=(), converter=_rows)
    message: str = ""
    section: PageSection | None = attrs.field(default=None, eq=False, repr=False)

    def html(self) -> str:
        """This part as HTML (its section's rendering; by default a table of its rows)."""
        return part_html(self) if self.section is None else self.section.html(self)

    def text(self) -> list[str]:
        """This part as indented lines of text, as ``codekit page`` prints it."""
        return part_text(self) if self.section is None else self.section.text(self)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary of this part."""
        return {
            "name": self.name,
            "title": self.title,
            "available": self.available,
            "rows": [_jsonable(dict(row)) for row in self.rows],
            "message": self.message,
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


@attrs.frozen(kw_only=True)
class CodePage:
    """Everything known about one code: the unit a coding site shows on one screen.

    ``found`` is false when no installed release has the code (CPT numbers, whose data is
    licensed, are still recognised: ``info`` gives their category and section). Each
    optional part (:class:`PagePart`) is present even when its data is not installed, and
    then says how to install it; ``missing`` gathers those messages (and missing
    descriptors) in one place.
    """

    code: str
    code_set: str
    code_set_title: str
    release: str | None
    as_of: dt.date | None = None
    found: bool
    description: str | None
    kind: str | None = None
    billable: bool | None = None
    descriptions: tuple[Description, ...] = ()
    hierarchy: tuple[HierarchyEntry, ...] = ()
    children: tuple[HierarchyEntry, ...] = ()
    notes: Mapping[str, tuple[str, ...]] = attrs.field(default=_EMPTY, converter=_notes)
    info: Mapping[str, Any] = attrs.field(default=_EMPTY, converter=_info)
    #: The parts of the page, one per registered page section, in page order.
    parts: tuple[PagePart, ...] = attrs.field(default=(), converter=_parts)
    missing: tuple[str, ...] = ()
    #: An unavailable part for each registered section that does not apply to this code
    #: set (the MS-DRG part on a CPT page), saying so; :meth:`part` returns them.
    inapplicable: tuple[PagePart, ...] = attrs.field(default=(), converter=_parts)

    def part(self, name: str) -> PagePart:
        """The part called ``name``, or an unavailable one saying why the page has none.

        Either its section does not apply to this code set, or no section of that name is
        registered."""
        for part in (*self.parts, *self.inapplicable):
            if part.name == name:
                return part
        there = ", ".join(part.name for part in self.parts) or "none"
        return PagePart(
            name=name,
            title=name.replace("_", " ").capitalize(),
            available=False,
            message=(
                f"no page section {name!r} is registered (a typo, or its plugin is blocked or "
                f"not installed); this page's parts: {there}"
            ),
        )

    @property
    def history(self) -> PagePart:
        """The validity history part (``page.part("history")``)."""
        return self.part("history")

    @property
    def crosswalks(self) -> PagePart:
        """The crosswalks part (``page.part("crosswalks")``)."""
        return self.part("crosswalks")

    @property
    def ptp(self) -> PagePart:
        """The NCCI procedure-to-procedure part (``page.part("ptp")``)."""
        return self.part("ptp")

    @property
    def mue(self) -> PagePart:
        """The NCCI medically unlikely edits part (``page.part("mue")``)."""
        return self.part("mue")

    @property
    def addons(self) -> PagePart:
        """The NCCI add-on code part (``page.part("addons")``)."""
        return self.part("addons")

    def __str__(self) -> str:
        return f"{self.code} ({self.code_set_title}) {self.description or ''}".rstrip()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary of the whole page."""
        return {
            "code": self.code,
            "code_set": self.code_set,
            "code_set_title": self.code_set_title,
            "release": self.release,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "found": self.found,
            "description": self.description,
            "kind": self.kind,
            "billable": self.billable,
            "descriptions": [attrs.asdict(d) for d in self.descriptions],
            "hierarchy": [attrs.asdict(h) for h in self.hierarchy],
            "children": [attrs.asdict(h) for h in self.children],
            "notes": {kind: list(texts) for kind, texts in self.notes.items()},
            "info": _jsonable(dict(self.info)),
            "history": [
                {**attrs.asdict(h), "effective": h.effective.isoformat()}
                for h in self.history_entries
            ],
            "parts": {part.name: part.to_dict() for part in self.parts},
            "missing": list(self.missing),
        }

    @property
    def history_entries(self) -> tuple[HistoryEntry, ...]:
        """The history part as typed entries."""
        return tuple(
            HistoryEntry(
                release=row["release"],
                effective=row["effective"],
                change=row["change"],
                description=row["description"],
                billable=row.get("billable"),
            )
            for row in self.history.rows
        )

    def _repr_html_(self) -> str:
        esc = html.escape
        out = [
            '<div class="codekit-page">',
            f"<h3>{esc(self.code)} <small>{esc(self.code_set_title)}"
            f"{' ' + esc(self.release) if self.release else ''}</small></h3>",
        ]
        if self.description:
            out.append(f"<p><b>{esc(self.description)}</b></p>")
        if self.billable is not None:
            billable = "Billable" if self.billable else "Not billable"
            out.append(f"<p>{billable} ({esc(str(self.kind))})</p>")
        if self.descriptions:
            out.append("<h4>Descriptions</h4><table>")
            out += [
                f"<tr><th>{esc(d.kind)}</th><td>{esc(d.text)}</td><td><i>{esc(d.source)}</i></td>"
                "</tr>"
                for d in self.descriptions
            ]
            out.append("</table>")
        part_messages = {part.message for part in self.parts}
        elsewhere = [m for m in self.missing if m not in part_messages]
        if elsewhere:
            out.append("<h4>Not installed</h4><ul>")
            out += [f"<li><i>{esc(m)}</i></li>" for m in elsewhere]
            out.append("</ul>")
        if self.info:
            out.append("<h4>About this code</h4><table>")
            out += [
                f"<tr><th>{esc(str(k))}</th><td>{esc(str(v))}</td></tr>"
                for k, v in self.info.items()
            ]
            out.append("</table>")
        if self.hierarchy:
            out.append("<h4>Hierarchy</h4><ol>")
            out += [
                f"<li>{esc(h.code)} <small>{esc(h.kind)}</small> {esc(h.description)}</li>"
                for h in self.hierarchy
            ]
            out.append("</ol>")
        if self.children:
            out.append("<h4>Codes below</h4><ul>")
            out += [f"<li>{esc(h.code)} {esc(h.description)}</li>" for h in self.children]
            out.append("</ul>")
        for kind, texts in self.notes.items():
            out.append(f"<h4>{esc(kind.replace('_', ' ').capitalize())}</h4><ul>")
            out += [f"<li>{esc(t)}</li>" for t in texts]
            out.append("</ul>")
        out += [part.html() for part in self.parts]
        out.append("</div>")
        return "\n".join(out)


def part_html(part: PagePart) -> str:
    """The default HTML of a part: its title, then its rows as a table (or its message)."""
    esc = html.escape
    out = [f"<h4>{esc(part.title)}</h4>"]
    if not part.available:
        out.append(f"<p><i>{esc(part.message)}</i></p>")
    elif not part.rows:
        out.append(f"<p>{esc(part.message or 'None.')}</p>")
    else:
        columns = list(dict.fromkeys(k for row in part.rows for k in row))
        out.append("<table><tr>" + "".join(f"<th>{esc(c)}</th>" for c in columns) + "</tr>")
        out += [
            "<tr>" + "".join(f"<td>{esc(_cell(row.get(c)))}</td>" for c in columns) + "</tr>"
            for row in part.rows
        ]
        out.append("</table>")
    return "\n".join(out)


def part_text(part: PagePart) -> list[str]:
    """The default text of a part: its title, its message when it has no rows, each row."""
    lines = [f"  {part.title}:"]
    if part.message and (not part.available or not part.rows):
        lines.append(f"    {part.message}")
    lines += [
        "    " + ", ".join(f"{k}={v}" for k, v in row.items() if v not in (None, ""))
        for row in part.rows
    ]
    return lines


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
