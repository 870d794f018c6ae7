"""HCPCS Level II (CMS): a letter A-V and four digits. Data comes from installed packs."""

from __future__ import annotations

from codekit.plugins import CodeSetSpec, Registrar, hookimpl

SPEC = CodeSetSpec(
    name="hcpcs",
    title="HCPCS Level II",
    pattern=r"[A-V][0-9]{4}",
    description="Healthcare Common Procedure Coding System, Level II",
    role="procedure",
    claim_edits=("ncci",),
    install_hint=(
        "install CMS's Alpha-Numeric HCPCS file with `codekit data install FILE` or "
        "`codekit data fetch hcpcs --release YEAR-QTR` (the quarter of the date of service, such "
        "as 2026-OCT)"
    ),
)


@hookimpl(trylast=True)
def codekit_register(registrar: Registrar) -> None:
    registrar.add_code_set(SPEC, fallback=True)
