"""Columns of codes in one pass: :func:`get_many` and :func:`describe_many`.

Without ``code_set`` each distinct text is identified once (as :func:`codekit.lookup` does),
then each code set's release answers its codes in bulk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

from codekit import _registry, _titles
from codekit._codes import graph_of, to_code
from codekit._dates import to_date
from codekit._identify import candidate_names, choose, code_set_name
from codekit._normalize import check_codes, parse_for
from codekit.exceptions import (
    AmbiguousCodeError,
    InvalidCodeError,
    UnknownCodeError,
    UnknownReleaseError,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from codekit._registry import Release
    from codekit.models import Code
    from codekit.plugins import CodeRecord, CodeSetSpec

__all__ = ["CodeSetsArg", "describe_many", "get_many"]

DateArg = dt.date | str | None
CodeSetsArg = str | Iterable[str] | None
_T = TypeVar("_T")


def _names(code_set: object, code_sets: CodeSetsArg, kind: str | None) -> tuple[str, ...] | None:
    """The candidate code sets of one call (``None``: identify by shape among all)."""
    if code_set is not None:
        return (code_set_name(code_set),)
    return candidate_names(code_sets, kind)


def _groups(
    codes: Iterable[object],
    names: tuple[str, ...] | None,
    day: dt.date | None,
    release: str | None,
) -> tuple[list[tuple[str, str] | None], dict[str, Release]]:
    """Each text's (code set, canonical code), or ``None`` where it is malformed, unknown,
    ambiguous or has no release; with the release of each code set used."""
    registry = _registry.current()
    spec = registry.spec(names[0]) if names is not None and len(names) == 1 else None
    seen: dict[object, tuple[str, str] | None] = {}  # columns repeat: resolve each text once
    keys: list[tuple[str, str] | None] = []
    releases: dict[str, Release] = {}
    for text in codes:
        if not isinstance(text, str):
            keys.append(None)
            continue
        key = seen.get(text, _UNSEEN)
        if key is _UNSEEN:
            key = seen[text] = _key(
                text, spec=spec, names=names, day=day, release=release, releases=releases
            )
        keys.append(key)
    return keys, releases


_UNSEEN: tuple[str, str] = ("", "")


def _key(
    text: str,
    *,
    spec: CodeSetSpec | None,
    names: tuple[str, ...] | None,
    day: dt.date | None,
    release: str | None,
    releases: dict[str, Release],
) -> tuple[str, str] | None:
    try:
        if spec is not None:
            name, canonical = spec.name, parse_for(text, spec)
        else:
            found, canonical = choose(text, names, day=day, release=release)
            name = found.name
        if name not in releases:
            releases[name] = _registry.current().select(name, as_of=day, release=release)
    except (AmbiguousCodeError, InvalidCodeError, UnknownCodeError, UnknownReleaseError):
        return None
    return name, canonical


def _canonicals(codes: Iterable[object], spec: CodeSetSpec) -> list[str | None]:
    """Each text's canonical spelling in one code set (``None`` where malformed)."""
    seen: dict[str, str | None] = {}  # columns of codes repeat: spell each one once
    out: list[str | None] = []
    for text in codes:
        if not isinstance(text, str):
            out.append(None)
            continue
        key = seen.get(text, _UNSEEN_TEXT)
        if key is _UNSEEN_TEXT:
            try:
                key = parse_for(text, spec)
            except InvalidCodeError:
                key = None
            seen[text] = key
        out.append(key)
    return out


_UNSEEN_TEXT = "\x00"


def _start(
    codes: object,
    function: str,
    *,
    code_set: object,
    code_sets: CodeSetsArg,
    kind: str | None,
    as_of: DateArg,
) -> tuple[tuple[str, ...] | None, dt.date | None]:
    """What :func:`get_many` and :func:`describe_many` check first: the column, the
    candidate code sets and the date."""
    check_codes(codes, function)
    names = _names(code_set, code_sets, kind)
    return names, to_date(as_of, "as_of") if as_of is not None else None


def _by_release(
    keys: list[tuple[str, str] | None],
    releases: dict[str, Release],
    read: Callable[[Release, list[str]], Mapping[str, _T]],
) -> dict[tuple[str, str], _T]:
    """``read``'s answer for each (code set, code) of ``keys``, one call per release."""
    found: dict[tuple[str, str], _T] = {}
    for name, chosen in releases.items():
        wanted = [k[1] for k in keys if k is not None and k[0] == name]
        found.update(((name, c), value) for c, value in read(chosen, wanted).items())
    return found


