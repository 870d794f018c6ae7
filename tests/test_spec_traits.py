"""Traits on the code-set spec replace the hand-kept lists of code-set names (issue 12).

Each test gives a plugin's code set one trait and checks that the capability that used to
keep its own list (search's retired sets, the page's NCCI and descriptor lists,
identification's kinds) now follows the trait. The rules: NCCI.md (NCCI edits are keyed by
HCPCS Level II and CPT codes) and DATA.md (CPT descriptors are licensed and come only from
a licensee's plugin).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

import codekit
from codekit import _registry
from codekit._pages import builtin as page_sections
from codekit.exceptions import UnknownCodeSetError
from codekit.models import DataRelease
from codekit.plugins import CodeRecord, CodeSetSpec, Registrar, hookimpl
from codekit.testing import isolated_registry

HINT = "descriptors of Zeta codes come from the Zeta licensing office's plugin"


def _plugin(*specs: CodeSetSpec, describe: bool = False) -> object:
    class Plugin:
        @hookimpl
        def codekit_register(self, registrar: Registrar) -> None:
            for spec in specs:
                registrar.add_code_set(spec)
                registrar.add_release(
                    DataRelease(
                        code_set=spec.name,
                        release="1",
                        effective=dt.date(2020, 1, 1),
                        origin="plugin",
                    ),
                    records=[
                        CodeRecord(
                            code=f"{spec.name[:2].upper()}001",
                            description="" if spec.licensed else f"{spec.title} widget",
                        )
                    ],
                )
            if describe:
                registrar.add_descriptions(
                    "zeta", source="Zeta office", kind="long", descriptions={"ZE001": "Zeta widget"}
                )

    return Plugin()


def _spec(name: str, **traits: Any) -> CodeSetSpec:
    return CodeSetSpec(
        name=name, title=name.capitalize(), pattern=rf"{name[:2].upper()}[0-9]{{3}}", **traits
    )


def test_search_leaves_out_a_retired_code_set_unless_asked() -> None:
    plugin = _plugin(_spec("olden", retired=True), _spec("newer"))
    with isolated_registry(plugin, builtins=False):
        found = {hit.code_set for hit in codekit.search("widget")}
        assert found == {"newer"}
        asked = codekit.search("widget", code_sets="olden")
        assert [hit.code for hit in asked] == ["OL001"]


def test_a_licensed_code_set_says_where_descriptors_come_from() -> None:
    spec = _spec("zeta", licensed=True, descriptor_hint=HINT)
    with isolated_registry(_plugin(spec), page_sections, builtins=False):
        assert HINT in codekit.page("ZE001").missing
    with isolated_registry(_plugin(spec, describe=True), page_sections, builtins=False):
        shown = codekit.page("ZE001")
        assert HINT not in shown.missing
        assert [d.text for d in shown.descriptions] == ["Zeta widget"]


def test_a_licensed_code_set_without_releases_has_no_install_hint_but_a_licence_note() -> None:
    spec = _spec("zeta", licensed=True, descriptor_hint=HINT)

    class SpecOnly:
        @hookimpl
        def codekit_register(self, registrar: Registrar) -> None:
            registrar.add_code_set(spec)

    with isolated_registry(SpecOnly(), page_sections, builtins=False):
        shown = codekit.page("ZE001", code_set="zeta")
        assert not shown.found
        assert "licensed" in shown.history.message
        assert HINT in shown.missing


def test_cpt_is_licensed_and_names_its_plugin() -> None:
    """DATA.md: CPT descriptors are AMA-licensed, never packaged."""
    spec = _registry.current().spec("cpt")
    assert spec.licensed
    assert spec.descriptor_hint is not None
    assert "codekit-cpt" in spec.descriptor_hint
    assert spec.descriptor_hint in codekit.page("99213").missing


@pytest.mark.parametrize("edits", [(), ("ncci",)])
def test_ncci_parts_follow_the_claim_edits_trait(edits: tuple[str, ...]) -> None:
    with isolated_registry(
        _plugin(_spec("kappa", claim_edits=edits)), page_sections, builtins=False
    ):
        shown = codekit.page("KA001")
    says_no = "NCCI edits do not apply to kappa codes"
    for part in (shown.ptp, shown.mue, shown.addons):
        assert (part.message == says_no) is (not edits)


def test_ncci_applies_to_hcpcs_and_cpt_only() -> None:
    """NCCI.md: the edit tables are keyed by HCPCS Level II and CPT codes."""
    keyed = {s.name for s in _registry.current().specs() if "ncci" in s.claim_edits}
    assert keyed == {"hcpcs", "cpt"}


def test_kinds_are_the_roles_of_the_registered_code_sets() -> None:
    plugin = _plugin(_spec("delta", role="diagnosis", detect=False), _spec("omega", role="lab"))
    with isolated_registry(plugin):
        assert codekit.lookup("DE001", kind="diagnosis").code_set == "delta"
        assert codekit.lookup("OM001", kind="lab").code_set == "omega"
        with pytest.raises(UnknownCodeSetError, match="kinds are: diagnosis, lab, modifier"):
            codekit.lookup("OM001", kind="nonsense")


@pytest.mark.parametrize(
    "make",
    [
        lambda: _spec("bad", role="Diagnosis"),
        lambda: _spec("bad", claim_edits=("NCCI edits",)),
        lambda: _spec("bad", grammar="-"),
    ],
)
def test_a_malformed_trait_is_refused(make: Callable[[], CodeSetSpec]) -> None:
    with pytest.raises((ValueError, TypeError)):
        make()
