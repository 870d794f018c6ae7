"""What is registered: :func:`code_sets`, :func:`data_releases`, and :func:`preload`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from codekit import _registry
from codekit._identify import code_set_name
from codekit.exceptions import UnknownCodeSetError

if TYPE_CHECKING:
    from codekit.models import CodeSet, DataRelease

__all__ = ["code_sets", "data_releases", "preload"]


def preload(code_sets: Iterable[str] | None = None) -> None:
    """Build the registry and open every release's data now (for servers, before traffic).

    Lookups do this lazily on first use; calling it at start-up moves that cost (and any
    data or plugin error) to a moment of your choosing. Safe to call from several threads.
    """
    registry = _registry.current()
    if code_sets is None:
        names = [s.name for s in registry.specs()]
    elif isinstance(code_sets, str):
        names = [code_sets]
    elif isinstance(code_sets, Iterable):
        names = [code_set_name(name, "code_sets") for name in code_sets]
    else:
        raise UnknownCodeSetError(
            repr(code_sets),
            [s.name for s in registry.specs()],
            message=f"preload takes a list of code set names, not {type(code_sets).__name__}; "
            "such as preload(['icd10cm', 'hcpcs']), or preload() for all of them",
        )
    for name in names:
        for release in registry.releases(name):
            release.open()  # a plugin's data error is raised now, not at first lookup


def code_sets() -> tuple[CodeSet, ...]:
    """Every registered code set with its releases."""
    return _registry.current().code_sets()


def data_releases(code_set: str | None = None, *, newest: bool = False) -> tuple[DataRelease, ...]:
    """Every release available (packaged, installed packs, plugins), oldest first per code set.

    :param code_set: only this code set's releases.
    :param newest: only the newest release of each code set: the one a lookup without a
        date uses. ``release.covers(datetime.date.today())`` tells whether today is in its
        period; a date of service after its ``until`` is answered by it with a
        :class:`~codekit.exceptions.StaleDataWarning` (``codekit releases`` shows this for
        every code set).
    """
    registry = _registry.current()
    releases = registry.releases(code_set)
    if not newest:
        return tuple(r.info for r in releases)
    names = dict.fromkeys(r.info.code_set for r in releases)  # in order, once each
    found = (registry.newest(name) for name in names)
    return tuple(r.info for r in found if r is not None)
