"""The plugin layer: third-party code sets, failure containment, blocking, testing helper."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import sys
import types
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pluggy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import codekit
from codekit import hookspecs
from codekit.exceptions import CodekitError, PluginError, PluginWarning, UnknownCodeSetError
from codekit.models import DataRelease
from codekit.plugins import (
    CodeRecord,
    CodeSetSpec,
    CodeSource,
    MemoryCodeSource,
    Registrar,
    hookimpl,
)
from codekit.quota import Client, MemoryStore, Principal, TieredPolicy, policies
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

    # pluggy calls the plugin registered last first, and what is registered first keeps the
    # name: here Clash, registered after LabPlugin.
    with (  # noqa: PT031
        pytest.warns(PluginWarning, match="'lab' is already registered by 'clash'"),
        isolated_registry(LabPlugin(), Clash()) as registry,
    ):
        assert "lab_plugin" in registry.failures
        assert "clash" not in registry.failures


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


# -- precedence: a third-party plugin overrides a built-in ---------------------------------


class Overrides:
    """Registers, under built-in names, a quota policy, a quota store and a code set."""

    __name__ = "overrides"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_quota_policy("default", TieredPolicy(limits={"guest": 4}))
        registrar.add_quota_store("memory", lambda url: MemoryStore(f"{url}#overrides"))
        registrar.add_code_set(CodeSetSpec(name="pos", title="Site POS", pattern=r"[0-9]{2}"))


def test_plugin_overrides_the_builtin_quota_policy_store_and_code_set() -> None:
    # The rule (hookspec docs, Registrar.add_quota_policy): a plugin's value of a name wins
    # over the built-in's, whichever order the plugins are registered in.
    with isolated_registry(Overrides()):
        assert policies()["default"] == TieredPolicy(limits={"guest": 4})
        client = Client(Principal("visitor"))
        assert client.policy == TieredPolicy(limits={"guest": 4})
        assert client.store.url == "memory://#overrides"
        assert client.remaining() == 4
        pos = next(cs for cs in codekit.code_sets() if cs.name == "pos")
        assert (pos.title, pos.plugin) == ("Site POS", "overrides")
    with isolated_registry():
        assert policies()["default"] == TieredPolicy()


def test_plugin_registration_follows_pluggy_call_order() -> None:
    calls: list[str] = []

    def plugin(name: str, *, tryfirst: bool = False) -> object:
        class Recorder:
            __name__ = name

            @hookimpl(tryfirst=tryfirst)
            def codekit_register(self, registrar: Registrar) -> None:
                calls.append(name)
                registrar.add_quota_policy("shared", TieredPolicy(name=name))

        return Recorder()

    plugins = [plugin("first"), plugin("second"), plugin("early", tryfirst=True)]
    pm = pluggy.PluginManager("codekit")
    pm.add_hookspecs(hookspecs)
    for item in plugins:
        pm.register(item, name=item.__name__)  # type: ignore[attr-defined]
    pm.hook.codekit_register(registrar=Registrar("direct"))
    pluggy_order, calls[:] = list(calls), []
    with isolated_registry(*plugins, builtins=False):
        assert calls == pluggy_order == ["early", "second", "first"]
        # what pluggy calls first has precedence
        assert policies()["shared"] == TieredPolicy(name="early")


# -- broken distributions and plugins never take codekit down ------------------------------


def _distribution(
    folder: Path, name: str, entry_points: bytes, modules: dict[str, str] | None = None
) -> None:
    """A synthetic installed distribution: ``NAME-1.0.dist-info`` with its entry points."""
    info = folder / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_bytes(entry_points)
    for module, source in (modules or {}).items():
        (folder / f"{module}.py").write_text(source, encoding="utf-8")


LAB_MODULE = """
import datetime as dt
from codekit.models import DataRelease
from codekit.plugins import CodeRecord, CodeSetSpec, hookimpl

@hookimpl
def codekit_register(registrar):
    registrar.add_code_set(CodeSetSpec(name="lab", title="Lab", pattern=r"LB[0-9]{3}"))
    registrar.add_release(
        DataRelease(code_set="lab", release="1", effective=dt.date(2024, 1, 1), origin="plugin"),
        records=[CodeRecord(code="LB001", description="Panel")],
    )
