"""Registers every release packaged inside codekit (see ``codekit/data/*.manifest.json``)."""

from __future__ import annotations

from codekit._store import packaged
from codekit.plugins import Registrar, hookimpl


def _blocked(code_set: str) -> bool:
    """Whether the user blocked the built-in plugin that defines ``code_set``.

    Its packaged releases are then left out too, instead of being reported as releases of
    an unknown code set on every start.
    """
    from codekit._plugin import manager

    return f"codekit._codesets.{code_set}" in manager._blocked()


@hookimpl(trylast=True)
def codekit_register(registrar: Registrar) -> None:
    code_sets = {m["code_set"] for m in packaged.manifests() if "code_set" in m}
    for code_set in sorted(code_sets):
        if _blocked(code_set):
            continue
        for info, source in packaged.releases(code_set):
            registrar.add_release(info, source=source)
