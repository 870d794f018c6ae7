"""Answers of dateless :func:`codekit.crosswalk` calls by the text as typed.

One memo per ``(to, source, release)``: a repeated code costs one dict probe instead of the
crosswalk's release choice and the code's normalisation. The memos are dropped when the
registry is rebuilt; each holds at most :data:`ANSWERS_MAX` answers, and at most 64 exist.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from codekit import _registry

if TYPE_CHECKING:
    from codekit._crosswalk._values import Mapping

__all__ = ["ANSWERS_MAX", "answers_of"]

ANSWERS_MAX = 65536
_answer_sets: dict[tuple[object, object, object], dict[str, tuple[Mapping, ...]]] = {}
_answers_generation = -1
_answers_checked = -1.0


def answers_of(
    to: object, source: object, release: object
) -> dict[str, tuple[Mapping, ...]] | None:
    """The answer memo of one kind of call (``None``: arguments that are not plain names)."""
    global _answers_generation, _answers_checked
    now = time.monotonic()
    if now - _answers_checked < 0.05:  # the registry looks for changed packs at most this often
        generation = _registry._generation
    else:
        generation = _registry.generation()
        _answers_checked = now
    if generation != _answers_generation:
        _answer_sets.clear()
        _answers_generation = generation
    key = (to, source, release)
    try:
        found = _answer_sets.get(key)
    except TypeError:  # unhashable arguments: the plain way says what is wrong
        return None
    if found is None:
        if not (
            type(to) is str and isinstance(source, str | None) and isinstance(release, str | None)
        ):
            return None
        if len(_answer_sets) >= 64:
            _answer_sets.clear()
        found = _answer_sets[key] = {}
    return found
