"""CPT code numbers: five digits, category II ``NNNNF``, category III ``NNNNT``, PLA ``NNNNU``.

Only the numbers are known to codekit: CPT descriptors are AMA-licensed and come only from a
licensee's own file through a plugin.
"""

from __future__ import annotations

from codekit.plugins import CodeSetSpec, Registrar, hookimpl

SPEC = CodeSetSpec(
    name="cpt",
    title="CPT",
    pattern=r"[0-9]{4}[0-9FTU]",
    description="Current Procedural Terminology code numbers (descriptors are AMA-licensed)",
)


@hookimpl(trylast=True)
def codekit_register(registrar: Registrar) -> None:
    registrar.add_code_set(SPEC, fallback=True)
