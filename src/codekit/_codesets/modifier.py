"""HCPCS modifiers (two characters). The codes and their quarterly validity windows, Level I
and Level II, are packaged without descriptions (from CMS's IOCE tables,
``scripts/build_cpt.py``); Level II descriptions come from the HCPCS file packs, and CPT
(Level I) modifier descriptors are AMA-licensed and never ship."""

from __future__ import annotations

from codekit.plugins import CodeSetSpec, Registrar, hookimpl

SPEC = CodeSetSpec(
    name="modifier",
    title="HCPCS modifier",
    pattern=r"[0-9A-Z]{2}",
    description="HCPCS Level I and Level II modifiers",
    role="modifier",
    install_hint=(
        "Level II modifiers come with CMS's Alpha-Numeric HCPCS file: `codekit data install "
        "FILE` or `codekit data fetch hcpcs --release YEAR-QTR` (such as 2026-OCT); "
        "Level I (CPT) modifier descriptors are AMA-licensed and never ship"
    ),
    title_hint=(
        "codekit packages modifier codes and their validity only: Level II descriptions come "
        "with CMS's Alpha-Numeric HCPCS file (`codekit data install FILE` or `codekit data "
        "fetch hcpcs`), and Level I (CPT) modifier descriptors are AMA-licensed and never ship"
    ),
)


@hookimpl(trylast=True)
def codekit_register(registrar: Registrar) -> None:
    registrar.add_code_set(SPEC, fallback=True)
