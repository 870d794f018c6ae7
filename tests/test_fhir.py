"""codekit.fhir: every shape validates with the ``fhir.resources`` R4B models, and says what
codekit's scalar functions and an independent peer say.

Truths: ``fhir.resources`` (structure), the canonical system URIs of the issue,
``simple_icd_10_cm`` 1.5.0 (CDC's April 2026 tabular: the display of an ICD-10-CM code),
and codekit's own ``lookup``/``is_valid``/``crosswalk``/``search`` for the values carried.
"""

from __future__ import annotations

from typing import Any

import pytest

import codekit
import codekit.fhir
from codekit.exceptions import InvalidValueError, UnknownCodeError, UnknownCodeSetError

parameters = pytest.importorskip("fhir.resources.R4B.parameters")
valueset = pytest.importorskip("fhir.resources.R4B.valueset")
simple = pytest.importorskip("simple_icd_10_cm")

CM = "http://hl7.org/fhir/sid/icd-10-cm"
PCS = "http://www.cms.gov/Medicare/Coding/ICD10"
HCPCS = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
CPT = "http://www.ama-assn.org/go/cpt"
ICD9 = "http://hl7.org/fhir/sid/icd-9-cm"


def _valid_parameters(shape: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    parameters.Parameters.model_validate(shape)
    named: dict[str, list[dict[str, Any]]] = {}
    for entry in shape["parameter"]:
        named.setdefault(entry["name"], []).append(entry)
    return named


def _properties(named: dict[str, list[dict[str, Any]]]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for prop in named.get("property", []):
        code, value = prop["part"]
        found.setdefault(code["valueCode"], []).append(
            next(v for k, v in value.items() if k.startswith("value"))
        )
    return found


def test_canonical_system_uris() -> None:
    assert codekit.fhir.SYSTEMS == {
        "icd10cm": CM,
        "icd10pcs": PCS,
        "hcpcs": HCPCS,
        "cpt": CPT,
        "icd9cm": ICD9,
    }
    assert codekit.fhir.code_set_of(HCPCS.replace("http://", "https://")) == "hcpcs"
    assert codekit.fhir.code_set_of(CM + "|FY2026") == "icd10cm"
    for bad in ("http://example.org/nope", None, 42):
        with pytest.raises(UnknownCodeSetError):
            codekit.fhir.code_set_of(bad)


@pytest.mark.parametrize("code", ["E11.9", "A00.0", "S72.001A", "E11"])
def test_lookup_display_matches_cdc_tabular(code: str) -> None:
    named = _valid_parameters(codekit.fhir.lookup(system=CM, code=code))
    assert named["display"][0]["valueString"] == simple.get_description(code)
    assert named["name"][0]["valueString"] == "ICD-10-CM"
    found = codekit.lookup(code, code_set="icd10cm")
    assert named["version"][0]["valueString"] == found.release
    props = _properties(named)
    assert props["billable"] == [simple.is_leaf(code)]
    parent = simple.get_parent(code)
    assert props.get("parent", [None]) == [parent or None]


def test_lookup_date_is_as_of_and_version_is_release() -> None:
    old = codekit.fhir.lookup(system=CM, code="E11.9", date="2019-06-01")
    assert _valid_parameters(old)["version"][0]["valueString"] == (
        codekit.lookup("E11.9", code_set="icd10cm", as_of="2019-06-01").release
    )
    pcs = _valid_parameters(codekit.fhir.lookup(system=PCS, code="0016070"))
    assert pcs["display"][0]["valueString"] == codekit.describe("0016070", code_set="icd10pcs")
    with pytest.raises(UnknownCodeError):
        codekit.fhir.lookup(system=CM, code="E11.99")


@pytest.mark.parametrize(
    ("system", "code", "date"),
    [
        (CM, "E11.9", "2024-01-01"),
        (CM, "E11", "2024-01-01"),  # a header: not billable
        (CM, "U07.1", "2019-06-01"),  # before it existed
        (CM, "U07.1", "2020-06-01"),
        (CM, "E11.99", None),  # no such code
        (HCPCS, "J1100", None),
        (PCS, "0016070", None),
    ],
)
def test_validate_code_result_is_is_valid(system: str, code: str, date: str | None) -> None:
    named = _valid_parameters(codekit.fhir.validate_code(system=system, code=code, date=date))
    code_set = codekit.fhir.code_set_of(system)
    expected = codekit.is_valid(code, code_set=code_set, as_of=date)
    assert named["result"][0]["valueBoolean"] is expected
    assert ("message" in named) is (not expected)


def test_validate_code_checks_a_given_display() -> None:
    right = simple.get_description("E11.9")
    ok = _valid_parameters(codekit.fhir.validate_code(system=CM, code="E11.9", display=right))
    wrong = _valid_parameters(codekit.fhir.validate_code(system=CM, code="E11.9", display="x"))
    assert ok["result"][0]["valueBoolean"] is True
    assert wrong["result"][0]["valueBoolean"] is False


@pytest.mark.parametrize("code", ["250.00", "0031", "E9990"])
def test_translate_carries_every_gem_target_and_its_flags(code: str) -> None:
    named = _valid_parameters(codekit.fhir.translate(system=ICD9, code=code, target=CM))
    mappings = codekit.crosswalk(code, to="icd10cm", source="icd9cm")
    matches = named.get("match", [])
    assert len(matches) == len(mappings)
    for match, mapping in zip(matches, mappings, strict=True):
        parts = {p["name"]: p for p in match["part"]}
        if mapping.target is not None:
            assert parts["concept"]["valueCoding"] == {"system": CM, "code": mapping.target} | (
                {"display": mapping.description} if mapping.description else {}
            )
        assert parts["approximate"]["valueBoolean"] is mapping.approximate
        assert parts["no_map"]["valueBoolean"] is mapping.no_map
        assert parts["combination"]["valueBoolean"] is mapping.combination
        assert parts["scenario"]["valueInteger"] == mapping.scenario
        assert parts["choice_list"]["valueInteger"] == mapping.choice_list
    assert named["result"][0]["valueBoolean"] is any(not m.no_map for m in mappings)
    assert codekit.fhir.to_fhir(mappings) == codekit.fhir.translate(
        system=ICD9, code=code, target=CM
    )


def test_expand_is_the_search_page() -> None:
    shape = codekit.fhir.expand(filter="diabetes", system=CM, count=5, offset=5)
    valueset.ValueSet.model_validate(shape)
    results = codekit.search("diabetes", code_sets="icd10cm", limit=5, offset=5)
    contains = shape["expansion"]["contains"]
    assert [(c["system"], c["code"]) for c in contains] == [(CM, h.code) for h in results.hits]
    assert shape["expansion"]["offset"] == 5
    assert ("total" in shape["expansion"]) is (not results.has_more)
    last = codekit.fhir.expand(filter="cholera", system=CM, count=50)
    valueset.ValueSet.model_validate(last)
    assert last["expansion"]["total"] == len(last["expansion"]["contains"])


def test_to_fhir_of_values_and_of_what_is_not_one() -> None:
    code = codekit.lookup("E11.9", code_set="icd10cm")
    assert codekit.fhir.to_fhir(code) == codekit.fhir.lookup(system=CM, code="E11.9")
    results = codekit.search("asthma", code_sets="icd10cm", limit=3)
    valueset.ValueSet.model_validate(codekit.fhir.to_fhir(results))
    with pytest.raises(InvalidValueError, match="validate_code"):
        codekit.fhir.to_fhir(True)
