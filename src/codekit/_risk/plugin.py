"""The built-in plugin: the packaged risk-score coefficient tables and the code-page section."""

from __future__ import annotations

from codekit._risk import page
from codekit._risk.tables import KIND, packaged_tables
from codekit.plugins import Registrar, hookimpl


@hookimpl(trylast=True)
def codekit_register(registrar: Registrar) -> None:
    for release, load in packaged_tables():
        registrar.add_table(KIND, release, load)
    registrar.add_page_section(page.SECTION)
