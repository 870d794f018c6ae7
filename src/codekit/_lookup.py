"""Lookup: from what a user typed to a :class:`~codekit.models.Code` of the right release."""

from __future__ import annotations

import datetime as dt
import warnings
from typing import TYPE_CHECKING

from codekit import _registry, _titles
from codekit._bulk import CodeSetsArg, describe_many, get_many
from codekit._catalog import code_sets, data_releases, preload
from codekit._codes import graph_of as _graph
from codekit._codes import to_code as _to_code
from codekit._dates import to_date
from codekit._identify import also_fits, candidate_names, choose, code_set_name
from codekit._normalize import parse_for
from codekit.exceptions import (
    AmbiguousCodeError,
    InvalidCodeError,
    MissingTitleError,
    StaleDataWarning,
    UnknownCodeError,
    UnknownReleaseError,
)
from codekit.models import Code

if TYPE_CHECKING:
    from codekit._registry import Release
    from codekit.plugins import CodeSetSpec

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


def resolve(
    code: str,
    *,
    code_set: str | None = None,
    code_sets: CodeSetsArg = None,
    kind: str | None = None,
    as_of: DateArg = None,
    release: str | None = None,
) -> tuple[CodeSetSpec, str, Release]:
    """The code set, canonical code and release a lookup would use (raises on bad input).

    Without ``code_set`` the code set is the one among the candidates in which the code
    exists (see :mod:`codekit._identify`).
    """
    registry = _registry.current()
    day = to_date(as_of, "as_of") if as_of is not None else None
    if code_set is not None:
        spec = registry.spec(code_set_name(code_set))
        canonical = parse_for(code, spec)
    else:
        spec, canonical = choose(code, candidate_names(code_sets, kind), day=day, release=release)
    return spec, canonical, registry.select(spec.name, as_of=day, release=release)


# Every cache here is the registry's (Registry.memo): a rebuilt registry starts with none.
_ANSWERS = ("lookup answers",)  # (code, code_set, names, as_of, release) -> Code
_SELECTED = ("lookup selected",)  # (code set, release) -> the release a dateless lookup uses
_ENDS = ("lookup ends",)  # (code set, release id) -> the release a dated lookup answered from
_NEWEST = ("lookup newest",)  # text as typed (or (text, code_set)) -> Code in the newest
_ANSWERS_MAX = 32768


#: One lookup question: code as typed, code set, candidate names, date, release id.
_Question = tuple[str, "str | None", "tuple[str, ...] | None", "dt.date | None", "str | None"]


def _cached_lookup(
    registry: _registry.Registry, question: _Question, *, suggest: bool = True
) -> tuple[Code, bool]:
    """The lookup's answer, and whether it was remembered (by this registry)."""
    answers: dict[_Question, Code] = registry.memo(_ANSWERS, dict)
    found = answers.get(question)
    if found is not None:
        return found, True
    found = _look_up(registry, *question, suggest=suggest)
    if len(answers) >= _ANSWERS_MAX:
        answers.clear()
    answers[question] = found
    return found, False


def _look_up(  # noqa: PLR0917 - the question's five parts
    registry: _registry.Registry,
    code: str,
    code_set: str | None,
    names: tuple[str, ...] | None,
    as_of: dt.date | None,
    release: str | None,
    *,
    suggest: bool = True,
) -> Code:
    if code_set is not None:
        spec = registry.spec(code_set)
        canonical = parse_for(code, spec)
    else:
        spec, canonical = choose(code, names, day=as_of, release=release)
    try:
        chosen = _select(registry, spec.name, as_of, release)
    except UnknownReleaseError as exc:
        raise _with_hint(exc, code, spec.name) from None
    source = chosen.source()
    found = source.find(canonical)
    if not found and not suggest:  # the caller only asks whether it exists
        raise UnknownCodeError(canonical, code_set=spec.name, release=chosen.info.release)
    if not found:
        also = also_fits(code, spec.name)
        raise UnknownCodeError(
            canonical,
            code_set=spec.name,
            release=chosen.info.release,
            suggestions=source.near(canonical, 5),
            hint=f"it is {' or '.join(also)}" if also else None,
        )
    return _to_code(found[0], chosen, _graph(chosen))


