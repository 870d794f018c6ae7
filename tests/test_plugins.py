"""The plugin layer: third-party code sets, failure containment, blocking, testing helper."""

from __future__ import annotations

import datetime as dt
import inspect
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

import codekit
from codekit import hookspecs
from codekit.exceptions import PluginError, PluginWarning, UnknownCodeSetError
from codekit.models import DataRelease
from codekit.plugins import CodeRecord, CodeSetSpec, CodeSource, Registrar, hookimpl
from codekit.testing import isolated_registry

ROOT = Path(__file__).resolve().parents[1]

RELEASE = DataRelease(code_set="lab", release="1", effective=dt.date(2024, 1, 1), origin="plugin")


class LabPlugin:
    """A plugin registering a small code set with two releases."""

    __name__ = "lab_plugin"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_code_set(CodeSetSpec(name="lab", title="Lab", pattern=r"LB[0-9]{3}"))
        registrar.add_release(
            RELEASE,
            records=[
                CodeRecord(code="LB001", description="Panel", billable=False),
                CodeRecord(code="LB002", description="Glucose", parent="LB001"),
            ],
        )
        registrar.add_release(
            DataRelease(
                code_set="lab", release="2", effective=dt.date(2025, 1, 1), origin="plugin"
            ),
            records=[CodeRecord(code="LB002", description="Glucose, quantitative")],
        )


class BrokenPlugin:
    __name__ = "broken_plugin"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_code_set(CodeSetSpec(name="broken", title="Broken", pattern=r"BR[0-9]"))
        raise RuntimeError("database password missing")


class BadSourcePlugin:
    __name__ = "bad_source"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_code_set(CodeSetSpec(name="lazy", title="Lazy", pattern=r"LZ[0-9]"))

        def open_source() -> CodeSource:
            raise OSError("file lazy.db not found")

        registrar.add_release(
            DataRelease(code_set="lazy", release="1", effective=dt.date(2024, 1, 1)),
            source=open_source,
        )


class UnknownHookPlugin:
    __name__ = "unknown_hook"

    @hookimpl
    def codekit_no_such_hook(self) -> None:
        """Not a codekit hook."""


def test_plugin_code_set_lookup_and_releases() -> None:
    with isolated_registry(LabPlugin()):
        assert codekit.describe("lb002") == "Glucose, quantitative"
        old = codekit.lookup("LB002", as_of="2024-06-01")
        assert old.description == "Glucose"
        assert old.parent_code() is not None
        assert old.parent_code().code == "LB001"  # type: ignore[union-attr]
        assert [c.code for c in codekit.lookup("LB001", release="1").children()] == ["LB002"]
        assert [r.release for r in codekit.data_releases("lab")] == ["1", "2"]
    with pytest.raises(UnknownCodeSetError):
        codekit.lookup("LB002", code_set="lab")


def test_failing_plugin_is_contained() -> None:
    # The warning fires while the block is entered; the checks below need that registry.
    with (  # noqa: PT031
        pytest.warns(PluginWarning, match="broken_plugin"),
        isolated_registry(BrokenPlugin(), LabPlugin()) as registry,
    ):
        assert "database password missing" in registry.failures["broken_plugin"]
        # The rest keeps working ...
        assert codekit.describe("E11.9").startswith("Type 2 diabetes")
        assert codekit.describe("LB002") == "Glucose, quantitative"
        # ... and what the broken plugin declared says which plugin failed and why.
        with pytest.raises(PluginError, match=r"broken_plugin.*database password missing"):
            codekit.lookup("BR1", code_set="broken")


def test_failing_source_raises_plugin_error() -> None:
    with isolated_registry(BadSourcePlugin()):
        with pytest.raises(PluginError, match=r"bad_source.*lazy\.db not found"):
            codekit.lookup("LZ1")
        assert codekit.describe("I10") == "Essential (primary) hypertension"


def test_unknown_hook_is_refused() -> None:
    with (
        pytest.warns(PluginWarning, match="unknown hooks"),
        isolated_registry(UnknownHookPlugin()) as registry,
    ):
        assert "codekit_no_such_hook" in registry.failures["unknown_hook"]


