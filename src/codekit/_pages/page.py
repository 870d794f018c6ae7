"""``codekit.page()``: gathers one code's page from every installed capability.

What the code's own release says (descriptions, hierarchy, notes, info) is read here; every
other part comes from a registered page section (:mod:`codekit._pages.section`: history,
crosswalks and NCCI are built-in sections, and a plugin may add more). When a capability or
its data is not installed its part is still present and says how to install it. Nothing
here knows a code set's data format.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs

from codekit import _registry
from codekit._dates import to_date
from codekit._identify import candidate_names, choose, code_set_name
from codekit._normalize import parse_for
from codekit._pages.model import CodePage, Description, HierarchyEntry, PagePart
from codekit._pages.section import PageContext, PageSection, page_sections, span
from codekit._plugin.loading import blamed
from codekit._tables.sections import DESCRIPTIONS, PAGE_INFO
from codekit.exceptions import CodekitError, PluginError, UnknownCodeError, UnknownReleaseError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from codekit._codesets.spec import CodeSetSpec
    from codekit._registry import Registry, Release
    from codekit.models import Code
    from codekit.plugins import CodeRecord, DescriptionProvider

__all__ = ["build_page", "page", "resolve_code"]


DateArg = dt.date | str | None


def resolve_code(
    code: str,
    *,
    code_set: str | None = None,
    code_sets: str | Iterable[str] | None = None,
    kind: str | None = None,
    as_of: DateArg = None,
) -> tuple[str, str]:
    """The code set and canonical spelling of ``code`` (raises on input that is no code).

    Without ``code_set`` the code set is the candidate in which the code exists on ``as_of``
    (see :func:`codekit.lookup`).
    """
    registry = _registry.current()
    if code_set is not None:
        return code_set, parse_for(code, registry.spec(code_set_name(code_set)))
    day = to_date(as_of, "as_of") if as_of is not None else None
    spec, canonical = choose(code, candidate_names(code_sets, kind), day=day)
    return spec.name, canonical


def page(
    code: str,
    *,
    code_set: str | None = None,
    code_sets: str | Iterable[str] | None = None,
    kind: str | None = None,
    as_of: DateArg = None,
) -> CodePage:
    """Everything known about one code, on one page.

    :param code: any spelling (``" 0628t "``, ``"e119"``).
    :param code_set: the code set; without it, identified as :func:`codekit.lookup` does
        (among ``code_sets`` or the code sets of ``kind`` when given).
    :param as_of: date of service: chooses the release and the NCCI tables in force.
    :raises InvalidCodeError: the input is not shaped like a code.
    :raises AmbiguousCodeError: without ``code_set``, the code exists in several code sets.
    :raises UnknownCodeError: the code is in no installed release of its code set (with
        suggestions).

    A code deleted before the release in force still gets a page (``found`` is false; the
    history says when it went), and so do CPT numbers, whose code lists are licensed: they
    show their category and section even without licensed descriptors.
    """
    name, canonical = resolve_code(
        code, code_set=code_set, code_sets=code_sets, kind=kind, as_of=as_of
    )
    return build_page(canonical, code_set=name, as_of=as_of)


def build_page(canonical: str, *, code_set: str, as_of: DateArg = None) -> CodePage:
    """The page of an already canonical code (what :func:`page` and ``Client.page`` use)."""
    registry = _registry.current()
    spec = registry.spec(code_set)
    day = to_date(as_of, "as_of") if as_of is not None else None
    missing: list[str] = []

    release: Release | None = None
    record: CodeRecord | None = None
    try:
        release = registry.select(code_set, as_of=day)
    except UnknownReleaseError as exc:
        if not spec.licensed:  # a licensed code list is no missing install
            missing.append(str(exc))
    if release is not None:
        found = release.source().find(canonical)
        record = found[0] if found else None

    descriptions: list[Description] = []
    if record is not None and release is not None and record.description:
        # A plugin's release (a licensee's CPT file) is labelled by its source; a packaged
        # numbers-only release (CPT numbers, modifiers) has no text to show.
        label = release.info.source if release.info.origin == "plugin" else ""
        label = label or f"{spec.title} {release.info.release}"
        descriptions.append(Description(record.description, "official", label))
        if record.short_description:
            descriptions.append(Description(record.short_description, "short", label))
    plugin_texts = _plugin_descriptions(registry, code_set, canonical)
    shown = {(d.text, d.source) for d in descriptions}
    descriptions += [d for d in plugin_texts if (d.text, d.source) not in shown]
    if not descriptions and spec.descriptor_hint:
        missing.append(spec.descriptor_hint)

    hierarchy: tuple[HierarchyEntry, ...] = ()
    children: tuple[HierarchyEntry, ...] = ()
    if record is not None and release is not None:
        hierarchy, children = _tree(record, release)

    info: dict[str, Any] = {}
    # lowest precedence first, so a plugin's value overrides a built-in's
    for _, (info_set, provider) in reversed(registry.section(PAGE_INFO).entries()):
        if info_set == code_set:
            info.update(provider(canonical))
    if record is not None:
        info.update(record.attributes)
        if record.start:
            info.setdefault("start", record.start)
        if record.end:
            info.setdefault("end", record.end)

    if record is None and release is not None and not _in_any_release(registry, spec, canonical):
        # in no installed release at all: a typo, not a page (and nothing to charge for)
        raise UnknownCodeError(
            canonical,
            code_set=code_set,
            release=release.info.release,
            suggestions=release.source().near(canonical, 5),
            hint=f"nor in any other release installed, {span(registry, code_set)}",
        )
    context = PageContext(code=canonical, spec=spec, day=day, registry=registry)
    parts, declined = _parts(context)
    missing += [part.message for part in parts if not part.available]
    missing = list(dict.fromkeys(missing))
    return CodePage(
        code=canonical,
        code_set=code_set,
        code_set_title=spec.title,
        release=release.info.release if release is not None else None,
        as_of=day,
        found=record is not None,
        description=(record.description or None) if record is not None else None,
        kind=record.kind if record is not None else None,
        billable=record.billable if record is not None else None,
        descriptions=tuple(descriptions),
        hierarchy=hierarchy,
        children=children,
        notes=dict(record.notes) if record is not None else {},
        info=info,
        parts=parts,
        inapplicable=_inapplicable(declined, spec.title, parts),
        missing=tuple(missing),
    )


def _plugin_descriptions(registry: Registry, code_set: str, code: str) -> list[Description]:
    found: list[Description] = []
    for plugin, provider in registry.section(DESCRIPTIONS).entries():
        entry: DescriptionProvider = provider
        if entry.code_set != code_set:
            continue
        try:
            texts = entry.texts(code)
        except CodekitError:
            raise
        except Exception as exc:
            from codekit.exceptions import PluginError

            raise PluginError(plugin, f"failed to describe {code}: {exc}") from exc
        found += [Description(text, entry.kind, entry.source) for text in texts]
    return found


def _tree(
    record: CodeRecord, release: Release
) -> tuple[tuple[HierarchyEntry, ...], tuple[HierarchyEntry, ...]]:
    from codekit._codes import graph_of as _graph
    from codekit._codes import to_code as _to_code

    code = _to_code(record, release, _graph(release))

    def entry(item: Code) -> HierarchyEntry:
        return HierarchyEntry(item.code, item.kind, item.description)

    above = tuple(entry(c) for c in reversed(code.ancestors()))
    below = tuple(entry(c) for c in code.children())
    return above, below


def _in_any_release(registry: Registry, spec: CodeSetSpec, code: str) -> bool:
    return any(release.source().find(code) for release in registry.releases(spec.name))


def _inapplicable(
    declined: list[PageSection], title: str, parts: tuple[PagePart, ...]
) -> tuple[PagePart, ...]:
    """An unavailable part for each section that left this page out, saying why."""
    there = ", ".join(part.name for part in parts) or "none"
    return tuple(
        section.part(
            available=False,
            message=(
                f"page section {section.name!r} does not apply to {title} codes; ask for it "
                f"on the page of a code it covers, or for one of this page's parts: {there}"
            ),
        )
        for section in declined
    )


def _parts(context: PageContext) -> tuple[tuple[PagePart, ...], list[PageSection]]:
    """The part of every registered page section, in page order, and the sections that
    left the page out (their ``build`` returned ``None``: they do not apply to it).

    A built-in section's failure is a bug and propagates; a third-party plugin's (anything
    but a :class:`~codekit.exceptions.CodekitError`, or an answer that is no part) is a
    :class:`~codekit.exceptions.PluginError` naming the plugin.
    """
    parts: list[PagePart] = []
    declined: list[PageSection] = []
    for plugin, section in page_sections(context.registry):
        foreign = None if plugin.startswith("codekit.") else plugin
        with blamed(foreign, f"its page section {section.name!r} failed"):
            part: object = section.build(context)
        if part is None:
            declined.append(section)
            continue
        if not isinstance(part, PagePart):
            raise PluginError(
                plugin,
                f"its page section {section.name!r} returned {type(part).__name__}, "
                "not a PagePart (build it with section.part(...))",
            )
        if part.section is None:
            part = attrs.evolve(part, section=section)
        parts.append(part)
    return tuple(parts), declined
