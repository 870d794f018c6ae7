"""Which code set a code belongs to: decided by what exists, not by its shape alone.

An undotted ``E1122`` fits ICD-10-CM (``E11.22``) and HCPCS Level II (``E1122``); ``G0008``
fits HCPCS and, by shape only, ICD-10-CM ``G00.08``, which does not exist. :func:`choose`
takes every code set whose shape the text fits, asks each one's release (in force on the date
when one is given) whether the code exists there, and answers with the one where it does.
:class:`~codekit.exceptions.AmbiguousCodeError` is raised only when the code really exists in
more than one. Callers narrow the candidates with ``code_sets=`` or ``kind=`` (what a column
holds); ``code_set=`` names the one code set and skips identification.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from codekit import _registry
from codekit._normalize import compact, shapes
from codekit.exceptions import (
    AmbiguousCodeError,
    InvalidCodeError,
    UnknownCodeError,
    UnknownCodeSetError,
    UnknownReleaseError,
)

if TYPE_CHECKING:
    import datetime as dt

    from codekit._registry import Registry, Release
    from codekit.plugins import CodeSetSpec

__all__ = ["also_fits", "candidate_names", "choose", "code_set_name", "kinds"]


def kinds(registry: Registry) -> dict[str, tuple[str, ...]]:
    """What ``kind=`` accepts: each claim-column kind with the code sets of that ``role``.

    Read from the registered specs (:attr:`~codekit.plugins.CodeSetSpec.role`), so a
    plugin's code set joins its kind, and a kind never names a code set not registered.
    """
    found: dict[str, list[str]] = {}
    for spec in registry.specs():
        if spec.role is not None:
            found.setdefault(spec.role, []).append(spec.name)
    return {role: tuple(names) for role, names in found.items()}


def code_set_name(value: object, parameter: str = "code_set") -> str:
    """``value`` checked as one code set name (raises :class:`UnknownCodeSetError` if not)."""
    if isinstance(value, str):
        return value
    registry = _registry.current()
    known = [spec.name for spec in registry.specs()]
    if isinstance(value, list | tuple | set | frozenset):
        raise UnknownCodeSetError(
            repr(value),
            known,
            message=f"{parameter}= takes one code set name, not a {type(value).__name__}; "
            f"to give several candidates pass code_sets=[...]",
        )
    raise UnknownCodeSetError(repr(value), known)


def candidate_names(
    code_sets: str | Iterable[str] | None = None, kind: str | None = None
) -> tuple[str, ...] | None:
    """The code sets to consider, from ``code_sets=`` and ``kind=`` (``None``: all by shape).

    Both given: the code sets in both. Raises :class:`UnknownCodeSetError` for an unknown
    name or kind.
    """
    if code_sets is None and kind is None:
        return None
    registry = _registry.current()
    known = [spec.name for spec in registry.specs()]
    names: tuple[str, ...] | None = None
    if code_sets is not None:
        if isinstance(code_sets, str):
            code_sets = (code_sets,)
        elif not isinstance(code_sets, Iterable) or isinstance(code_sets, bytes | dict):
            raise UnknownCodeSetError(
                repr(code_sets),
                known,
                message="code_sets= takes a list of code set names",
            )
        names = tuple(dict.fromkeys(code_set_name(n, "code_sets") for n in code_sets))
        for name in names:
            registry.spec(name)
        if not names:
            raise UnknownCodeSetError("[]", known, message="code_sets= is empty: name at least one")
    if kind is not None:
        roles = kinds(registry)
        if not isinstance(kind, str) or kind not in roles:
            raise UnknownCodeSetError(
                repr(kind),
                known,
                message=f"unknown kind {kind!r}; kinds are: {', '.join(sorted(roles))}",
            )
        of_kind = roles[kind]
        names = of_kind if names is None else tuple(n for n in names if n in of_kind)
        if not names:
            raise UnknownCodeSetError(
                repr(kind), known, message=f"no registered code set is of kind {kind!r}"
            )
    return names


def _release(
    registry: Registry, name: str, day: dt.date | None, release: str | None
) -> Release | None:
    try:
        return registry.select(name, as_of=day, release=release)
    except UnknownReleaseError:
        return None


def choose(
    text: str,
    names: tuple[str, ...] | None,
    *,
    day: dt.date | None = None,
    release: str | None = None,
) -> tuple[CodeSetSpec, str]:
    """The code set and canonical spelling of ``text``, among ``names`` (``None``: every
    code set identified by shape).

    With one candidate shape, that code set is the answer (whether the code exists is the
    lookup's question). With several, the one whose release in force (``day``,
    ``release``) holds the code. A code set whose releases are all out of force then holds
    none; one with no release at all cannot tell, which leaves the choice open
    (:class:`AmbiguousCodeError` or :class:`UnknownReleaseError`).
    """
    registry = _registry.current()
    if names is None:
        specs = [spec for spec in registry.specs() if spec.detect]
    else:
        specs = [registry.spec(name) for name in names]
    if not specs:
        compact(text)  # input that is no code at all says so first
    fits = shapes(text, specs)
    if not fits:
        raise InvalidCodeError(text, _no_shape_message(registry, text, names))
    if len(fits) == 1:
        return fits[0]
    existing: list[tuple[CodeSetSpec, str]] = []
    checked: list[tuple[CodeSetSpec, str, Release]] = []
    # A code set with releases, none of them in force then, holds no code on that date
    # (ICD-9-CM after 2015); one with no release at all cannot tell (HCPCS not installed).
    unchecked: list[tuple[CodeSetSpec, str]] = []
    out_of_force: list[tuple[CodeSetSpec, str]] = []
    for spec, canonical in fits:
        chosen = _release(registry, spec.name, day, release)
        if chosen is None:
            (out_of_force if registry.releases(spec.name) else unchecked).append((spec, canonical))
            continue
        checked.append((spec, canonical, chosen))
        if chosen.source().find(canonical):
            existing.append((spec, canonical))
    if len(existing) == 1 and not unchecked:
        return existing[0]
    if len(existing) > 1:
        raise AmbiguousCodeError(text, {spec.name: canonical for spec, canonical in existing})
    if existing:
        # It exists in one code set, but another that it fits has no data to tell.
        spec, canonical = existing[0]
        missing = ", ".join(f"{s.title} {c}" for s, c in unchecked)
        raise AmbiguousCodeError(
            text,
            {s.name: c for s, c in sorted([*existing, *unchecked], key=lambda x: x[0].name)},
            message=f"{text!r} is {spec.title} {canonical}, but it may also be {missing}: no "
            f"release of {', '.join(s.title for s, _ in unchecked)} is installed to tell; "
            f"pass code_set= (or kind=) to choose, or install that data "
            f"({unchecked[0][0].install_hint})",
        )
    absent = [f"{s.title} {c} (in {r.info.release})" for s, c, r in checked]
    absent += [f"{s.title} {c} (no release in force then)" for s, c in out_of_force]
    if unchecked or not checked:
        spec, canonical = (unchecked or out_of_force)[0]
        found_in = f"{text!r} is not {', '.join(absent)}, and " if absent else f"{text!r}: "
        if not unchecked:
            raise UnknownReleaseError(
                spec.name,
                f"{text!r}: no release of {', '.join(s.title for s, _ in out_of_force)} is "
                "in force on that date",
            )
        raise UnknownReleaseError(
            spec.name,
            f"{found_in}no {spec.title} release is installed to tell whether it is "
            f"{spec.title} {canonical}; {spec.install_hint}",
        )
    spec, canonical, chosen = checked[0]
    raise UnknownCodeError(
        canonical,
        code_set=spec.name,
        release=chosen.info.release,
        suggestions=chosen.source().near(canonical, 5),
        hint=f"nor is it {', '.join(absent[1:])}" if len(absent) > 1 else None,
    )


def _no_shape_message(registry: Registry, text: str, names: tuple[str, ...] | None) -> str:
    """What ``text`` could be when no candidate code set fits: the code sets that are not
    identified by shape (ICD-9-CM, Place of Service) are named when the code fits them."""
    asked = set(names) if names is not None else {s.name for s in registry.specs() if s.detect}
    others = [s for s in registry.specs() if s.name not in asked]
    try:
        fits = shapes(text, others)
    except InvalidCodeError:  # none of the others' grammars takes it either
        fits = []
    hints = [f"{spec.title} {canonical} (code_set={spec.name!r})" for spec, canonical in fits]
    if names is not None:
        where = f"any of {', '.join(names)}"
    else:
        where = "any code set identified by shape"
    message = f"{text!r} is not shaped like a code of {where}"
    if hints:
        message += f"; it looks like {' or '.join(hints)}"
    return message


def also_fits(text: str, chosen: str) -> list[str]:
    """Code sets not identified by shape whose release holds ``text`` (for hints such as
    "``11`` is also the Place of Service Office")."""
    registry = _registry.current()
    others = [s for s in registry.specs() if not s.detect and s.name != chosen]
    try:
        fits = shapes(text, others)
    except InvalidCodeError:
        return []
    found = []
    for spec, canonical in fits:
        release = _release(registry, spec.name, None, None)
        if release is None:
            continue
        records = release.source().find(canonical)
        if records:
            found.append(
                f"{spec.title} {canonical} {records[0].description!r} (code_set={spec.name!r})"
            )
    return found
