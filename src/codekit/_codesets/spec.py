"""The code-set spec: what a code set is called, what its codes look like, and its traits.

Everything codekit needs to know about a code set, beyond its data, is a field of
:class:`CodeSetSpec`, so no capability keeps its own list of code-set names: whether it is
retired, whether its descriptors are licensed, what a page says when none is available,
which claim edits are keyed by its codes, the kind of claim column that holds them, and its
code grammar (the characters its codes use and how typed text is compacted).

This module sits below every capability: it imports only the normalisation layer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

import attrs

from codekit._normalize import DEFAULT_GRAMMAR, CodeGrammar

__all__ = ["KIND_RANK", "NAME", "CodeGrammar", "CodeSetSpec", "kind_rank"]

#: What a code-set name (and a descriptor kind) looks like: ``icd10cm``, ``acme:local``.
NAME = re.compile(r"[a-z][a-z0-9_]*(:[a-z0-9_]+)?")
_ROLE = re.compile(r"[a-z][a-z0-9_]*")

#: The kinds of item a classification has, most specific first: items of several kinds may
#: share a code (an ICD-10-CM block and category both called ``B20``) and are listed so.
KIND_RANK: Mapping[str, int] = MappingProxyType(
    {"code": 0, "category": 1, "block": 2, "chapter": 3}
)


def kind_rank(kind: str) -> int:
    """Where items of ``kind`` sort among items of one code (unknown kinds last)."""
    return KIND_RANK.get(kind, len(KIND_RANK))


def _check_name(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not NAME.fullmatch(value):
        raise ValueError(f"{attribute.name} must be lower-case letters, digits and _: {value!r}")


def _check_role(_: object, attribute: attrs.Attribute[str | None], value: str | None) -> None:
    if value is not None and (not isinstance(value, str) or not _ROLE.fullmatch(value)):
        raise ValueError(f"{attribute.name} must be lower-case letters, digits and _: {value!r}")


def _names(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        value = (value,)
    names = tuple(value)
    bad = [name for name in names if not isinstance(name, str) or not _ROLE.fullmatch(name)]
    if bad:
        raise ValueError(f"claim_edits names edit families such as 'ncci', not {bad[0]!r}")
    return names


def _default_parse(spec: CodeSetSpec, code: str, dot: int | None) -> str | None:
    if not spec.compiled.fullmatch(code):
        return None
    if spec.dot_after is None:
        return code if dot is None else None
    if dot is not None and dot != spec.dot_after:
        return None
    if len(code) > spec.dot_after:
        return f"{code[: spec.dot_after]}.{code[spec.dot_after :]}"
    return code


@attrs.frozen(kw_only=True)
class CodeSetSpec:
    """What a code set is called, what its codes look like, and its traits.

    ``pattern`` is a regular expression the *compact* code (see ``grammar``: by default
    upper case, no white space, no dot) must match in full. ``dot_after`` gives the
    canonical dot position for code sets written with a dot (ICD-10-CM: 3); input may then
    carry the dot only there. Code sets with irregular spellings pass ``parser``: a function
    of ``(compact_code, dot_index)`` returning the canonical code or ``None``.
    ``grammar`` says which characters codes use and how typed text is compacted
    (``CodeGrammar(symbols="-")`` lets LOINC's ``2345-7`` through). ``detect=False`` keeps
    the code set out of identification by shape (its codes are then found only with
    ``code_set=``), for code sets whose shapes collide with common ones (ICD-9-CM ``E119``
    and ICD-10-CM ``E11.9``). ``role`` is the kind of claim column its codes fill
    (``"diagnosis"``, ``"procedure"``, ``"modifier"``, ``"place_of_service"``: what
    ``kind=`` selects). ``install_hint`` is what an error says when no release of the code
    set is available. ``retired=True`` marks a code set no longer in use (ICD-9-CM): a date
    of service after its last release raises instead of being answered from it with a
    ``StaleDataWarning``, and search leaves it out unless asked. ``title_hint`` is what
    :class:`~codekit.exceptions.MissingTitleError` says when a code exists but no title for
    it is available (``None``: install the release's CMS file as a pack). ``licensed=True``
    marks a code set whose descriptors (and code lists) are licensed and come only from a
    licensee's plugin (CPT); ``descriptor_hint`` is what a code page says when no descriptor
    of a code is available. ``claim_edits`` names the claim-edit families keyed by its codes
    (``("ncci",)`` for HCPCS and CPT).
    """

    name: str = attrs.field(validator=_check_name)
    title: str
    pattern: str
    dot_after: int | None = None
    description: str = ""
    detect: bool = True
    #: What to tell a user who asks for this code set while no release is installed.
    install_hint: str = (
        "install a release with `codekit data install FILE` (see `codekit data --help`)"
    )
    parser: Callable[[str, int | None], str | None] | None = attrs.field(default=None, eq=False)
    retired: bool = False
    title_hint: str | None = None
    licensed: bool = False
    descriptor_hint: str | None = None
    claim_edits: tuple[str, ...] = attrs.field(default=(), converter=_names)
    role: str | None = attrs.field(default=None, validator=_check_role)
    grammar: CodeGrammar = attrs.field(
        default=DEFAULT_GRAMMAR, validator=attrs.validators.instance_of(CodeGrammar)
    )
    compiled: re.Pattern[str] = attrs.field(init=False, eq=False, repr=False)

    @compiled.default
    def _compile(self) -> re.Pattern[str]:
        try:
            return re.compile(self.pattern)
        except re.error as exc:
            raise ValueError(f"pattern of code set {self.name!r} is not a regex: {exc}") from exc

    def parse(self, code: str, dot: int | None) -> str | None:
        """Canonical spelling of a compact code (see :func:`codekit._normalize.compact`)."""
        if self.parser is not None:
            return self.parser(code, dot)
        return _default_parse(self, code, dot)