"""


def test_non_utf8_entry_points_of_any_distribution_break_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Latin-1 bytes in an unrelated distribution's entry points (a console script named
    # with an accent), and in a comment of a codekit plugin's file.
    _distribution(tmp_path, "unrelated", b"[console_scripts]\nr\xe9sum\xe9 = unrelated:main\n")
    _distribution(
        tmp_path,
        "labplugin",
        b"# \xa9 Lab Inc.\n[codekit]\nlab = labplugin_mod\n",
        {"labplugin_mod": LAB_MODULE},
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with (  # noqa: PT031
        pytest.warns(PluginWarning, match=r"labplugin-1\.0\.dist-info.*not UTF-8"),
        isolated_registry(entry_points=True) as registry,
    ):
        assert registry.failures == {}
        assert codekit.describe("LB001") == "Panel"
        assert codekit.describe("I10") == "Essential (primary) hypertension"


EXITING_PLUGIN = """
import sys
sys.exit(3)
"""


def test_sys_exit_at_plugin_import_does_not_end_the_process(tmp_path: Path) -> None:
    _distribution(
        tmp_path, "exiter", b"[codekit]\nexiter = exiter_mod\n", {"exiter_mod": EXITING_PLUGIN}
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    script = (
        "import warnings, codekit\n"
        "with warnings.catch_warnings(record=True) as seen:\n"
        "    warnings.simplefilter('always')\n"
        "    print(codekit.describe('I10'))\n"
        "print(*[str(w.message) for w in seen], sep='\\n')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "Essential (primary) hypertension"
    assert any("'exiter' failed" in line and "sys.exit(3)" in line for line in lines[1:])


class ExitInHook:
    __name__ = "exit_in_hook"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_code_set(CodeSetSpec(name="gone", title="Gone", pattern=r"GN[0-9]"))
        sys.exit("bye")


class ExitInData:
    __name__ = "exit_in_data"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_code_set(CodeSetSpec(name="lazy", title="Lazy", pattern=r"LZ[0-9]"))

        def open_source() -> CodeSource:
            raise SystemExit(1)

        registrar.add_release(
            DataRelease(code_set="lazy", release="1", effective=dt.date(2024, 1, 1)),
            source=open_source,
        )


class _ExitingSource(MemoryCodeSource):
    def find(self, code: str) -> Sequence[CodeRecord]:
        sys.exit(4)


class ExitInSource:
    __name__ = "exit_in_source"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_code_set(CodeSetSpec(name="quit", title="Quit", pattern=r"QT[0-9]"))
        registrar.add_release(
            DataRelease(code_set="quit", release="1", effective=dt.date(2024, 1, 1)),
            source=_ExitingSource([CodeRecord(code="QT1", description="One")]),
        )


def test_sys_exit_in_a_hook_a_data_factory_or_a_code_source_is_contained() -> None:
    with (  # noqa: PT031
        pytest.warns(PluginWarning, match=r"exit_in_hook.*sys\.exit\('bye'\)"),
        isolated_registry(ExitInHook(), ExitInData(), ExitInSource()),
    ):
        with pytest.raises(PluginError, match="exit_in_hook"):
            codekit.lookup("GN1", code_set="gone")
        with pytest.raises(PluginError, match=r"exit_in_data.*sys\.exit\(1\)"):
            codekit.lookup("LZ1")
        with pytest.raises(PluginError, match=r"exit_in_source.*sys\.exit\(4\)"):
            codekit.lookup("QT1", code_set="quit")
        assert codekit.describe("I10") == "Essential (primary) hypertension"


class GoodSearchCodes:
    __name__ = "good_codes"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_code_set(CodeSetSpec(name="lab", title="Lab", pattern=r"LB[0-9]{3}"))
        registrar.add_release(
            DataRelease(code_set="lab", release="1", effective=dt.date(2024, 1, 1)),
            records=[
                CodeRecord(code="LB001", description="Glucose panel"),
                CodeRecord(code="LB002", description="Glucose, quantitative"),
            ],
        )


class _GarbageSource(MemoryCodeSource):
    def records(self) -> Iterator[CodeRecord]:
        return iter(["LB009 Glucose", None])  # type: ignore[list-item]

    def find(self, code: str) -> Sequence[CodeRecord]:
        return [{"code": code}]  # type: ignore[list-item]


class GarbageSource:
    __name__ = "garbage_source"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_code_set(CodeSetSpec(name="junk", title="Junk", pattern=r"JK[0-9]"))
        registrar.add_release(
            DataRelease(code_set="junk", release="1", effective=dt.date(2024, 1, 1)),
            source=_GarbageSource([CodeRecord(code="JK1", description="Glucose junk")]),
        )


class FailingRecords:
    __name__ = "failing_records"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_code_set(CodeSetSpec(name="lazy", title="Lazy", pattern=r"LZ[0-9]"))

        def open_source() -> CodeSource:
            raise OSError("file lazy.db not found")

        registrar.add_release(
            DataRelease(code_set="lazy", release="1", effective=dt.date(2024, 1, 1)),
            source=open_source,
        )


@pytest.mark.parametrize("bad", [GarbageSource, FailingRecords], ids=["garbage", "failing"])
def test_a_bad_code_source_is_named_and_global_search_keeps_working(bad: type) -> None:
    with isolated_registry(GoodSearchCodes(), builtins=False):
        alone = [(h.code_set, h.code) for h in codekit.search("glucose")]
    # "Glucose, quantitative" (head term "Glucose") ranks before "Glucose panel" (issue 16).
    assert alone == [("lab", "LB002"), ("lab", "LB001")]
    plugin = bad()
    with (
        isolated_registry(GoodSearchCodes(), plugin, builtins=False),
        pytest.warns(PluginWarning, match=plugin.__name__),
    ):
        assert [(h.code_set, h.code) for h in codekit.search("glucose")] == alone
    with isolated_registry(GoodSearchCodes(), plugin, builtins=False):
        with pytest.raises(PluginError, match=plugin.__name__):
            codekit.lookup(f"{'JK' if bad is GarbageSource else 'LZ'}1")
        assert codekit.describe("LB002") == "Glucose, quantitative"


class UnknownOrigin:
    __name__ = "unknown_origin"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_code_set(CodeSetSpec(name="far", title="Far", pattern=r"FR[0-9]"))
        registrar.add_release(
            DataRelease(
                code_set="far",
                release="1",
                effective=dt.date(2024, 1, 1),
                origin="remote",  # type: ignore[arg-type]
            ),
            records=[CodeRecord(code="FR1", description="One")],
        )


def test_a_release_of_unknown_origin_is_contained_and_named() -> None:
    with (  # noqa: PT031
        pytest.warns(PluginWarning, match=r"unknown_origin.*origin must be one of .*'remote'"),
        isolated_registry(UnknownOrigin()),
    ):
        assert codekit.describe("E11.9").startswith("Type 2 diabetes")
        with pytest.raises(PluginError, match="unknown_origin"):
            codekit.lookup("FR1", code_set="far")


# -- plugin author experience ----------------------------------------------------------------


def test_a_plugin_that_registers_nothing_is_reported() -> None:
    class Silent:
        __name__ = "silent"

        @hookimpl
        def codekit_register(self, registrar: Registrar) -> None:
            """Forgets to register anything."""

    hookless = types.ModuleType("hookless")
    with (
        pytest.warns(PluginWarning, match="'silent' registers nothing"),
        isolated_registry(Silent()),
    ):
        pass
    with (
        pytest.warns(PluginWarning, match="'hookless' registers nothing"),
        isolated_registry(hookless),
    ):
        pass


def test_a_module_entry_point_with_only_a_plugin_class_says_how_to_fix_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the plugin guide used to show: the hook in a class, the entry point naming the module.
    source = _doc_block("python").replace("acme_codes", "acme_module")
    _distribution(
        tmp_path, "acme_module", b"[codekit]\nacme = acme_module\n", {"acme_module": source}
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with (
        pytest.warns(PluginWarning, match=r'registers nothing.*AcmeCodes.*"acme_module:AcmeCodes"'),
        isolated_registry(entry_points=True),
    ):
        assert "acme" not in {cs.name for cs in codekit.code_sets()}


def _doc_block(language: str) -> str:
    """The fenced block of ``language`` in the plugin guide's "Shipping it" section."""
    guide = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    section = guide.split("## Shipping it", 1)[1].split("\n## ", 1)[0]
    return section.split(f"```{language}\n", 1)[1].split("```", 1)[0]


