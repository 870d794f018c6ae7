"""Registers every release packaged inside codekit (see ``codekit/data/*.manifest.json``)."""

from __future__ import annotations

from codekit._store import packaged
from codekit.plugins import Registrar, hookimpl


@hookimpl(trylast=True)
def codekit_register(registrar: Registrar) -> None:
    code_sets = {m["code_set"] for m in packaged.manifests() if "code_set" in m}
    for code_set in sorted(code_sets):
        for info, source in packaged.releases(code_set):
            registrar.add_release(info, source=source)
