"""``codekit.page()``: gathers one code's page from every installed capability.

Each optional capability (history, crosswalks, NCCI) is asked through its public function;
when the capability or its data is not installed the part is still present and says how
to install it. Nothing here knows a code set's data format.
"""

from __future__ import annotations

import datetime as dt
import importlib
import unicodedata
from functools import partial
from typing import TYPE_CHECKING, Any

import attrs

from codekit import _registry
from codekit._dates import to_date
from codekit._identify import candidate_names, choose, code_set_name
from codekit._normalize import parse_for
from codekit._pages.model import CodePage, Description, HierarchyEntry, PagePart
from codekit.exceptions import CodekitError, UnknownCodeError, UnknownReleaseError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from codekit._codesets.spec import CodeSetSpec
    from codekit._registry import Registry, Release
    from codekit.models import Code
    from codekit.plugins import CodeRecord, DescriptionProvider

__all__ = ["NCCI_SETTINGS", "build_page", "page", "resolve_code"]

#: The NCCI settings a page shows (see NCCI.md); there is no DME PTP table.
NCCI_SETTINGS: tuple[str, ...] = ("practitioner", "outpatient_hospital", "dme")
_NCCI_HINT = (
    "NCCI {what} are not installed; install the CMS file with "
    "`codekit data install FILE` (see the NCCI guide)"
)

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
    for _, (info_set, provider) in reversed(registry.extensions("page_info")):
        if info_set == code_set:
            info.update(provider(canonical))
    if record is not None:
        info.update(record.attributes)
        if record.start:
            info.setdefault("start", record.start)
        if record.end:
            info.setdefault("end", record.end)

    history = _history(registry, code_set, canonical)
    if release is not None and record is None and history.available and not history.rows:
        # in no installed release at all: a typo, not a page (and nothing to charge for)
        raise UnknownCodeError(
            canonical,
            code_set=code_set,
            release=release.info.release,
            suggestions=release.source().near(canonical, 5),
            hint=f"nor in any other release installed, {_span(registry, code_set)}",
        )
    parts = {
        "history": history,
        "crosswalks": _crosswalks(code_set, canonical, day),
        **_ncci(spec, canonical, day),
    }
    missing += [part.message for part in parts.values() if not part.available]
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
        history=parts["history"],
        crosswalks=parts["crosswalks"],
        ptp=parts["ptp"],
        mue=parts["mue"],
        addons=parts["addons"],
        missing=tuple(missing),
    )


def _plugin_descriptions(registry: Registry, code_set: str, code: str) -> list[Description]:
    found: list[Description] = []
    for plugin, provider in registry.extensions("descriptions"):
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


def _history(registry: Registry, code_set: str, code: str) -> PagePart:
    releases = registry.releases(code_set)
    title = "Validity history"
    if not releases and registry.spec(code_set).licensed:
        return PagePart(
            name="history",
            title=title,
            available=False,
            message=f"{registry.spec(code_set).title} code lists are licensed and not shipped, so "
            "no history; install a licensee's plugin that registers releases "
            "(see the pages and quota guide)",
        )
    if not releases:
        return PagePart(
            name="history",
            title=title,
            available=False,
            message=f"no {registry.spec(code_set).title} releases are installed, so no history; "
            "install releases with `codekit data install FILE`",
        )
    rows: list[dict[str, Any]] = []
    previous: tuple[str, bool] | None = None
    for index, release in enumerate(releases):
        found = release.source().find(code)
        now = (found[0].description, found[0].billable) if found else None
        change = None
        if now is not None and previous is None:
            change = "present" if index == 0 else "added"
        elif now is None and previous is not None:
            change = "deleted"
        elif (
            now is not None
            and previous is not None
            and (_comparable(now[0]) != _comparable(previous[0]) or now[1] != previous[1])
        ):
            change = "revised"
        if change is not None:
            rows.append(
                {
                    "release": release.info.release,
                    "effective": release.info.effective,
                    "change": change,
                    "description": now[0] if now else None,
                    "billable": now[1] if now else None,
                }
            )
        previous = now
    covered = _span(registry, code_set)
    return PagePart(
        name="history",
        title=title,
        available=True,
        rows=rows,
        message=f"releases {covered}" if rows else f"not in any release from {covered}",
    )


def _span(registry: Registry, code_set: str) -> str:
    releases = registry.releases(code_set)
    return f"{releases[0].info.release} to {releases[-1].info.release}"


