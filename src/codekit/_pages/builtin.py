"""Registers the built-in page sections (history, crosswalks, NCCI) like any plugin's."""

from __future__ import annotations

from codekit._pages import crosswalks, history, ncci
from codekit.plugins import Registrar, hookimpl


@hookimpl(trylast=True)
def codekit_register(registrar: Registrar) -> None:
    for section in (history.SECTION, crosswalks.SECTION, *ncci.SECTIONS):
        registrar.add_page_section(section)
