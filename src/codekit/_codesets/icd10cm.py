"""ICD-10-CM (CDC/NCHS): diagnoses, written with a dot after the third character."""

from __future__ import annotations

from codekit.plugins import CodeSetSpec, Registrar, hookimpl

SPEC = CodeSetSpec(
    name="icd10cm",
    title="ICD-10-CM",
    # A letter and a digit, then a letter or digit, then up to four characters after the dot.
    # FY2026 added genetic-disorder categories with a letter in second place (QA0); only Q
    # takes one, so local code sets such as "LB002" stay unambiguous.
    pattern=r"(?:[A-Z][0-9]|Q[A-Z])[0-9A-Z][0-9A-Z]{0,4}",
    dot_after=3,
    description="International Classification of Diseases, 10th Revision, Clinical Modification",
    role="diagnosis",
)


@hookimpl(trylast=True)
def codekit_register(registrar: Registrar) -> None:
    registrar.add_code_set(SPEC, fallback=True)
