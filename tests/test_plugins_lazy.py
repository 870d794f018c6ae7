"""Built-ins registered on first use (``codekit._plugin.manager.LAZY``).

The crosswalk, risk, grouping, NCCI, MCE, quota and page built-ins are imported and
registered the first time the registry is asked for one of their table kinds or
sections. The rule under test: this changes what a lookup imports and nothing else. The
registry they build holds the same tables and sections, in the same order of precedence,
as one that registers every built-in at once; the kinds each declares cover what it
registers and what codekit packages (the ``kind`` of every packaged manifest); a failure
is contained and named, as at build time.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import codekit
from codekit import _registry
from codekit._plugin import manager
from codekit._plugin.registrar import Registrar
from codekit._tables.registry import Registry
from codekit._tables.sections import SECTIONS
from codekit.exceptions import PluginWarning
from codekit.plugins import hookimpl
from codekit.testing import isolated_registry

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "codekit" / "data"

#: The capability packages a lookup needs none of.
CAPABILITIES = (
    "codekit._assistant",
    "codekit._crosswalk",
    "codekit._edits",
    "codekit._fhir",
    "codekit._frames",
    "codekit._grouping",
    "codekit._pages",
    "codekit._quota",
    "codekit._risk",
    "codekit._search",
    "codekit._spark",
)


def _eager() -> Registry:
    """A registry of every built-in registered at once, in the built-ins' own order."""
    pm, failures = manager.make_plugin_manager(
        builtins=False,
        entry_point_plugins=False,
        plugins=[(name, importlib.import_module(name)) for name in manager.DEFAULT_PLUGINS],
    )
    return manager.run_registration(pm, failures)


def _lazy() -> Registry:
    pm, failures = manager.make_plugin_manager(entry_point_plugins=False)
    return manager.run_registration(pm, failures)


def _snapshot(registry: Registry) -> dict[str, Any]:
    """What a registry holds, comparable across two builds (values by type and repr)."""
    tables = {
        kind: [(r.info, r.plugin, type(r.spec).__name__) for r in registry.tables(kind)]
        for kind in registry.kinds()
    }
    sections = {
        name: [(plugin, type(value).__name__) for plugin, value in registry.extensions(name)]
        for name in SECTIONS
    }
    # each release's last day, worked out once per table when it is ordered
    ends = {key: registry._table_ends.get(key) for key in sorted(registry._table_ends)}
    return {"tables": tables, "sections": sections, "ends": ends, "failures": registry.failures}