def test_invalid_registration_is_refused() -> None:
    class Invalid:
        __name__ = "invalid"

        @hookimpl
        def codekit_register(self, registrar: Registrar) -> None:
            registrar.add_release("not a release", records=[])  # type: ignore[arg-type]

    with (
        pytest.warns(PluginWarning, match="add_release takes a DataRelease"),
        isolated_registry(Invalid()),
    ):
        assert codekit.describe("E11.9")


def test_duplicate_code_set_is_refused() -> None:
    class Clash:
        __name__ = "clash"

        @hookimpl
        def codekit_register(self, registrar: Registrar) -> None:
            registrar.add_code_set(
                CodeSetSpec(name="lab", title="Other lab", pattern=r"LB[0-9]{3}")
            )

    with (
        pytest.warns(PluginWarning, match="already registered"),
        isolated_registry(LabPlugin(), Clash()) as registry,
    ):
        assert "clash" in registry.failures


def test_plugin_replaces_a_builtin_code_set() -> None:
    class MyPos:
        __name__ = "my_pos"

        @hookimpl
        def codekit_register(self, registrar: Registrar) -> None:
            registrar.add_code_set(
                CodeSetSpec(name="pos", title="POS (site list)", pattern=r"[0-9]{2}")
            )

    with isolated_registry(MyPos()):
        pos = next(cs for cs in codekit.code_sets() if cs.name == "pos")
        assert pos.title == "POS (site list)"
        assert pos.plugin == "my_pos"


def test_disable_plugins_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODEKIT_DISABLE_PLUGINS", "lab_plugin, codekit._codesets.hcpcs")
    with isolated_registry(LabPlugin()):
        names = {cs.name for cs in codekit.code_sets()}
        assert "lab" not in names
        assert "hcpcs" not in names
        # With HCPCS blocked, A0100 is no longer ambiguous.
        assert codekit.lookup("A0100").code == "A01.00"


def test_without_builtins() -> None:
    with isolated_registry(LabPlugin(), builtins=False):
        assert [cs.name for cs in codekit.code_sets()] == ["lab"]


def test_module_plugin() -> None:
    module = types.ModuleType("module_plugin")

    @hookimpl
    def codekit_register(registrar: Registrar) -> None:
        registrar.add_code_set(CodeSetSpec(name="mod", title="Mod", pattern=r"MD[0-9]"))
        registrar.add_release(
            DataRelease(code_set="mod", release="1", effective=dt.date(2020, 1, 1)),
            records=[CodeRecord(code="MD1", description="One")],
        )

    module.codekit_register = codekit_register  # type: ignore[attr-defined]
    with isolated_registry(module):
        assert codekit.describe("MD1") == "One"


def test_every_hook_is_documented_and_tested() -> None:
    hooks = [name for name in dir(hookspecs) if name.startswith("codekit_")]
    assert hooks
    this_file = Path(__file__).read_text(encoding="utf-8")
    for name in hooks:
        doc = inspect.getdoc(getattr(hookspecs, name)) or ""
        assert ":param" in doc, f"{name} documents its parameters"
        assert "versionadded" in doc, f"{name} says when it was added"
        tests = list((ROOT / "tests").glob("test_*.py"))
        assert any(f"def {name}" in t.read_text(encoding="utf-8") for t in tests) or (
            f"def {name}" in this_file
        ), f"{name} has a test implementing it"


@pytest.mark.slow
def test_example_plugin_distribution_installs(tmp_path: Path) -> None:
    """pip-installs plugins/codekit-example-codes into a folder and looks up one of its codes."""
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(ROOT / "plugins" / "codekit-example-codes"),
        ],
        check=True,
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), *sys.path])}
    script = (
        "import codekit; c = codekit.lookup('ac101'); "
        "print(c.code_set, c.code, c.description, c.parent)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "acme AC101 Hydrocolloid dressing, per dressing AC100"
    cli = subprocess.run(
        [sys.executable, "-m", "codekit", "lookup", "AC101"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert cli.returncode == 0, cli.stderr
    assert "Hydrocolloid dressing" in cli.stdout
