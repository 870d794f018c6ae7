"""Page sections: how a capability puts its part on a code page.

A :class:`PageSection` names its part, builds it for one code (from a :class:`PageContext`)
and may render it its own way in HTML and text; by default the part's rows are shown as a
table. Capabilities register their sections through the registrar, exactly as a plugin
does (``registrar.add_page_section(PageSection(...))``), so a new capability
adds a part to every page without editing the page code. :func:`page_sections` is the one
place the page reads them from the registry.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import attrs

from codekit._pages.model import PagePart, part_html, part_text
from codekit._tables.sections import PAGE_SECTIONS

if TYPE_CHECKING:
    from codekit._codesets.spec import CodeSetSpec
    from codekit._registry import Registry

__all__ = [
    "PageContext",
    "PageSection",
    "capability",
    "items",
    "page_sections",
    "plain_row",
    "span",
]


@attrs.frozen(kw_only=True)
class PageContext:
    """What a section builds its part from: the code, its code set and the date of service.

    ``registry`` is the registry the page is built from (releases, specs, what plugins
    registered); ``day`` is ``None`` when the page is for today's data.
    """

    code: str
    spec: CodeSetSpec
    day: dt.date | None
    registry: Registry = attrs.field(eq=False, repr=False)

    @property
    def code_set(self) -> str:
        """The code set's name."""
        return self.spec.name


def _check_name(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.isidentifier() or value.startswith("_"):
        raise TypeError(f"a page section's {attribute.name} is a Python identifier: {value!r}")


@attrs.frozen(kw_only=True)
class PageSection:
    """One part of every code page, supplied by a capability or a plugin.

    ``name`` keys the part (``page.part(name)``, ``to_dict()["parts"][name]``), ``title``
    heads it, and ``order`` places it among the others (the built-ins use 10 to 50; the
    default puts a plugin's after them). ``build`` receives a :class:`PageContext` and
    returns the :class:`~codekit._pages.model.PagePart`, or ``None`` to leave the page
    without it (a section for one code set only). ``html`` and ``text`` render a part;
    by default its rows are a table, and its message stands in when it has none.
    """

    name: str = attrs.field(validator=_check_name)
    title: str
    build: Callable[[PageContext], PagePart | None] = attrs.field(eq=False)
    order: int = 100
    html: Callable[[PagePart], str] = attrs.field(default=part_html, eq=False)
    text: Callable[[PagePart], list[str]] = attrs.field(default=part_text, eq=False)

    def part(self, **fields: Any) -> PagePart:
        """A part of this section (``available``, ``rows``, ``message``) rendered by it."""
        return PagePart(name=self.name, title=self.title, section=self, **fields)


def page_sections(registry: Registry) -> list[tuple[str, PageSection]]:
    """Every registered page section with the plugin that registered it, in page order.

    Of two sections of one name the one registered with precedence wins (a third-party
    plugin's over a built-in's).
    """
    chosen: dict[str, tuple[int, str, PageSection]] = {}
    for index, (plugin, section) in enumerate(registry.section(PAGE_SECTIONS).entries()):
        if isinstance(section, PageSection) and section.name not in chosen:
            chosen[section.name] = (index, plugin, section)
    ranked = sorted(chosen.values(), key=lambda entry: (entry[2].order, entry[0]))
    return [(plugin, section) for _, plugin, section in ranked]


def span(registry: Registry, code_set: str) -> str:
    """The installed releases of a code set, oldest to newest (``FY2016 to FY2026``)."""
    releases = registry.releases(code_set)
    return f"{releases[0].info.release} to {releases[-1].info.release}"


def capability(module: str, names: Iterable[str]) -> list[Callable[..., Any]] | None:
    """The functions ``names`` of a capability's module, or ``None`` if it is absent."""
    try:
        loaded = importlib.import_module(module)
        return [getattr(loaded, name) for name in names]
    except (ImportError, AttributeError):
        return None


def items(result: Any) -> list[Any]:
    """A capability's answer as a list of items (one value, a list, or nothing)."""
    if result is None:
        return []
    if isinstance(result, str) or attrs.has(type(result)) or isinstance(result, dict):
        return [result]
    try:
        return list(result)
    except TypeError:
        return [result]


def plain_row(item: Any) -> dict[str, Any]:
    """One item as a row of plain values (attrs values nested in it become text)."""
    return {
        key: (str(value) if attrs.has(type(value)) else value) for key, value in _row(item).items()
    }


def _row(item: Any) -> dict[str, Any]:
    if attrs.has(type(item)):
        return attrs.asdict(item, recurse=False)
    if isinstance(item, dict):
        return dict(item)
    to_dict = getattr(item, "to_dict", None)
    if callable(to_dict):
        return dict(to_dict())
    return {"value": item}
