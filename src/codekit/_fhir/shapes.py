"""codekit values as JSON-ready FHIR ``Parameters`` and ``ValueSet`` dicts (R4/R4B/R5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from codekit._fhir.systems import NAMES, system_of

if TYPE_CHECKING:
    from codekit._crosswalk._values import Mapping
    from codekit._search import SearchResults
    from codekit.models import Code

__all__ = ["expand_valueset", "lookup_parameters", "translate_parameters", "validate_parameters"]

_DISPLAY_USE = {"system": "http://snomed.info/sct", "code": "900000000000013009"}
_FLAGS = ("approximate", "no_map", "combination", "scenario", "choice_list")


def _param(name: str, kind: str, value: Any) -> dict[str, Any]:
    return {"name": name, f"value{kind}": value}


def lookup_parameters(code: Code) -> dict[str, Any]:
    """``CodeSystem/$lookup``'s answer for a looked-up code: name, version (the release),
    display, a designation for the short description, and properties (parent, billable,
    kind, title release, and one ``note`` per tabular note)."""
    params: list[dict[str, Any]] = [
        _param("name", "String", NAMES.get(code.code_set, code.code_set)),
        _param("version", "String", code.release),
        _param("display", "String", code.description),
    ]
    if code.short_description and code.short_description != code.description:
        params.append(
            {
                "name": "designation",
                "part": [
                    _param("use", "Coding", dict(_DISPLAY_USE, display="Synonym")),
                    _param("value", "String", code.short_description),
                ],
            }
        )
    props: list[tuple[str, str, Any]] = [
        ("billable", "Boolean", bool(code.billable)),
        ("kind", "String", code.kind),
    ]
    if code.parent:
        props.append(("parent", "Code", code.parent))
    if code.title_release:
        props.append(("title-release", "String", code.title_release))
    for kind, texts in sorted(code.notes.items()):
        props.extend((f"note-{kind}", "String", text) for text in texts)
    for name, kind, value in props:
        params.append(
            {
                "name": "property",
                "part": [_param("code", "Code", name), _param("value", kind, value)],
            }
        )
    return {"resourceType": "Parameters", "parameter": params}


def validate_parameters(
    *, valid: bool, code: str, system: str, display: str | None, message: str | None
) -> dict[str, Any]:
    """``CodeSystem/$validate-code``'s answer: result, and a message and display when known."""
    params = [
        _param("result", "Boolean", valid),
        _param("code", "Code", code),
        _param("system", "Uri", system),
    ]
    if display:
        params.append(_param("display", "String", display))
    if message:
        params.append(_param("message", "String", message))
    return {"resourceType": "Parameters", "parameter": params}


def translate_parameters(
    mappings: Sequence[Mapping], *, message: str | None = None
) -> dict[str, Any]:
    """``ConceptMap/$translate``'s answer: one ``match`` per target, its GEM flags carried as
    parts (``approximate`` makes the equivalence ``inexact``; a no-map row is ``unmatched``)."""
    params: list[dict[str, Any]] = []
    matches = []
    for m in mappings:
        if m.no_map or m.target is None:
            equivalence = "unmatched"
        else:
            equivalence = "inexact" if m.approximate else "equivalent"
        parts: list[dict[str, Any]] = [_param("equivalence", "Code", equivalence)]
        if m.target is not None:
            coding: dict[str, Any] = {
                "system": system_of(m.target_code_set),
                "code": m.target,
            }
            if m.description:
                coding["display"] = m.description
            parts.append(_param("concept", "Coding", coding))
        for flag in _FLAGS:
            value = getattr(m, flag)
            kind = "Boolean" if isinstance(value, bool) else "Integer"
            parts.append(_param(flag, kind, value))
        parts.append(_param("source", "Uri", f"urn:codekit:crosswalk:{m.crosswalk}:{m.release}"))
        matches.append({"name": "match", "part": parts})
    found = any(m.target is not None and not m.no_map for m in mappings)
    params.append(_param("result", "Boolean", found))
    if message or not found:
        params.append(_param("message", "String", message or "no target for this code"))
    return {"resourceType": "Parameters", "parameter": params + matches}


def expand_valueset(
    results: SearchResults, *, url: str | None = None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """``ValueSet/$expand``'s answer for a search: ``expansion`` with offset, ``total`` when
    the last page is reached (codekit does not count every match), and ``contains``."""
    when = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    contains = [
        {
            "system": system_of(hit.code_set),
            "version": hit.release,
            "code": hit.code,
            "display": hit.description,
            **({} if hit.billable else {"abstract": True}),
        }
        for hit in results.hits
    ]
    expansion: dict[str, Any] = {
        "timestamp": when.isoformat(),
        "offset": results.offset,
        "parameter": [
            _param("filter", "String", results.query),
            _param("count", "Integer", results.limit),
        ],
        "contains": contains,
    }
    if not results.has_more:
        expansion["total"] = results.offset + len(contains)
    if not contains:
        del expansion["contains"]
    value_set: dict[str, Any] = {"resourceType": "ValueSet", "status": "active"}
    if url:
        value_set["url"] = url
    value_set["expansion"] = expansion
    return value_set
