"""A fictional payer's local supply codes, registered as a codekit code set."""

from __future__ import annotations

import datetime as dt

from codekit.models import DataRelease
from codekit.plugins import CodeRecord, CodeSetSpec, Registrar, hookimpl

SPEC = CodeSetSpec(
    name="acme",
    title="Acme Health local supply codes",
    pattern=r"AC[0-9]{3}",
    description="Example plugin code set (fictional)",
)

RELEASE = DataRelease(
    code_set="acme",
    release="2026.1",
    effective=dt.date(2026, 1, 1),
    origin="plugin",
    source="codekit-example-codes 0.1.0",
    licence="CC0 (written for the example)",
)

RECORDS = (
    CodeRecord(code="AC100", description="Wound care supplies", billable=False),
    CodeRecord(code="AC101", description="Hydrocolloid dressing, per dressing", parent="AC100"),
    CodeRecord(code="AC102", description="Foam dressing, per dressing", parent="AC100"),
    CodeRecord(
        code="AC103",
        description="Compression wrap, per roll",
        parent="AC100",
        end="2026-06-30",
    ),
)


@hookimpl
def codekit_register(registrar: Registrar) -> None:
    registrar.add_code_set(SPEC)
    registrar.add_release(RELEASE, records=RECORDS)
