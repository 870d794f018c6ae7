"""Checks of the values a plugin hands over.

Plugins are foreign code: the annotations of :class:`~codekit.plugins.CodeRecord` and
:class:`~codekit.models.DataRelease` are not enforced when one is built, so codekit checks
the fields it relies on before it sorts, indexes or shows them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, get_args

from codekit.models import CodeKind, DataRelease, Origin

if TYPE_CHECKING:
    from codekit._codesets.records import CodeRecord

__all__ = ["check_record", "check_release"]

_KINDS: tuple[str, ...] = get_args(CodeKind)
_ORIGINS: tuple[str, ...] = get_args(Origin)


def check_record(record: CodeRecord) -> str | None:
    """What is wrong with a record (``None`` when nothing is)."""
    code: object = record.code
    if not isinstance(code, str) or not code:
        return f"code must be a non-empty string, not {code!r}"
    description: object = record.description
    if not isinstance(description, str):
        return f"{code}: description must be a string, not {description!r}"
    if record.kind not in _KINDS:
        return f"{code}: kind must be one of {', '.join(_KINDS)}, not {record.kind!r}"
    if record.parent_kind is not None and record.parent_kind not in _KINDS:
        return f"{code}: parent_kind {record.parent_kind!r} is not a kind"
    billable: object = record.billable
    if not isinstance(billable, bool):
        return f"{code}: billable must be True or False, not {billable!r}"
    for name in ("short_description", "parent", "start", "end"):
        value = getattr(record, name)
        if value is not None and not isinstance(value, str):
            return f"{code}: {name} must be a string or None, not {value!r}"
    return None


def _release_problem(release: DataRelease) -> str | None:
    code_set: object = release.code_set
    name: object = release.release
    if not isinstance(code_set, str) or not isinstance(name, str):
        return "code_set and release must be strings"
    if not name.strip():
        return "release must be a non-empty id"
    if release.origin not in _ORIGINS:
        return f"origin must be one of {', '.join(_ORIGINS)}, not {release.origin!r}"
    if type(release.effective) is not dt.date:
        return f"effective must be a datetime.date, not {release.effective!r}"
    if release.until is not None and type(release.until) is not dt.date:
        return f"until must be a datetime.date or None, not {release.until!r}"
    if release.until is not None and release.until < release.effective:
        return f"until {release.until} is before effective {release.effective}"
    return None


def check_release(release: object, method: str) -> DataRelease:
    """``release`` if it is a well-formed :class:`DataRelease`; else a TypeError saying why."""
    if not isinstance(release, DataRelease):
        raise TypeError(f"{method} takes a DataRelease, not {type(release).__name__}")
    problem = _release_problem(release)
    if problem is not None:
        raise TypeError(f"{method}: release {release.release!r} of {release.code_set!r}: {problem}")
    return release
