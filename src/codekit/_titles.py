"""The per-code fast path: a release's titles in memory, keyed by the canonical spelling.

A :class:`TitleIndex` answers :func:`codekit.describe` and :func:`codekit.describe_many`
for text that is already a code's canonical spelling (``"E11.9"``) with one dict probe: no
normalisation, no query, no :class:`~codekit.models.Code` value. Anything else (other
spellings, unknown codes, codes without a title) goes the plain way, which says what is
wrong. A stored code that the code set's parser would not give back unchanged (an
ICD-10-CM block such as ``A00-A09``) is left out, so the fast path never accepts text the
plain path rejects.

Indexes are built when they pay: at once for a large column of codes, and for single
lookups only after a release has answered :data:`PROMOTE_AFTER` distinct codes the plain
way (a process that looks up a few codes never reads a whole column). At most
:data:`KEEP` indexes are kept, the least recently built dropped first; all are dropped
when the registry is rebuilt (they live in its
:meth:`~codekit._tables.registry.Registry.memo`).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from codekit import _registry
from codekit._normalize import parse_for

if TYPE_CHECKING:
    from collections.abc import Mapping

    from codekit._registry import Release
    from codekit.plugins import CodeSetSpec

__all__ = [
    "BULK",
    "KEEP",
    "PROMOTE_AFTER",
    "TitleIndex",
    "answered_plainly",
    "built",
    "index_of",
    "newest_title",
]

KEEP = 4
PROMOTE_AFTER = 2000
#: A column of more codes than this builds its release's index at once.
BULK = 5000


class TitleIndex:
    """Canonical code → title of one release, for the codes whose spelling is canonical.

    :attr:`titles` is a plain dict holding only those codes, so a column is answered by
    ``map(index.titles.get, column)`` with no Python call per code.
    """

    __slots__ = ("release", "titles")

    def __init__(self, release: Release, titles: Mapping[str, str], spec: CodeSetSpec) -> None:
        self.release = release
        self.titles: dict[str, str] = {
            code: title for code, title in titles.items() if title and _canonical(code, spec)
        }

    def get(self, text: object) -> str | None:
        """The title of ``text`` when it is a canonical code with a title, else ``None``."""
        try:
            return self.titles.get(text)  # type: ignore[call-overload,no-any-return]
        except TypeError:  # unhashable: not a code
            return None

    def many(self, column: list[object]) -> tuple[list[str | None], bool]:
        """:meth:`get` of each item of ``column``, and whether any is ``None``."""
        titles = self.titles
        try:
            return list(map(titles.__getitem__, column)), False  # type: ignore[arg-type]
        except (KeyError, TypeError):  # a miss (or an unhashable item) somewhere
            pass
        try:
            out: list[str | None] = list(map(titles.get, column))  # type: ignore[arg-type]
        except TypeError:  # an unhashable item: one at a time
            out = [self.get(text) for text in column]
        return out, True

    def __len__(self) -> int:
        return len(self.titles)


def _canonical(code: str, spec: CodeSetSpec) -> bool:
    try:
        return parse_for(code, spec) == code
    except Exception:  # any failure of a parser: not a canonical spelling
        return False


class _Indexes:
    """The indexes of one registry (held in its :meth:`~Registry.memo`)."""

    __slots__ = ("built", "lock", "misses", "ready")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        #: id(release) -> its index (None: its data has no description column); insertion
        #: order is build order, for dropping the oldest.
        self.built: dict[int, TitleIndex | None] = {}
        #: code set name as the caller passed it -> the index of its newest release
        self.ready: dict[object, TitleIndex] = {}
        self.misses: dict[object, int] = {}


_KEY = ("title indexes",)


def _indexes() -> _Indexes:
    return _registry.recent().memo(_KEY, _Indexes)


def newest_title(code_set: object, code: object) -> str | None:
    """The title of ``code`` in the newest release of ``code_set`` if the fast path knows
    it (``None``: ask the plain way)."""
    try:
        index = _indexes().ready.get(code_set)
    except TypeError:  # an unhashable code_set: the plain way says what is wrong
        return None
    return index.get(code) if index is not None else None


def answered_plainly(code_set: str) -> None:
    """The plain way answered a code of ``code_set``'s newest release (a name the
    registry knows); past :data:`PROMOTE_AFTER` of them the release gets its index."""
    state = _indexes()
    seen = state.misses.get(code_set, 0) + 1
    state.misses[code_set] = seen
    if seen != PROMOTE_AFTER:
        return
    registry = _registry.current()
    spec = registry.spec(code_set)
    index = index_of(registry.select(spec.name), spec)
    if index is not None:
        state.ready[code_set] = index


def built(release: Release) -> TitleIndex | None:
    """The index of ``release`` if it has been built (never builds one)."""
    found = _indexes().built.get(id(release))
    return found if found is not None and found.release is release else None


def index_of(release: Release, spec: CodeSetSpec) -> TitleIndex | None:
    """The index of ``release``, built now if need be (``None``: its data source cannot
    give a whole description column, as a plugin's own source)."""
    state = _indexes()
    key = id(release)
    if key in state.built:
        found = state.built[key]
        if found is None or found.release is release:
            return found
    read = getattr(release.source(), "description_column", None)
    index = TitleIndex(release, read(), spec) if read is not None else None
    with state.lock:
        while len(state.built) >= KEEP:
            dropped = state.built.pop(next(iter(state.built)))
            for name in [n for n, kept in state.ready.items() if kept is dropped]:
                del state.ready[name]
        state.built[key] = index
    return index
