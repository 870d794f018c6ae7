"""CMS Place of Service codes (two digits). Not identified by shape: ``11`` is also a
modifier shape, so ask with ``code_set="pos"``."""

from __future__ import annotations

from codekit.plugins import CodeSetSpec, Registrar, hookimpl

SPEC = CodeSetSpec(
    name="pos",
    title="Place of Service",
    pattern=r"[0-9]{2}",
    description="CMS Place of Service code set",
    role="place_of_service",
    detect=False,
)


@hookimpl(trylast=True)
def codekit_register(registrar: Registrar) -> None:
    registrar.add_code_set(SPEC, fallback=True)
