"""Canonical FHIR system URIs of codekit's code sets, both ways."""

from __future__ import annotations

from codekit.exceptions import UnknownCodeSetError

__all__ = ["SYSTEMS", "code_set_of", "system_of"]

#: Code set -> canonical system URI (HL7's for ICD-10-CM and ICD-9-CM, CMS's and AMA's for
#: the others). Code sets with no published URI get ``urn:codekit:<name>``.
SYSTEMS: dict[str, str] = {
    "icd10cm": "http://hl7.org/fhir/sid/icd-10-cm",
    "icd10pcs": "http://www.cms.gov/Medicare/Coding/ICD10",
    "hcpcs": "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
    "cpt": "http://www.ama-assn.org/go/cpt",
    "icd9cm": "http://hl7.org/fhir/sid/icd-9-cm",
}
_URN = "urn:codekit:"
#: Display names of the systems (``Parameters.name`` of a lookup).
NAMES = {
    "icd10cm": "ICD-10-CM",
    "icd10pcs": "ICD-10-PCS",
    "hcpcs": "HCPCS Level II",
    "cpt": "CPT",
    "icd9cm": "ICD-9-CM",
}
_BY_URI = {uri: name for name, uri in SYSTEMS.items()}


def system_of(code_set: str) -> str:
    """The system URI of a code set (or of a crosswalk target such as ``hcc:V28``)."""
    return SYSTEMS.get(code_set, f"{_URN}{code_set}")


def code_set_of(system: object) -> str:
    """The code set a system URI names; ``https://`` spellings are accepted, and so is a
    trailing ``/`` or a ``|version`` suffix (which the caller reads separately)."""
    if not isinstance(system, str):
        raise UnknownCodeSetError(
            repr(system), tuple(SYSTEMS.values()), message="a system must be a URI string"
        )
    uri = system.split("|", 1)[0].strip().rstrip("/")
    if uri.startswith("https://"):
        uri = "http://" + uri[len("https://") :]
    found = _BY_URI.get(uri)
    if found is None and uri.startswith(_URN):
        found = uri[len(_URN) :]
    if found is None:
        raise UnknownCodeSetError(
            system,
            tuple(SYSTEMS.values()),
            message=f"unknown code system {system!r}; use one of the canonical URIs",
        )
    return found
