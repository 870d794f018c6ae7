"""ICD-10-PCS (CMS): inpatient procedures, seven characters without a dot."""

from __future__ import annotations

from codekit.plugins import CodeSetSpec, Registrar, hookimpl

SPEC = CodeSetSpec(
    name="icd10pcs",
    title="ICD-10-PCS",
    # First character is the section (0-9, B, C, D, F, G, H, X); I and O are never used.
    pattern=r"[0-9BCDFGHX][0-9A-HJ-NP-Z]{6}",
    description="International Classification of Diseases, 10th Revision, Procedure Coding System",
    role="procedure",
)


@hookimpl(trylast=True)
def codekit_register(registrar: Registrar) -> None:
    registrar.add_code_set(SPEC, fallback=True)