def _select(
    registry: _registry.Registry, name: str, as_of: dt.date | None, release: str | None
) -> Release:
    """``registry.select``, remembered by the registry for dateless questions (a dated
    one may warn, which must happen on every call that answers from it)."""
    if as_of is not None:
        return registry.select(name, as_of=as_of, release=release)
    selected: dict[tuple[str, str | None], Release] = registry.memo(_SELECTED, dict)
    found = selected.get((name, release))
    if found is None:
        if len(selected) >= 256:  # release= spellings are the caller's: keep it bounded
            selected.clear()
        found = selected[(name, release)] = registry.select(name, release=release)
    return found


def _with_hint(error: UnknownReleaseError, code: str, code_set: str) -> UnknownReleaseError:
    """``error`` naming the code sets not identified by shape that hold ``code`` (``"11"``
    is a Place of Service as well as a modifier shape)."""
    also = also_fits(code, code_set)
    if not also:
        return error
    return UnknownReleaseError(
        error.code_set,
        f"{error}; {code!r} is also {' or '.join(also)}",
        error.available,
    )


def lookup(
    code: str,
    *,
    code_set: str | None = None,
    code_sets: CodeSetsArg = None,
    kind: str | None = None,
    as_of: DateArg = None,
    release: str | None = None,
) -> Code:
    """The code as the release in force on ``as_of`` (default: the newest) describes it.

    :param code: any spelling: case, spaces and the dot do not matter (``"e119"``, ``"E11.9"``).
    :param code_set: ``"icd10cm"``, ``"hcpcs"``, ... : the one code set the code is in.
    :param code_sets: without ``code_set``, the code sets the code may be in (default:
        every code set that is identified by its shape).
    :param kind: what the column holds: ``"diagnosis"``, ``"procedure"``, ``"modifier"`` or
        ``"place_of_service"`` (narrows the candidates like ``code_sets``).
    :param as_of: date of service (``date`` or ``"YYYY-MM-DD"``) choosing the release.
    :param release: a release id (``"FY2024"``) instead of a date.
    :raises InvalidCodeError: the input is not shaped like a code.
    :raises AmbiguousCodeError: without ``code_set``, the code exists in several of the
        candidate code sets (``E1122`` with no HCPCS code of that name is ICD-10-CM E11.22).
    :raises UnknownCodeError: no such code in that release (with suggestions).
    :raises UnknownReleaseError: no release matches.
    """
    if (
        as_of is None
        and release is None
        and code_sets is None
        and kind is None
        and _fast_owner is _registry._registry
    ):
        # The common case (newest release, asked before) skips date parsing and the LRU's
        # key building (inlined: :func:`_remembered` is a call more).
        try:
            hit = _fast.get(code if code_set is None else (code, code_set))
        except Exception:  # unhashable input: _newest says what is wrong
            hit = None
        if hit is not None:
            return hit
    return _find(code, code_set, code_sets, kind, as_of, release, suggest=True)


def _remembered(code: object, code_set: object) -> Code | None:
    """The remembered answer of a dateless question in the newest release (``None``: ask)."""
    if _fast_owner is not _registry._registry:
        return None
    try:
        return _fast.get(code if code_set is None else (code, code_set))
    except Exception:  # unhashable input: the plain way says what is wrong
        return None


