"""A third-party plugin's code source, checked and contained.

The registry hands this out instead of the plugin's own :class:`~codekit.plugins.CodeSource`
so that one bad plugin cannot break what does not concern it:

* the source is opened on first use; a failure to open it (an exception, ``sys.exit()``,
  or a factory returning something that is not a code source) names the plugin;
* every answer is checked: records must be :class:`~codekit.plugins.CodeRecord` values
  with well-typed fields, ``near`` gives strings, and at most ``limit`` of them;
* a lookup in the plugin's code set (``find``, ``item``, ``children``, ``near``) raises
  :class:`~codekit.exceptions.PluginError` naming the plugin;
* :meth:`CheckedSource.records`, which serves work over every code set at once (the search
  index), gives all the plugin's records or, with a :class:`~codekit.exceptions.PluginWarning`
  naming the plugin, none: the other code sets keep working.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from codekit._codesets.records import CodeRecord, CodeSource
from codekit._plugin.checks import check_record
from codekit._plugin.loading import contained, describe_failure
from codekit.exceptions import CodekitError, PluginError, PluginWarning

if TYPE_CHECKING:
    from collections.abc import Callable

    from codekit.models import CodeKind

__all__ = ["CheckedSource"]

_T = TypeVar("_T")

#: At most this many "did you mean" codes are taken from a plugin, whatever it returns.
_NEAR_MAX = 100


class _Garbage(Exception):
    """A plugin's answer is not what the protocol promises (never escapes this module)."""


def _records(value: object, method: str) -> tuple[CodeRecord, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise _Garbage(f"{method}() returned {type(value).__name__}, not a sequence of records")
    found = tuple(value)
    for record in found:
        _check(record, method)
    return found


def _check(record: object, method: str) -> CodeRecord:
    if not isinstance(record, CodeRecord):
        raise _Garbage(f"{method}() gave a {type(record).__name__}, not a CodeRecord")
    problem = check_record(record)
    if problem:
        raise _Garbage(f"{method}() gave a bad record: {problem}")
    return record


def _codes(value: object, limit: int) -> tuple[str, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise _Garbage(f"near() returned {type(value).__name__}, not a list of codes")
    codes: list[str] = []
    for code in value:
        if len(codes) >= min(limit, _NEAR_MAX):
            break
        if not isinstance(code, str):
            raise _Garbage(f"near() gave a {type(code).__name__}, not a code")
        codes.append(code)
    return tuple(codes)


class CheckedSource:
    """A :class:`~codekit.plugins.CodeSource` over a plugin's, checked and contained."""

    def __init__(self, plugin: str, what: str, factory: Callable[[], object]) -> None:
        self.plugin = plugin
        self.what = what
        self._factory = factory

    def __repr__(self) -> str:
        return f"CheckedSource({self.plugin!r}, {self.what!r})"

    def _error(self, message: str) -> PluginError:
        return PluginError(self.plugin, f"{self.what}: {message}")

    def open(self) -> CodeSource:
        """The plugin's source (opened once); raises :class:`PluginError` if it fails."""
        try:
            with contained():
                source = self._factory()
        except PluginError:
            raise
        except Exception as exc:
            raise self._error(f"failed to open: {describe_failure(exc)}") from exc
        if not isinstance(source, CodeSource):
            raise self._error(
                f"the source factory returned {type(source).__name__}, not a CodeSource"
            )
        return source

    def _run(self, method: str, args: tuple[Any, ...], check: Callable[[object], _T]) -> _T:
        """Call ``method`` of the plugin's source and check (and consume) its answer."""
        source = self.open()
        try:
            with contained():
                return check(getattr(source, method)(*args))
        except _Garbage as exc:
            raise self._error(str(exc)) from None
        except CodekitError:
            raise
        except Exception as exc:
            raise self._error(f"{method}() failed: {describe_failure(exc)}") from exc

    def find(self, code: str) -> Sequence[CodeRecord]:
        return self._run("find", (code,), lambda v: _records(v, "find"))

    def item(self, code: str, kind: CodeKind) -> CodeRecord | None:
        return self._run("item", (code, kind), lambda v: None if v is None else _check(v, "item"))

    def children(self, code: str, kind: CodeKind) -> Sequence[CodeRecord]:
        return self._run("children", (code, kind), lambda v: _records(v, "children"))

    def near(self, code: str, limit: int) -> Sequence[str]:
        return self._run("near", (code, limit), lambda v: _codes(v, limit))

    def records(self) -> Iterator[CodeRecord]:
        """Every record, all checked before the first is given; none (with a warning
        naming the plugin) when the source fails or gives anything else."""
        try:
            return iter(self._run("records", (), lambda v: _records(v, "records")))
        except PluginError as exc:
            warnings.warn(
                f"codekit plugin {self.plugin!r} left out of this result: {exc}",
                PluginWarning,
                stacklevel=2,
            )
            return iter(())
