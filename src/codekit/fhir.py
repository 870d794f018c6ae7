"""FHIR terminology operations over codekit: JSON-ready ``Parameters`` and ``ValueSet`` dicts.

:func:`lookup`, :func:`validate_code`, :func:`translate` and :func:`expand` take FHIR-style
arguments (``system`` URIs, ``date`` as the date of service, ``version`` as the release) and
answer as a terminology server's ``CodeSystem/$lookup``, ``CodeSystem/$validate-code``,
``ConceptMap/$translate`` and ``ValueSet/$expand`` do; :func:`to_fhir` turns values you
already hold (a :class:`~codekit.Code`, a crosswalk result, :class:`~codekit.SearchResults`)
into the same shapes. See ``docs/fhir.md``.

>>> import codekit.fhir
>>> answer = codekit.fhir.lookup(system="http://hl7.org/fhir/sid/icd-10-cm", code="E11.9")
>>> for entry in answer["parameter"][:3]:
...     print(entry["name"], entry["valueString"])
name ICD-10-CM
version FY2027
display Type 2 diabetes mellitus without complications
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import codekit
from codekit._fhir.shapes import (
    expand_valueset,
    lookup_parameters,
    translate_parameters,
    validate_parameters,
)
from codekit._fhir.systems import SYSTEMS, code_set_of, system_of
from codekit.exceptions import CodekitError, InvalidValueError

__all__ = [
    "SYSTEMS",
    "code_set_of",
    "expand",
    "lookup",
    "system_of",
    "to_fhir",
    "translate",
    "validate_code",
]

DateArg = dt.date | dt.datetime | str | None


def lookup(
    *, system: str, code: str, date: DateArg = None, version: str | None = None
) -> dict[str, Any]:
    """``CodeSystem/$lookup``: the code's display, designations and properties.

    ``date`` is the date of service (codekit's ``as_of``); ``version`` a release. Raises
    what :func:`codekit.lookup` raises (an unknown code: ``UnknownCodeError``, which a
    server answers with 404), and ``UnknownCodeSetError`` for a system codekit does not know.
    """
    found = codekit.lookup(code, code_set=code_set_of(system), as_of=date, release=version)
    return lookup_parameters(found)


def validate_code(
    *,
    system: str,
    code: str,
    date: DateArg = None,
    display: str | None = None,
    version: str | None = None,
) -> dict[str, Any]:
    """``CodeSystem/$validate-code``: whether the code may be reported on ``date`` (it exists,
    is billable, is in force), with a message saying why not, and the display. A ``display``
    given that differs from the code's is a failure too."""
    code_set = code_set_of(system)
    uri = system_of(code_set)
    if not isinstance(code, str):  # callers pass anything
        return validate_parameters(  # type: ignore[unreachable]
            valid=False, code=str(code), system=uri, display=None, message="a code is text"
        )
    try:
        found = codekit.lookup(code, code_set=code_set, as_of=date, release=version)
    except CodekitError as exc:
        return validate_parameters(
            valid=False, code=code, system=uri, display=None, message=str(exc)
        )
    valid = codekit.is_valid(found.code, code_set=code_set, as_of=date)
    message = None
    if not valid:
        when = f" on {date}" if date is not None else ""
        why = "is not billable (a header)" if not found.billable else f"is not in force{when}"
        message = f"{found.code} {why} in {code_set} {found.release}"
    elif display is not None and display != found.description:
        valid = False
        message = f"the display for {found.code} is {found.description!r}, not {display!r}"
    return validate_parameters(
        valid=valid, code=found.code, system=uri, display=found.description, message=message
    )


def translate(
    *, system: str, code: str, target: str, date: DateArg = None, version: str | None = None
) -> dict[str, Any]:
    """``ConceptMap/$translate``: every target of ``code`` in the crosswalk to ``target`` (a
    system URI such as ICD-10-CM's, or a codekit crosswalk name such as ``hcc:V28``), each
    ``match`` carrying the GEM flags."""
    source = code_set_of(system)
    to = target if "://" not in target and not target.startswith("urn:") else code_set_of(target)
    mappings = codekit.crosswalk(code, to=to, source=source, as_of=date, release=version)
    return translate_parameters(mappings)


def expand(
    *,
    filter: str,
    system: str | Sequence[str] | None = None,
    count: int = 10,
    offset: int = 0,
    date: DateArg = None,
) -> dict[str, Any]:
    """``ValueSet/$expand`` of an implicit value set: the codes of ``system`` (one URI,
    several, or every code system) matching ``filter``, as :func:`codekit.search` ranks them."""
    if system is None:
        sets = None
    elif isinstance(system, str):
        sets = [code_set_of(system)]
    else:
        sets = [code_set_of(s) for s in system]
    results = codekit.search(filter, code_sets=sets, limit=count, offset=offset, as_of=date)
    return expand_valueset(results)


def to_fhir(value: Any) -> dict[str, Any]:
    """The FHIR shape of a codekit value: a :class:`~codekit.Code` (``$lookup``), a
    :class:`~codekit.SearchResults` (``$expand``), or the tuple of mappings
    :func:`codekit.crosswalk` returns (``$translate``)."""
    from codekit._crosswalk._values import Mapping
    from codekit._search import SearchResults
    from codekit.models import Code

    if isinstance(value, Code):
        return lookup_parameters(value)
    if isinstance(value, SearchResults):
        return expand_valueset(value)
    if isinstance(value, tuple | list) and all(isinstance(m, Mapping) for m in value):
        return translate_parameters(value)
    raise InvalidValueError(
        "value",
        value,
        f"to_fhir takes a Code, SearchResults or crosswalk mappings, not {type(value).__name__}"
        " (for a validity check use codekit.fhir.validate_code)",
    )
