"""ICD-9-CM diagnoses (retired 2015-10-01; kept for crosswalks).

Not identified by shape: undotted ICD-9-CM codes collide with ICD-10-CM (``E119``) and CPT
(``25000``), so ask with ``code_set="icd9cm"``.
"""

from __future__ import annotations

import re

from codekit.plugins import CodeSetSpec, Registrar, hookimpl

_NUMERIC = re.compile(r"([0-9]{3}|V[0-9]{2})([0-9]{0,2})")
_EXTERNAL = re.compile(r"(E[0-9]{3})([0-9]?)")


def parse(code: str, dot: int | None) -> str | None:
    """Canonical ICD-9-CM spelling: dot after 3 characters (4 for E codes)."""
    for pattern, width in ((_NUMERIC, 3), (_EXTERNAL, 4)):
        match = pattern.fullmatch(code)
        if match is None:
            continue
        if dot is not None and dot != width:
            return None
        head, tail = match.groups()
        return f"{head}.{tail}" if tail else head
    return None


SPEC = CodeSetSpec(
    name="icd9cm",
    title="ICD-9-CM",
    pattern=r"[0-9VE][0-9]{2,4}",
    parser=parse,
    description="International Classification of Diseases, 9th Revision, Clinical Modification",
    detect=False,
    role="diagnosis",
    retired=True,
)


@hookimpl(trylast=True)
def codekit_register(registrar: Registrar) -> None:
    registrar.add_code_set(SPEC, fallback=True)