def _find(  # noqa: PLR0917 - lookup's six arguments
    code: str,
    code_set: str | None,
    code_sets: CodeSetsArg,
    kind: str | None,
    as_of: DateArg,
    release: str | None,
    *,
    suggest: bool,
) -> Code:
    """:func:`lookup`'s answer; an unknown code raises :class:`UnknownCodeError` with
    suggestions only if ``suggest`` (:func:`get` and the validity checks do not show them:
    building them reads the data again, for nothing)."""
    if as_of is None and release is None and code_sets is None and kind is None:
        hit = _remembered(code, code_set)  # (lookup looked already; get and is_valid not)
        return hit if hit is not None else _newest(code, code_set, suggest=suggest)
    if not isinstance(code, str):
        raise InvalidCodeError(code, f"a code must be a string, not {type(code).__name__}")
    names = None if code_set is not None else candidate_names(code_sets, kind)
    if code_set is not None:
        code_set = code_set_name(code_set)
    day = to_date(as_of, "as_of") if as_of is not None else None
    if release is not None and not isinstance(release, str):
        raise UnknownReleaseError(
            code_set or "", f"release= takes a release id such as 'FY2024', not {release!r}"
        )
    registry = _registry.current()
    question = (code, code_set, names, day, release)
    found, remembered = _cached_lookup(registry, question, suggest=suggest)
    if day is not None and remembered:
        # A remembered answer: the release chooser warned when it was first computed; a
        # date past the newest release says so on every call, never silently.
        _warn_if_stale(registry, found, day)
    return found


def _warn_if_stale(registry: _registry.Registry, found: Code, day: dt.date) -> None:
    ends: dict[tuple[str, str], Release | None] = registry.memo(_ENDS, dict)
    key = (found.code_set, found.release)
    if key not in ends:
        ends[key] = next(
            (r for r in registry.releases(found.code_set) if r.info.release == found.release),
            None,
        )
    chosen = ends[key]
    if chosen is not None and chosen.info.until is not None and day > chosen.info.until:
        warnings.warn(
            _registry.stale_message(registry.spec(found.code_set), chosen, day),
            StaleDataWarning,
            stacklevel=3,
        )


def _newest(code: str, code_set: str | None, *, suggest: bool = True) -> Code:
    """:func:`lookup` in the newest release, remembered by the text as typed."""
    global _fast, _fast_owner
    if not isinstance(code, str):
        raise InvalidCodeError(code, f"a code must be a string, not {type(code).__name__}")
    if code_set is not None:
        code_set_name(code_set)  # raises: not a code set name
    registry = _registry.current()
    if _fast_owner is not registry:
        _fast, _fast_owner = registry.memo(_NEWEST, dict), registry
    hit, _ = _cached_lookup(registry, (code, code_set, None, None, None), suggest=suggest)
    if len(_fast) >= _FAST_MAX:
        _fast.clear()
    _fast[code if code_set is None else (code, code_set)] = hit
    return hit


_FAST_MAX = 65536
# The hot path's view of the current registry's _NEWEST memo, and the registry it is of.
_fast: dict[object, Code] = {}
_fast_owner: object = object()


def get(
    code: str,
    *,
    code_set: str | None = None,
    code_sets: CodeSetsArg = None,
    kind: str | None = None,
    as_of: DateArg = None,
    release: str | None = None,
) -> Code | None:
    """Like :func:`lookup`, but ``None`` when the code does not exist in that release."""
    try:
        return _find(code, code_set, code_sets, kind, as_of, release, suggest=False)
    except UnknownCodeError:
        return None


def describe(
    code: str,
    *,
    code_set: str | None = None,
    code_sets: CodeSetsArg = None,
    kind: str | None = None,
    as_of: DateArg = None,
    release: str | None = None,
) -> str:
    """The official description of the code (takes and raises what :func:`lookup` does).

    A code that exists but has no packaged title (``Code.title_release`` is ``None``, as
    for a code new in a release whose titles no package ships) raises
    :class:`~codekit.exceptions.MissingTitleError`, which says how to install one;
    :func:`describe_many` gives ``None`` for it.
    """
    if (
        as_of is None
        and release is None
        and code_sets is None
        and kind is None
        and _fast_owner is _registry._registry
    ):
        try:
            hit = _fast.get(code if code_set is None else (code, code_set))
        except Exception:  # unhashable input: the slow path says what is wrong
            hit = None
        if hit is not None and hit.description:
            return hit.description
    newest = code_set is not None and as_of is None and release is None
    if newest and code_sets is None and kind is None:
        # a code not asked before: its release's titles, once they are in memory
        text = _titles.newest_title(code_set, code)
        if text is not None:
            return text
    found = lookup(
        code, code_set=code_set, code_sets=code_sets, kind=kind, as_of=as_of, release=release
    )
    if not found.description:
        raise missing_title(found)
    if newest and type(code_set) is str and code_sets is None and kind is None:
        _titles.answered_plainly(code_set)
    return found.description