def _read(
    chosen: Release, wanted: list[str], bulk: str, value: Callable[[CodeRecord], _T]
) -> Mapping[str, _T]:
    """The source's ``bulk`` method's answer for ``wanted`` when it has one; else each
    distinct code's most specific item (``find``), as ``value`` gives it."""
    source = chosen.source()
    method = getattr(source, bulk, None)
    if method is not None:
        found: Mapping[str, _T] = method(wanted)
        return found
    hits = {}
    for code in set(wanted):
        records = source.find(code)
        if records:
            hits[code] = value(records[0])
    return hits


def _records_of(chosen: Release, wanted: list[str]) -> Mapping[str, CodeRecord]:
    return _read(chosen, wanted, "find_many", lambda record: record)


def _texts_of(chosen: Release, wanted: list[str]) -> Mapping[str, str]:
    return _read(chosen, wanted, "descriptions", lambda record: record.description)


def _chosen(code_set: str, day: dt.date | None, release: str | None) -> tuple[Release, CodeSetSpec]:
    """The release of ``code_set`` for the date or id (raises when none), and its spec."""
    registry = _registry.current()
    chosen = registry.select(code_set_name(code_set), as_of=day, release=release)
    return chosen, registry.spec(code_set)


def get_many(
    codes: Iterable[str],
    *,
    code_set: str | None = None,
    code_sets: CodeSetsArg = None,
    kind: str | None = None,
    as_of: DateArg = None,
    release: str | None = None,
) -> list[Code | None]:
    """Many codes in one pass (``None`` for each code that is unknown, malformed or, without
    ``code_set``, ambiguous or of a code set with no release for the date).

    Without ``code_set`` each code is identified as :func:`lookup` does (a mixed column of
    diagnoses, procedures and modifiers is fine). Faster than a loop of :func:`get` for large
    inputs; notes are not loaded. With ``code_set`` a missing release still raises.
    """
    names, day = _start(
        codes, "get_many", code_set=code_set, code_sets=code_sets, kind=kind, as_of=as_of
    )
    if code_set is not None:
        chosen, spec = _chosen(code_set, day, release)
        canonical = _canonicals(codes, spec)
        records = _records_of(chosen, [c for c in canonical if c is not None])
        graph = graph_of(chosen)
        out: list[Code | None] = []
        for key in canonical:
            record = records.get(key) if key is not None else None
            out.append(to_code(record, chosen, graph) if record is not None else None)
        return out
    keys, releases = _groups(codes, names, day, release)
    found = _by_release(keys, releases, _records_of)
    out = []
    for pair in keys:
        record = found.get(pair) if pair is not None else None
        if record is None or pair is None:
            out.append(None)
            continue
        chosen = releases[pair[0]]
        out.append(to_code(record, chosen, graph_of(chosen)))
    return out


def describe_many(
    codes: Iterable[str],
    *,
    code_set: str | None = None,
    code_sets: CodeSetsArg = None,
    kind: str | None = None,
    as_of: DateArg = None,
    release: str | None = None,
) -> list[str | None]:
    """The description of each code, in one pass: ``None`` where :func:`get_many` has
    ``None`` (unknown, malformed, or without ``code_set`` ambiguous or without data).

    The fast path for a column of codes: no :class:`~codekit.models.Code` values are built.
    A mixed column (``["E11.9", "E1122", "J1100", "99213", "25"]``) needs no ``code_set``.
    """
    names, day = _start(
        codes, "describe_many", code_set=code_set, code_sets=code_sets, kind=kind, as_of=as_of
    )
    if code_set is not None:
        return _describe_in(*_chosen(code_set, day, release), codes)
    keys, releases = _groups(codes, names, day, release)
    found = _by_release(keys, releases, _texts_of)
    return [found.get(pair) or None if pair is not None else None for pair in keys]


def _describe_in(chosen: Release, spec: CodeSetSpec, codes: Iterable[object]) -> list[str | None]:
    """:func:`describe_many` in one release: canonical spellings straight from the release's
    title index (when built, or worth building for this many codes), the rest the plain way."""
    column = codes if isinstance(codes, list) else list(codes)
    index = _titles.built(chosen)
    if index is None and len(column) > _titles.BULK:
        index = _titles.index_of(chosen, spec)
    if index is None:
        return _describe_plainly(chosen, spec, column)
    out, missing = index.many(column)
    if missing:
        missed = [at for at, text in enumerate(out) if text is None]
        plainly = _describe_plainly(chosen, spec, [column[at] for at in missed])
        for at, text in zip(missed, plainly, strict=True):
            out[at] = text
    return out


def _describe_plainly(chosen: Release, spec: CodeSetSpec, codes: list[object]) -> list[str | None]:
    canonical = _canonicals(codes, spec)
    texts = _texts_of(chosen, [c for c in canonical if c is not None])
    # "" is a code with no packaged title: None, like an unknown code
    return [texts.get(key) or None if key is not None else None for key in canonical]