def test_a_first_lookup_imports_no_capability_it_does_not_need() -> None:
    """An import-graph assertion, in a fresh interpreter: a lookup builds the registry,
    and with it no crosswalk, risk, grouping, claim-edit, quota or page module."""
    code = (
        "import sys, json, codekit\n"
        "text = codekit.describe('E11.9')\n"
        "print(json.dumps({'text': text, 'mods': sorted(sys.modules)}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    assert result["text"] == "Type 2 diabetes mellitus without complications"
    mods = result["mods"]
    assert "codekit._plugin.manager" in mods  # the registry was built
    loaded = [m for m in mods if m.startswith(CAPABILITIES)]
    assert loaded == [], f"a lookup imported {loaded}"


@pytest.mark.parametrize(
    "first", ["", "drg_grouper", "risk_coefficients", "page_section", "quota_store"]
)
def test_the_lazy_registry_holds_what_an_eager_one_holds(first: str) -> None:
    """Every table (release, plugin, order) and every section value (plugin, order) is the
    same whether the lazy built-ins wake on first use or register at build, whichever
    table kind or section is read first."""
    eager = _snapshot(_eager())
    registry = _lazy()
    if first in SECTIONS:
        registry.extensions(first)
    elif first:
        registry.tables(first)
    lazy = _snapshot(registry)
    assert lazy == eager
    # not vacuous: the packaged kinds and the built-in sections are there
    assert {"crosswalk", "risk_coefficients", "drg_grouper", "mce"} <= set(lazy["tables"])
    assert len({plugin for plugin, _ in lazy["sections"]["page_section"]}) == 3
    assert lazy["sections"]["quota_policy"]


def test_reading_one_kind_wakes_only_its_plugin() -> None:
    code = (
        "import sys, json, codekit._registry as r\n"
        "registry = r.current()\n"
        "releases = registry.tables('mce')\n"
        "print(json.dumps({'n': len(releases), 'mods': sorted(sys.modules)}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    assert result["n"] == len(json.loads((DATA / "mce.manifest.json").read_text())["releases"])
    woke = [m for m in result["mods"] if m.startswith(CAPABILITIES)]
    assert "codekit._edits.mce.plugin" in woke
    assert not [m for m in woke if m.startswith(("codekit._crosswalk", "codekit._risk"))]


def _packaged_kinds() -> set[str]:
    """The table kind of every packaged dataset that is not a code set (the data's word)."""
    kinds = set()
    for path in DATA.glob("*.manifest.json"):
        manifest = json.loads(path.read_text("utf-8"))
        if "code_set" not in manifest:
            kinds.add(manifest["kind"])
    return kinds


def test_every_packaged_kind_is_declared_by_a_lazy_builtin() -> None:
    declared = {kind for kinds, _ in manager.LAZY.values() for kind in kinds}
    assert _packaged_kinds() <= declared
    assert set(manager.LAZY) <= set(manager.DEFAULT_PLUGINS)


@pytest.mark.parametrize("module", sorted(manager.LAZY))
def test_each_lazy_builtin_registers_only_what_it_declares(module: str) -> None:
    """Run the built-in's hook (and its own deferred builds) on a plain registrar: no code
    set, and no table kind or section beyond its entry in LAZY."""
    kinds, sections = manager.LAZY[module]
    registrar = Registrar(module)
    importlib.import_module(module).codekit_register(registrar=registrar)
    assert registrar._code_sets == []
    assert {entry.release.kind for entry in registrar._tables} <= set(kinds)
    deferred = {name for d in registrar._deferred for name in d.sections}
    assert set(registrar._sections) | deferred <= set(sections)
    for d in registrar._deferred:
        loaded = d.load()
        assert not isinstance(loaded, str), loaded
        assert set(loaded) <= set(sections)


class PageOverride:
    """Replaces a lazy built-in's page section by name (a third-party plugin wins)."""

    __name__ = "page_override"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        from codekit._risk.page import SECTION

        registrar.add_page_section(SECTION)


def test_a_plugin_still_precedes_the_lazy_builtins() -> None:
    with isolated_registry(PageOverride()) as registry:
        plugins = [plugin for plugin, _ in registry.extensions("page_section")]
        assert plugins[0] == "page_override"
        assert plugins.index("page_override") < plugins.index("codekit._risk.plugin")


@pytest.fixture
def broken_risk(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    plugin = importlib.import_module("codekit._risk.plugin")

    def fail(registrar: Registrar) -> None:
        raise RuntimeError("the coefficient manifest is missing")

    monkeypatch.setattr(plugin, "codekit_register", fail)
    _registry.reset()
    yield
    _registry.reset()


@pytest.mark.usefixtures("broken_risk")
def test_a_lazy_builtin_that_fails_is_contained_and_named() -> None:
    with isolated_registry() as registry:
        assert codekit.describe("E11.9")  # a lookup never wakes it
        assert "codekit._risk.plugin" not in registry.failures
        with pytest.warns(PluginWarning, match="the coefficient manifest is missing"):
            assert registry.tables("risk_coefficients") == ()
        assert "the coefficient manifest" in registry.failures["codekit._risk.plugin"]
        assert registry.tables("mce")  # the others are unharmed


def test_a_lazy_builtin_registering_beyond_its_declaration_fails_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(manager.LAZY, "codekit._edits.mce.plugin", (("not_mce",), ()))
    registry = _lazy()
    with pytest.warns(PluginWarning, match="may add only not_mce; it added mce"):
        found = registry.tables("not_mce")
    assert found == ()
    assert "codekit._edits.mce.plugin" in registry.failures


def test_a_blocked_lazy_builtin_is_never_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(manager.DISABLE_ENV, "codekit._edits.mce.plugin")
    registry = _lazy()
    assert registry.tables("mce") == ()
    assert registry.failures == {}


_SOURCE_METHODS = ("find", "item", "children", "near", "records")


def _source_type(without: str) -> type:
    """A class with every CodeSource method but ``without`` (``""``: all of them)."""
    methods = {name: lambda self, *args: () for name in _SOURCE_METHODS if name != without}
    return type(f"Source_without_{without or 'nothing'}", (), methods)


@pytest.mark.parametrize("without", ["", *_SOURCE_METHODS])
def test_add_release_takes_a_source_exactly_when_the_protocol_does(without: str) -> None:
    """The registrar's quick source check agrees with ``isinstance(x, CodeSource)`` (the
    protocol's own runtime check): a class missing any one method is refused."""
    from codekit._codesets.records import CodeSource
    from codekit.models import DataRelease

    source = _source_type(without)()
    registrar = Registrar("source_check")
    release = DataRelease(code_set="lab", release="1", effective=dt.date(2024, 1, 1))
    if isinstance(source, CodeSource):
        registrar.add_release(release, source=source)
        assert registrar._tables[0].factory() is source
    else:
        with pytest.raises(TypeError, match="source must be a CodeSource"):
            registrar.add_release(release, source=source)
    assert isinstance(source, CodeSource) is (without == "")
