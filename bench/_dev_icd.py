"""A stand-in ICD-10-CM release from simple_icd_10_cm (FY2026 April), used by the search
benchmark only when codekit has no packaged ICD-10-CM data."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from codekit.models import DataRelease
from codekit.plugins import CodeRecord, Registrar, hookimpl

if TYPE_CHECKING:
    from collections.abc import Iterator


def _records() -> Iterator[CodeRecord]:
    import simple_icd_10_cm as cm

    for code in cm.get_all_codes(True):
        leaf = cm.is_leaf(code)
        kind = (
            "chapter"
            if cm.is_chapter(code)
            else "block"
            if cm.is_block(code)
            else ("code" if leaf or len(code.replace(".", "")) > 3 else "category")
        )
        terms = tuple(cm.get_inclusion_term(code))
        yield CodeRecord(
            code=code,
            description=cm.get_description(code),
            billable=leaf and kind in ("code", "category"),
            kind=kind,  # type: ignore[arg-type]
            notes={"inclusion_term": terms} if terms else {},
        )


@hookimpl
def codekit_register(registrar: Registrar) -> None:
    records = list(_records())
    registrar.add_release(
        DataRelease(
            code_set="icd10cm",
            release="dev-FY2026",
            effective=dt.date(2025, 10, 1),
            origin="plugin",
            sha256="simple-icd-10-cm-1.5.0",
            rows=len(records),
        ),
        records=records,
    )
