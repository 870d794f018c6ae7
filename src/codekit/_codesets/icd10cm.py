"""ICD-10-CM (CDC/NCHS): diagnoses, written with a dot after the third character."""

from __future__ import annotations

from codekit.plugins import CodeSetSpec, Registrar, hookimpl

SPEC = CodeSetSpec(
    name="icd10cm",
    title="ICD-10-CM",
    pattern=r"[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}",
    dot_after=3,
    description="International Classification of Diseases, 10th Revision, Clinical Modification",
)


@hookimpl(trylast=True)
def codekit_register(registrar: Registrar) -> None:
    registrar.add_code_set(SPEC, fallback=True)
