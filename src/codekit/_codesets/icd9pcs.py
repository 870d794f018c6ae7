"""ICD-9-CM procedures (Volume 3; retired 2015-10-01; kept for crosswalks).

Codes are two digits, a dot, then one or two digits (``00.01``, ``81.54``); the three-digit
categories (``81.5``) are not reportable but are kept as codes of the release. Not
identified by shape (``8154`` is also a CPT-like number), so ask with ``code_set="icd9pcs"``.
"""

from __future__ import annotations

import re

from codekit.plugins import CodeSetSpec, Registrar, hookimpl

_SHAPE = re.compile(r"([0-9]{2})([0-9]{1,2})")


def parse(code: str, dot: int | None) -> str | None:
    """Canonical ICD-9-CM procedure spelling: dot after 2 digits."""
    match = _SHAPE.fullmatch(code)
    if match is None or (dot is not None and dot != 2):
        return None
    head, tail = match.groups()
    return f"{head}.{tail}"


SPEC = CodeSetSpec(
    name="icd9pcs",
    title="ICD-9-CM procedures",
    pattern=r"[0-9]{3,4}",
    parser=parse,
    description="ICD-9-CM Volume 3: procedure codes used on inpatient claims until 2015-09-30",
    detect=False,
    role="procedure",
    retired=True,
)


@hookimpl(trylast=True)
def codekit_register(registrar: Registrar) -> None:
    registrar.add_code_set(SPEC, fallback=True)