@pytest.mark.slow
def test_the_plugin_guide_example_works_as_written(tmp_path: Path) -> None:
    """Builds a distribution from the guide's own module and entry-point text, pip-installs
    it into a folder and looks up its codes from a fresh process."""
    project = tmp_path / "acme-codes"
    project.mkdir()
    (project / "acme_codes.py").write_text(_doc_block("python"), encoding="utf-8")
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
        '[project]\nname = "acme-codes"\nversion = "1.0"\n\n' + _doc_block("toml"),
        encoding="utf-8",
    )
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
            str(project),
        ],
        check=True,
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), *sys.path])}
    script = (
        "import warnings; warnings.simplefilter('error')\n"
        "import codekit; c = codekit.lookup('ac101')\n"
        "print(c.code_set, c.code, c.description, c.parent_code().description)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "acme AC101 Hydrocolloid dressing Wound care supplies"


def test_a_third_party_entry_point_cannot_pass_for_a_builtin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Built-ins (plugin names "codekit.*") are trusted with uncontained data errors.
    _distribution(
        tmp_path, "squatter", b"[codekit]\ncodekit.lab = lab_mod\n", {"lab_mod": LAB_MODULE}
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with (
        pytest.warns(PluginWarning, match=r"'codekit\.lab' failed: .*codekit's own"),
        isolated_registry(entry_points=True),
    ):
        assert "lab" not in {cs.name for cs in codekit.code_sets()}


_GARBAGE = st.one_of(
    st.none(),
    st.integers(),
    st.text(max_size=8),
    st.lists(st.one_of(st.none(), st.text(max_size=5), st.integers()), max_size=3),
    st.builds(
        CodeRecord,
        code=st.one_of(st.just("HY1"), st.text(max_size=5), st.none()),
        description=st.one_of(st.text(max_size=10), st.none(), st.integers()),
        billable=st.one_of(st.booleans(), st.none()),
    ),
)


class _AnySource:
    """A code source answering every call with the same value, whatever it is."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer

    def find(self, code: str) -> Any:
        return self.answer

    def item(self, code: str, kind: Any) -> Any:
        return self.answer

    def children(self, code: str, kind: Any) -> Any:
        return self.answer

    def near(self, code: str, limit: int) -> Any:
        return self.answer

    def records(self) -> Any:
        return self.answer


@settings(max_examples=60)
@given(answer=_GARBAGE)
def test_whatever_a_plugin_source_answers_only_codekit_errors_escape(answer: Any) -> None:
    class AnyPlugin:
        __name__ = "any_plugin"

        @hookimpl
        def codekit_register(self, registrar: Registrar) -> None:
            registrar.add_code_set(CodeSetSpec(name="hyp", title="Hyp", pattern=r"HY[0-9]"))
            registrar.add_release(
                DataRelease(code_set="hyp", release="1", effective=dt.date(2024, 1, 1)),
                source=lambda: _AnySource(answer),
            )

    with (
        warnings.catch_warnings(),
        isolated_registry(GoodSearchCodes(), AnyPlugin(), builtins=False),
    ):
        warnings.simplefilter("ignore", PluginWarning)
        for call in (
            lambda: codekit.lookup("HY1"),
            lambda: codekit.describe("HY1"),
            lambda: codekit.is_valid("HY1"),
            lambda: codekit.lookup("HY1").children(),
        ):
            with contextlib.suppress(CodekitError):
                call()
        assert sorted(h.code for h in codekit.search("glucose", code_sets=["lab"])) == [
            "LB001",
            "LB002",
        ]
        assert "LB002" in codekit.search("glucose").codes()


def test_a_plugins_page_info_overrides_the_builtin_one() -> None:
    # Same precedence rule for page sections: the built-in cpt plugin says which section of
    # the code book a number's range belongs to; a plugin's own value wins.
    class Sections:
        @hookimpl
        def codekit_register(self, registrar: Registrar) -> None:
            registrar.add_extension("page_info", ("cpt", lambda code: {"section": "Site's own"}))

    from codekit._codesets.cpt import info

    assert info("99213")["section"] == "Evaluation and Management"
    with isolated_registry(Sections()):
        assert codekit.page("99213", code_set="cpt").info["section"] == "Site's own"
    with isolated_registry():
        assert codekit.page("99213", code_set="cpt").info["section"] == "Evaluation and Management"
