"""Plain-language descriptions of a few ICD-10-CM codes, hand-written for this example."""

from __future__ import annotations

from codekit.plugins import Registrar, hookimpl

__all__ = ["PLAIN_LANGUAGE", "SOURCE", "codekit_register"]

SOURCE = "codekit-plain-language example (hand-written)"

PLAIN_LANGUAGE: dict[str, str] = {
    "E11.9": "Type 2 diabetes that is not causing any other health problems right now.",
    "E78.5": "High cholesterol or other blood fats, type not specified.",
    "F41.1": "Ongoing worry and anxiety about many everyday things.",
    "I10": "High blood pressure with no known underlying cause.",
    "J06.9": "A cold or other infection of the nose and throat.",
    "J45.909": "Asthma, not currently flaring up, severity not specified.",
    "K21.9": "Acid reflux (heartburn) without damage to the food pipe.",
    "M54.50": "Pain in the lower back, cause not specified.",
    "R51.9": "A headache, cause not specified.",
    "Z00.00": "A routine adult check-up where nothing abnormal was found.",
}


@hookimpl
def codekit_register(registrar: Registrar) -> None:
    registrar.add_descriptions(
        "icd10cm", source=SOURCE, kind="plain_language", descriptions=PLAIN_LANGUAGE
    )
