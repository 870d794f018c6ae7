"""The built-in plugin: the packaged risk-score coefficient tables and the code-page section.

Registering lists the packaged tables' releases from their manifest; the coefficients and
the page section's modules are imported when first used.
"""

from __future__ import annotations

from codekit._risk.tables import KIND, packaged_tables
from codekit.plugins import Registrar, hookimpl


def _page_section(registrar: Registrar) -> None:
    from codekit._risk.page import SECTION

    registrar.add_page_section(SECTION)


@hookimpl(trylast=True)
def codekit_register(registrar: Registrar) -> None:
    for release, load in packaged_tables():
        registrar.add_table(KIND, release, load)
    registrar.defer("page_section", _page_section)