def missing_title(code: Code) -> MissingTitleError:
    """The error for a code with no title, with its code set's advice on getting one."""
    hint = _registry.current().spec(code.code_set).title_hint
    return MissingTitleError(code.code, code_set=code.code_set, release=code.release, hint=hint)


def is_valid(
    code: str,
    *,
    code_set: str | None = None,
    code_sets: CodeSetsArg = None,
    kind: str | None = None,
    as_of: DateArg = None,
) -> bool:
    """Whether the code may be reported for a date of service: it exists, is billable and is
    in force on that date.

    Returns a bool for any input: ``False`` for anything that is not a string, is malformed
    or is not a code of the release in force (``is_valid(None)``, ``is_valid("E11.99")``).
    Raises only when the question cannot be answered:

    * :class:`~codekit.exceptions.UnknownReleaseError`: no installed release covers the date
      (or, without ``code_set``, a candidate code set has no data to tell);
    * :class:`~codekit.exceptions.AmbiguousCodeError`: without ``code_set``, the code exists
      in several candidate code sets and is valid in some but not all of them (pass
      ``code_set=``, ``code_sets=`` or ``kind=``); when every reading agrees, that is the
      answer (``J1100`` is billable as HCPCS J1100 and as ICD-10-CM J11.00);
    * :class:`~codekit.exceptions.InvalidDateError` or
      :class:`~codekit.exceptions.UnknownCodeSetError`: the date or a code set name is not one.

    Without ``as_of`` the newest release decides (and code-level dates are checked against
    today).
    """
    day = to_date(as_of, "as_of") if as_of is not None else None
    if not isinstance(code, str):
        return False  # type: ignore[unreachable]  # callers pass anything (NaN, None)
    try:
        found = _find(code, code_set, code_sets, kind, day, None, suggest=False)
    except AmbiguousCodeError as ambiguous:
        return _valid_everywhere(code, ambiguous, day)
    except (UnknownCodeError, InvalidCodeError):
        return False
    if not found.billable:
        return False
    check = day or dt.date.today()
    start, end = found.attributes.get("start"), found.attributes.get("end")
    if start and check < to_date(start):
        return False
    return not (end and check > to_date(end))


def _valid_everywhere(code: str, ambiguous: AmbiguousCodeError, day: dt.date | None) -> bool:
    """A code of several code sets has one answer when every reading gives the same one
    (``J1100`` is billable both as HCPCS J1100 and as ICD-10-CM J11.00)."""
    try:
        answers = {is_valid(code, code_set=name, as_of=day) for name in ambiguous.candidates}
    except UnknownReleaseError:
        raise ambiguous from None  # a reading has no data: the question stays open
    if len(answers) == 1:
        return answers.pop()
    raise AmbiguousCodeError(
        ambiguous.value,
        ambiguous.candidates,
        message=f"{ambiguous}; its validity differs between them",
    ) from None


def normalize(
    code: str,
    *,
    code_set: str | None = None,
    code_sets: CodeSetsArg = None,
    kind: str | None = None,
) -> str:
    """The canonical spelling of ``code`` (``" e119 "`` → ``"E11.9"``).

    With ``code_set`` no data is read; without it the code set is identified as
    :func:`lookup` does (by what exists when the shape fits several).
    """
    registry = _registry.current()
    if code_set is not None:
        return parse_for(code, registry.spec(code_set_name(code_set)))
    return choose(code, candidate_names(code_sets, kind))[1]
