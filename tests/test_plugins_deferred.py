"""Deferred sections (``Registrar.defer``): registered on first use, in the plugin's place.

The rule under test is the one the plugin guide states ("Which plugin wins"): a third-party
plugin's value of a built-in name wins, whether either side registered it at once or
deferred it; and a plugin that fails (here, later) is contained, named and recorded.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest

import codekit
from codekit.exceptions import PluginWarning
from codekit.plugins import CodeSetSpec, Registrar, hookimpl
from codekit.quota import MemoryStore, TieredPolicy, policies, store_schemes
from codekit.testing import isolated_registry


class Later:
    """Defers a quota policy and a store under the built-ins' names; counts its builds."""

    __name__ = "later"

    def __init__(self, build: Any = None) -> None:
        self.builds = 0
        self.build = build or self.register

    def register(self, registrar: Registrar) -> None:
        self.builds += 1
        registrar.add_quota_policy("default", TieredPolicy(limits={"guest": 3}))
        registrar.add_quota_policy("later", TieredPolicy(limits={"guest": 2}))
        registrar.add_quota_store("memory", lambda url: MemoryStore(f"{url}#later"))

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.defer(("quota_policy", "quota_store"), self.build)


def test_a_deferred_build_runs_once_on_first_read_and_keeps_its_precedence() -> None:
    later = Later()
    with isolated_registry(later) as registry:
        assert codekit.describe("E11.9") == "Type 2 diabetes mellitus without complications"
        assert later.builds == 0  # a lookup reads no quota section
        found = policies()
        assert later.builds == 1
        # the plugin's policy of the built-in name wins over the (also deferred) built-in's
        assert found["default"] == TieredPolicy(limits={"guest": 3})
        assert found["later"] == TieredPolicy(limits={"guest": 2})
        assert store_schemes()["memory"]("memory://").url == "memory://#later"
        assert "sqlite" in store_schemes()  # the built-in stores are still there
        assert later.builds == 1  # its second section came from the same build
        assert registry.failures == {}


def _raises(registrar: Registrar) -> None:
    raise RuntimeError("the policy file is missing")


def _exits(registrar: Registrar) -> None:
    sys.exit(3)


def _adds_a_code_set(registrar: Registrar) -> None:
    registrar.add_code_set(CodeSetSpec(name="late", title="Late", pattern=r"L[0-9]{2}"))


def _strays(registrar: Registrar) -> None:
    registrar.add_extension("elsewhere", 1)


@pytest.mark.parametrize(
    ("build", "reason"),
    [
        (_raises, "RuntimeError: the policy file is missing"),
        (_exits, "SystemExit"),
        (_adds_a_code_set, "only register section values"),
        (_strays, "quota_policy"),
    ],
    ids=["raises", "exits", "code-set", "other-section"],
)
def test_a_failing_deferred_build_is_contained_and_named(build: Any, reason: str) -> None:
    with isolated_registry(Later(build)) as registry:
        with pytest.warns(PluginWarning, match="'later' failed"):
            found = policies()
        assert found["default"] == TieredPolicy()  # the built-in is unharmed
        assert "later" not in found
        assert reason in registry.failures["later"]


@pytest.mark.parametrize("sections", [(), "", [None], 5])
def test_defer_refuses_what_is_not_section_names(sections: Any) -> None:
    with pytest.raises(TypeError, match="names of the sections"):
        Registrar("p").defer(sections, lambda registrar: None)
    with pytest.raises(TypeError, match="function of the registrar"):
        Registrar("p").defer(("quota_policy",), None)  # type: ignore[arg-type]
