"""What the registrar's methods register: the values capabilities read back
(:class:`DescriptionProvider`, :class:`AocPrimaries`), a table release as registered
(:class:`TableEntry`), and a data source made a factory that opens it once (:func:`memoised`).

Public through :mod:`codekit.plugins`; the registrar is :mod:`codekit._plugin.registrar`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeGuard

import attrs

from codekit._codesets.records import CodeSource, SourceFactory
from codekit._normalize import compact_key
from codekit._plugin.loading import contained
from codekit.models import DataRelease

__all__ = [
    "AocPrimaries",
    "DescriptionLookup",
    "DescriptionProvider",
    "TableEntry",
    "is_source",
    "memoised",
]

#: What ``add_descriptions`` accepts instead of a mapping: canonical code → text(s) or None.
DescriptionLookup = Callable[[str], "str | Sequence[str] | None"]


@attrs.frozen(kw_only=True)
class DescriptionProvider:
    """Descriptions a plugin registered with :meth:`Registrar.add_descriptions`."""

    code_set: str
    source: str
    kind: str
    descriptions: Mapping[str, str | Sequence[str]] | DescriptionLookup = attrs.field(eq=False)
    _index: dict[str, tuple[str, ...]] = attrs.field(init=False, factory=dict, eq=False)

    def texts(self, code: str) -> tuple[str, ...]:
        """The texts registered for the canonical ``code`` (empty if none)."""
        if callable(self.descriptions) and not isinstance(self.descriptions, Mapping):
            with contained():  # a plugin's sys.exit() becomes an error its caller contains
                return _as_texts(self.descriptions(code))
        if not self._index:
            for key, value in self.descriptions.items():
                self._index[compact_key(key)] = _as_texts(value)
        return self._index.get(compact_key(code), ())


def _as_texts(value: str | Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value else ()
    return tuple(v for v in value if v)


@attrs.frozen(kw_only=True)
class AocPrimaries:
    """Contractor-defined primaries of one add-on code (:meth:`Registrar.add_aoc_primaries`)."""

    add_on: str
    primaries: tuple[str, ...]
    program: str = "medicare"
    source: str = ""


@attrs.frozen
class TableEntry:
    release: DataRelease
    factory: Callable[[], Any]
    plugin: str
    spec: Any = None


#: The methods of :class:`CodeSource` (what its runtime check looks for).
_SOURCE_METHODS = ("find", "item", "children", "near", "records")


def is_source(value: object) -> TypeGuard[CodeSource]:
    """``isinstance(value, CodeSource)``, quick for a class that defines the methods (the
    protocol check costs microseconds, paid for every packaged release at registry build)."""
    kind = type(value)
    if all(hasattr(kind, name) for name in _SOURCE_METHODS):
        return True
    return isinstance(value, CodeSource)


def memoised(factory: SourceFactory) -> SourceFactory:
    import threading

    lock = threading.Lock()
    box: list[CodeSource] = []

    def get() -> CodeSource:
        if not box:
            with lock:
                if not box:
                    box.append(factory())
        return box[0]

    return get
