"""The crosswalk's caches, every one held by the registry (:meth:`Registry.memo`).

A rebuilt registry starts with none, so nothing here can go stale, and nothing is keyed by
a generation counter. Each is a dict of at most :data:`BOUND` entries (emptied when full):

* :func:`answers`: answers of dateless calls by the text as typed, one dict per ``(to,
  source, release)``, made only once a call with those names succeeded (so there are as
  many as real names), each of at most :data:`ANSWERS_MAX` answers;
* ``cache(("crosswalk parsed", code set))`` and the like: parsed and canonical spellings,
  the mappings built per release, and :data:`CHOICES` (the release a dateless call uses).

:func:`answers` is the hot path: it keeps the registry it last read the answers from and
asks for the current one at most every :data:`codekit._registry.RECHECK` seconds (as
:func:`codekit._registry.recent` does, inlined here: a call less per crosswalk call).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from codekit import _registry

if TYPE_CHECKING:
    from codekit._crosswalk._values import Mapping

__all__ = ["ANSWERS_MAX", "BOUND", "CHOICES", "answers", "cache"]

ANSWERS_MAX = 65536
BOUND = 262144
#: ``(to, source, release)`` → ``(group, entry)`` of a dateless call.
CHOICES = ("crosswalk choices",)
_ANSWERS = ("crosswalk answers",)

_Answers = dict[tuple[object, object, object], dict[str, tuple["Mapping", ...]]]
_owner: object = None
_sets: _Answers = {}
_checked = -1.0
_monotonic = time.monotonic


def cache(key: object) -> dict[Any, Any]:
    """The current registry's dict of ``key`` (emptied when it holds :data:`BOUND`)."""
    found: dict[Any, Any] = _registry.current().memo(key, dict)
    if len(found) >= BOUND:
        found.clear()
    return found


def answers(
    to: object, source: object, release: object, *, create: bool = False
) -> dict[str, tuple[Mapping, ...]] | None:
    """The answer dict of one kind of call (``None``: none yet, unless ``create``, or
    arguments that are not plain names)."""
    global _owner, _sets, _checked
    now = _monotonic()
    if _owner is not _registry._registry or now - _checked >= _registry.RECHECK:
        registry = _registry.current()
        _sets, _owner, _checked = registry.memo(_ANSWERS, dict), registry, now
    key = (to, source, release)
    try:
        found = _sets.get(key)
    except TypeError:  # unhashable arguments: the plain way says what is wrong
        return None
    if found is None and create and type(to) is str and _plain(source) and _plain(release):
        found = _sets[key] = {}
    return found


def _plain(name: object) -> bool:
    return name is None or type(name) is str
