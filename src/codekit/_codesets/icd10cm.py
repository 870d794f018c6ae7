"""ICD-10-CM (CDC/NCHS): diagnoses, written with a dot after the third character."""

from __future__ import annotations

from codekit.plugins import CodeSetSpec, Registrar, hookimpl

SPEC = CodeSetSpec(
    name="icd10cm",
    title="ICD-10-CM",
    # A letter, then two letters or digits (FY2026 added categories such as QA0), then up
    # to four more characters after the dot.
    pattern=r"[A-Z][0-9A-Z]{2}[0-9A-Z]{0,4}",
    dot_after=3,
    description="International Classification of Diseases, 10th Revision, Clinical Modification",
)


@hookimpl(trylast=True)
def codekit_register(registrar: Registrar) -> None:
    registrar.add_code_set(SPEC, fallback=True)
