"""Registers the built-in page sections (history, crosswalks, NCCI) like any plugin's.

Deferred (``Registrar.defer``): the page modules are imported when a page is first built,
not when the registry is built for a lookup.
"""

from __future__ import annotations

from codekit.plugins import Registrar, hookimpl


def _register(registrar: Registrar) -> None:
    from codekit._pages import crosswalks, history, ncci

    for section in (history.SECTION, crosswalks.SECTION, *ncci.SECTIONS):
        registrar.add_page_section(section)


@hookimpl(trylast=True)
def codekit_register(registrar: Registrar) -> None:
    registrar.defer(("page_section",), _register)
