"""Lookup: from what a user typed to a :class:`~codekit.models.Code` of the right release."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import TYPE_CHECKING

from codekit import _registry
from codekit._dates import to_date
from codekit._normalize import identify, parse_for
from codekit.exceptions import InvalidCodeError, MissingTitleError, UnknownCodeError
from codekit.models import Code, CodeSet, DataRelease

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from codekit._registry import Release
    from codekit.plugins import CodeRecord, CodeSetSpec

__all__ = [
    "code_sets",
    "data_releases",
    "describe",
    "describe_many",
    "get",
    "get_many",
    "is_valid",
    "lookup",
    "normalize",
    "preload",
    "resolve",
]

DateArg = dt.date | str | None


class _Graph:
    """Walks the hierarchy of one release for :meth:`Code.children` and friends."""

    def __init__(self, release: Release) -> None:
        self._release = release

    def _wrap(self, record: CodeRecord) -> Code:
        return _to_code(record, self._release, self)

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


def _graph(release: Release) -> _Graph:
    graph = _graphs.get(id(release))
    if graph is None or graph._release is not release:
        graph = _graphs[id(release)] = _Graph(release)
    return graph


def _to_code(record: CodeRecord, release: Release, graph: _Graph) -> Code:
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


def resolve(
    code: str, *, code_set: str | None = None, as_of: DateArg = None, release: str | None = None
) -> tuple[CodeSetSpec, str, Release]:
    """The code set, canonical code and release a lookup would use (raises on bad input)."""
    registry = _registry.current()
    if code_set is not None:
        spec = registry.spec(code_set)
        canonical = parse_for(code, spec)
    else:
        spec, canonical = identify(code, registry.specs())
    day = to_date(as_of, "as_of") if as_of is not None else None
    return spec, canonical, registry.select(spec.name, as_of=day, release=release)


@lru_cache(maxsize=32768)
def _cached_lookup(
    code: str, code_set: str | None, as_of: dt.date | None, release: str | None, _gen: int
) -> Code:
    spec, canonical, chosen = resolve(code, code_set=code_set, as_of=as_of, release=release)
    source = chosen.source()
    found = source.find(canonical)
    if not found:
        raise UnknownCodeError(
            canonical,
            code_set=spec.name,
            release=chosen.info.release,
            suggestions=source.near(canonical, 5),
        )
    return _to_code(found[0], chosen, _graph(chosen))


def lookup(
    code: str, *, code_set: str | None = None, as_of: DateArg = None, release: str | None = None
) -> Code:
    """The code as the release in force on ``as_of`` (default: the newest) describes it.

    :param code: any spelling: case, spaces and the dot do not matter (``"e119"``, ``"E11.9"``).
    :param code_set: ``"icd10cm"``, ``"hcpcs"``, ... ; identified from the code's shape if omitted.
    :param as_of: date of service (``date`` or ``"YYYY-MM-DD"``) choosing the release.
    :param release: a release id (``"FY2024"``) instead of a date.
    :raises InvalidCodeError: the input is not shaped like a code.
    :raises AmbiguousCodeError: the shape fits several code sets and ``code_set`` is not given.
    :raises UnknownCodeError: no such code in that release (with suggestions).
    :raises UnknownReleaseError: no release matches.
    """
    if as_of is None and release is None and type(code) is str:
        # The common case (newest release) skips date parsing and the LRU's key building.
        global _fast_generation
        if _fast_generation != _registry._generation:
            _fast.clear()
            _fast_generation = _registry._generation
        key = code if code_set is None else (code, code_set)
        hit = _fast.get(key)
        if hit is None:
            hit = _cached_lookup(code, code_set, None, None, _fast_generation)
            if len(_fast) >= _FAST_MAX:
                _fast.clear()
            _fast[key] = hit
        return hit
    if not isinstance(code, str):
        raise InvalidCodeError(code, f"a code must be a string, not {type(code).__name__}")
    day = to_date(as_of, "as_of") if as_of is not None else None
    return _cached_lookup(code, code_set, day, release, _registry.generation())


_FAST_MAX = 65536
# Newest-release answers by the text as typed (or by (text, code_set) when one is named).
_fast: dict[object, Code] = {}
_fast_generation = -1


def get(
    code: str, *, code_set: str | None = None, as_of: DateArg = None, release: str | None = None
) -> Code | None:
    """Like :func:`lookup`, but ``None`` when the code does not exist in that release."""
    try:
        return lookup(code, code_set=code_set, as_of=as_of, release=release)
    except UnknownCodeError:
        return None


def describe(
    code: str, *, code_set: str | None = None, as_of: DateArg = None, release: str | None = None
) -> str:
    """The official description of the code (raises like :func:`lookup`).

    A code that exists but has no packaged title (``Code.title_release`` is ``None``, as
    for a code new in a release whose titles no package ships) raises
    :class:`~codekit.exceptions.MissingTitleError`, which says how to install one;
    :func:`describe_many` gives ``None`` for it.
    """
    if (
        as_of is None
        and release is None
        and type(code) is str
        and _fast_generation == _registry._generation
    ):
        hit = _fast.get(code if code_set is None else (code, code_set))
        if hit is not None and hit.description:
            return hit.description
    found = lookup(code, code_set=code_set, as_of=as_of, release=release)
    if not found.description:
        raise MissingTitleError(found.code, code_set=found.code_set, release=found.release)
    return found.description


def is_valid(code: str, *, code_set: str | None = None, as_of: DateArg = None) -> bool:
    """Whether the code may be reported for a date of service: billable and in force.

    Without ``as_of`` the newest release decides (and code-level dates are checked against
    today). Malformed input and unknown codes are simply not valid; an ambiguous code or a
    date no installed release covers still raise.
    """
    day = to_date(as_of, "as_of") if as_of is not None else None
    try:
        found = lookup(code, code_set=code_set, as_of=day)
    except (UnknownCodeError, InvalidCodeError) as exc:
        if type(exc).__name__ == "AmbiguousCodeError":
            raise
        return False
    if not found.billable:
        return False
    check = day or dt.date.today()
    start, end = found.attributes.get("start"), found.attributes.get("end")
    if start and check < to_date(start):
        return False
    return not (end and check > to_date(end))


def get_many(
    codes: Iterable[str], *, code_set: str, as_of: DateArg = None, release: str | None = None
) -> list[Code | None]:
    """Many codes of one code set in one pass (``None`` for each unknown code).

    Faster than a loop of :func:`get` for large inputs; notes are not loaded.
    """
    registry = _registry.current()
    spec = registry.spec(code_set)
    day = to_date(as_of, "as_of") if as_of is not None else None
    chosen = registry.select(code_set, as_of=day, release=release)
    canonical = [_canonical_or_none(text, spec) for text in codes]
    source = chosen.source()
    find_many = getattr(source, "find_many", None)
    found: dict[str, CodeRecord]
    if find_many is not None:
        found = find_many([c for c in canonical if c is not None])
    else:
        found = {}
        for c in {c for c in canonical if c is not None}:
            hits = source.find(c)
            if hits:
                found[c] = hits[0]
    graph = _graph(chosen)
    out: list[Code | None] = []
    for key in canonical:
        record = found.get(key) if key is not None else None
        out.append(_to_code(record, chosen, graph) if record is not None else None)
    return out


def describe_many(
    codes: Iterable[str], *, code_set: str, as_of: DateArg = None, release: str | None = None
) -> list[str | None]:
    """The description of each code (``None`` where unknown, malformed or untitled), in one pass.

    The fast path for a column of codes: no :class:`~codekit.models.Code` values are built.
    """
    registry = _registry.current()
    spec = registry.spec(code_set)
    day = to_date(as_of, "as_of") if as_of is not None else None
    chosen = registry.select(code_set, as_of=day, release=release)
    seen: dict[str, str | None] = {}  # columns of codes repeat: spell each one once
    canonical = []
    for text in codes:
        key = seen.get(text, _UNSEEN) if isinstance(text, str) else None
        if key is _UNSEEN:
            key = seen[text] = _canonical_or_none(text, spec)
        canonical.append(key)
    wanted = [c for c in canonical if c is not None]
    source = chosen.source()
    bulk = getattr(source, "descriptions", None)
    if bulk is not None:
        found: Mapping[str, str] = bulk(wanted)
    else:
        found = {}
        for key in set(wanted):
            hits = source.find(key)
            if hits:
                found[key] = hits[0].description
    return [found.get(key) if key is not None else None for key in canonical]


_UNSEEN = "\x00"


def _canonical_or_none(text: str, spec: CodeSetSpec) -> str | None:
    try:
        return parse_for(text, spec)
    except InvalidCodeError:
        return None


def normalize(code: str, *, code_set: str | None = None) -> str:
    """The canonical spelling of ``code`` (``" e119 "`` → ``"E11.9"``), without any lookup."""
    registry = _registry.current()
    if code_set is not None:
        return parse_for(code, registry.spec(code_set))
    return identify(code, registry.specs())[1]


def preload(code_sets: Iterable[str] | None = None) -> None:
    """Build the registry and open every release's data now (for servers, before traffic).

    Lookups do this lazily on first use; calling it at start-up moves that cost (and any
    data or plugin error) to a moment of your choosing. Safe to call from several threads.
    """
    registry = _registry.current()
    names = list(code_sets) if code_sets is not None else [s.name for s in registry.specs()]
    for name in names:
        for release in registry.releases(name):
            release.source()


def code_sets() -> tuple[CodeSet, ...]:
    """Every registered code set with its releases."""
    return _registry.current().code_sets()


def data_releases(code_set: str | None = None) -> tuple[DataRelease, ...]:
    """Every release available (packaged, installed packs, plugins), oldest first per code set."""
    return tuple(r.info for r in _registry.current().releases(code_set))