def _comparable(text: str) -> str:
    """A description as compared between releases: sources differ in accents and spacing
    (``Sezary`` / ``Sézary``), which is no revision."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.split()).casefold()


def _capability(module: str, names: Iterable[str]) -> list[Callable[..., Any]] | None:
    try:
        loaded = importlib.import_module(module)
        return [getattr(loaded, name) for name in names]
    except (ImportError, AttributeError):
        return None


def _crosswalks(code_set: str, code: str, day: dt.date | None) -> PagePart:
    title = "Crosswalks"
    functions = _capability("codekit._crosswalk._api", ["crosswalk", "crosswalks"])
    if functions is None:
        return PagePart(
            name="crosswalks",
            title=title,
            available=False,
            message="crosswalks are not available in this version of codekit",
        )
    crosswalk, crosswalks = functions
    names = [c.name for c in crosswalks() if c.source == code_set]
    if not names:
        return PagePart(
            name="crosswalks",
            title=title,
            available=True,
            message=f"no crosswalk from {code_set} is installed",
        )
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    for name in names:
        try:
            result = crosswalk(code, to=name, source=code_set, as_of=day)
        except CodekitError as exc:
            problems.append(str(exc))
            continue
        for item in _items(result):
            row = _plain_row(item)
            for redundant in ("source", "source_code_set", "target_code_set"):
                row.pop(redundant, None)
            rows.append({"crosswalk": name, **row})
    if problems and len(problems) == len(names):
        return PagePart(
            name="crosswalks", title=title, available=False, message="; ".join(problems)
        )
    return PagePart(
        name="crosswalks",
        title=title,
        available=True,
        rows=rows,
        message="; ".join(problems) if problems else f"crosswalks: {', '.join(names)}",
    )


def _ncci(spec: CodeSetSpec, code: str, day: dt.date | None) -> dict[str, PagePart]:
    titles = {
        "ptp": "NCCI procedure-to-procedure edits",
        "mue": "NCCI medically unlikely edits",
        "addons": "NCCI add-on code edits",
    }
    code_set = spec.name
    if "ncci" not in spec.claim_edits:
        return {
            name: PagePart(
                name=name,
                title=title,
                available=True,
                message=f"NCCI edits do not apply to {code_set} codes",
            )
            for name, title in titles.items()
        }
    functions = _capability("codekit._ncci.engine", ["ptp_edits", "mue"])
    if functions is None:
        return {
            name: PagePart(
                name=name,
                title=title,
                available=False,
                message="NCCI edits are not available in this version of codekit",
            )
            for name, title in titles.items()
        }
    ptp_edits, mue = functions
    aoc = _capability("codekit._ncci.engine", ["aoc_edits"]) or _capability(
        "codekit._ncci.engine", ["addon_primaries"]
    )
    assert aoc is not None
    ptp = _ask(
        "ptp",
        titles["ptp"],
        "PTP tables",
        [(s, partial(ptp_edits, code, setting=s, as_of=day)) for s in NCCI_SETTINGS[:2]],
        partial(_ptp_row, code),
    )
    mues = _ask(
        "mue",
        titles["mue"],
        "MUE tables",
        [(s, partial(mue, code, setting=s, as_of=day)) for s in NCCI_SETTINGS],
        _plain_row,
    )
    addons = _ask(
        "addons",
        titles["addons"],
        "add-on code (AOC) tables",
        [(None, partial(aoc[0], code, as_of=day))],
        _aoc_row,
    )
    return {"ptp": ptp, "mue": mues, "addons": _with_addon_codes(addons, code, day)}


def _with_addon_codes(part: PagePart, code: str, day: dt.date | None) -> PagePart:
    """The add-on part plus a row per add-on code that names ``code`` as its primary
    (99213 -> G2211): ``{"primary": code, "add_on": ..., "type": ...}``. Rows where ``code``
    is itself the add-on have no ``add_on`` key."""
    found = _capability("codekit._ncci.engine", ["addons_of"])
    if found is None or not part.available:
        return part
    try:
        edits = found[0](code, as_of=day)
    except CodekitError:
        return part
    rows = [
        {"primary": code, "add_on": row.pop("add_on"), "type": row.pop("aoc_type"), **row}
        for row in (_plain_row(edit) for edit in edits)
        if row.pop("primary", None) is not None
    ]
    return attrs.evolve(part, rows=(*part.rows, *rows)) if rows else part


def _ptp_row(code: str, item: Any) -> dict[str, Any]:
    row = _plain_row(item)
    if "column1" in row and "column2" in row:
        column1, column2 = row.pop("column1"), row.pop("column2")
        first = column1 == code
        row = {"column": 1 if first else 2, "partner": column2 if first else column1, **row}
        row.pop("prior_1996", None)
    return row


def _aoc_row(item: Any) -> dict[str, Any]:
    row = _plain_row(item)
    if isinstance(item, str):
        return {"primary": item}
    row.pop("add_on", None)
    if "aoc_type" in row:
        row = {"primary": row.pop("primary", None), "type": row.pop("aoc_type"), **row}
    return row


def _plain_row(item: Any) -> dict[str, Any]:
    return {
        key: (str(value) if attrs.has(type(value)) else value) for key, value in _row(item).items()
    }


def _ask(
    name: str,
    title: str,
    what: str,
    calls: Iterable[tuple[str | None, Callable[[], Any]]],
    shape: Callable[[Any], dict[str, Any]],
) -> PagePart:
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    unanswered: list[str] = []
    answered = False
    for setting, call in calls:
        try:
            result = call()
        except CodekitError as exc:
            problems.append(str(exc))
            unanswered += [setting] if setting is not None else []
            continue
        answered = True
        for item in _items(result):
            row = shape(item)
            if setting is not None:
                row = {"setting": setting, **row}
            rows.append(row)
    if not answered:
        return PagePart(
            name=name,
            title=title,
            available=False,
            message=problems[0] if problems else _NCCI_HINT.format(what=what),
        )
    message = ""
    if unanswered:
        message = (
            f"no {what} installed for {', '.join(unanswered)}; "
            "install them with `codekit data install FILE`"
        )
    return PagePart(name=name, title=title, available=True, rows=rows, message=message)


def _items(result: Any) -> list[Any]:
    if result is None:
        return []
    if isinstance(result, str) or attrs.has(type(result)) or isinstance(result, dict):
        return [result]
    try:
        return list(result)
    except TypeError:
        return [result]


def _row(item: Any) -> dict[str, Any]:
    if attrs.has(type(item)):
        return attrs.asdict(item, recurse=False)
    if isinstance(item, dict):
        return dict(item)
    to_dict = getattr(item, "to_dict", None)
    if callable(to_dict):
        return dict(to_dict())
    return {"value": item}
