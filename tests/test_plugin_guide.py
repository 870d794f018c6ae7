"""Meta-test: every registrar method and every hook is in the plugin guide and exercised.

What a plugin author may call is found by introspection, not from a list kept here: every
public method of :class:`~codekit.plugins.Registrar`, and every public method of each
section a registrar carries (a public attribute whose value is a codekit object with public
methods, such as ``registrar.tables``). Every hook is every ``codekit_*`` specification in
:mod:`codekit.hookspecs`. For each, the plugin guide (docs/plugins.md) must name it, and a
test that passed must have exercised it at run time (``tests/conftest.py`` records it): a
plugin that is not codekit's own called the method without error, or codekit ran the hook
on such a plugin and took in what it registered. A test file that merely spells the call,
or a hook implementation that no test makes codekit run, is no evidence.

These tests run after every other test of the session (``RUN_LAST``) and read what those
left, so the evidence is the whole suite's: in a partial run (some files, ``-k``) what the
run did not exercise is skipped, named, instead of failed.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from codekit import hookspecs
from codekit.exceptions import PluginWarning
from codekit.plugins import Registrar

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "plugins.md"
#: run after every other test (see tests/conftest.py): they read what the others exercised
RUN_LAST = True


def _public_methods(cls: type) -> list[str]:
    """Public methods defined on ``cls`` (properties and plain attributes left out)."""
    found = []
    for name in dir(cls):
        if name.startswith("_"):
            continue
        static = inspect.getattr_static(cls, name)
        if isinstance(static, property):
            continue
        if inspect.isfunction(static) or isinstance(static, staticmethod | classmethod):
            found.append(name)
    return found


def _sections(registrar: Registrar) -> dict[str, type]:
    """Public attributes of a registrar whose values are codekit objects with methods."""
    found: dict[str, type] = {}
    for name in dir(registrar):
        if name.startswith("_") or name in _public_methods(Registrar):
            continue
        value = getattr(registrar, name)
        kind = type(value)
        if kind.__module__.startswith("codekit") and _public_methods(kind):
            found[name] = kind
    return found


def _api() -> Iterator[tuple[str | None, str]]:
    """(section or None, method) for every method a plugin may call on its registrar."""
    registrar = Registrar("meta-test")
    for name in _public_methods(Registrar):
        yield None, name
    for section, kind in _sections(registrar).items():
        for name in _public_methods(kind):
            yield section, name


def _hooks() -> list[str]:
    return [
        name
        for name, value in vars(hookspecs).items()
        if name.startswith("codekit_") and callable(value)
    ]


API = list(_api())
HOOKS = _hooks()


def _was_exercised(name: str, exercised: Any) -> bool:
    if name in exercised.names:
        return True
    if not exercised.complete:
        pytest.skip(f"{name}: a partial run; the whole suite is the evidence (pytest tests/)")
    return False


@pytest.mark.parametrize(("section", "method"), API)
def test_every_registrar_method_is_documented_and_tested(
    section: str | None, method: str, exercised: Any
) -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    spelled = f"{section}.{method}" if section else method
    assert f"{spelled}(" in guide, f"docs/plugins.md documents {spelled}(...)"
    assert section is None, "tests/conftest.py records registrar methods, not sections' yet"
    assert _was_exercised(method, exercised), (
        f"a test that passed has a plugin call registrar.{spelled}(...)"
    )


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented_and_tested(hook: str, exercised: Any) -> None:
    doc = inspect.getdoc(getattr(hookspecs, hook)) or ""
    assert ":param" in doc, f"{hook} documents its parameters"
    assert "versionadded" in doc, f"{hook} says when it was added"
    assert hook in GUIDE.read_text(encoding="utf-8"), f"docs/plugins.md documents {hook}"
    assert _was_exercised(hook, exercised), (
        f"a test that passed makes codekit run a plugin's {hook} (and take in what it adds)"
    )


def test_only_what_codekit_ran_for_a_third_party_plugin_is_evidence(exercised: Any) -> None:
    from codekit.models import DataRelease
    from codekit.plugins import CodeRecord, CodeSetSpec, hookimpl
    from codekit.testing import isolated_registry

    spec = CodeSetSpec(name="metatest", title="Meta-test codes", pattern=r"MT[0-9]")
    release = DataRelease(
        code_set="metatest", release="R1", effective=dt.date(2020, 1, 1), source="test"
    )
    kept = set(exercised.current)
    try:
        exercised.current.clear()
        Registrar("outside").add_code_set(spec)  # no hook: nothing codekit ran
        Registrar("codekit.builtin").add_code_set(spec)  # codekit's own
        assert exercised.current == set()

        class Broken:
            @hookimpl
            def codekit_register(self, registrar: Registrar) -> None:
                registrar.add_extension("metatest", 1)
                raise RuntimeError("boom")

        class Good:
            @hookimpl
            def codekit_register(self, registrar: Registrar) -> None:
                registrar.add_code_set(spec)
                registrar.add_release(release, records=[CodeRecord(code="MT1", description="x")])
                with pytest.raises(TypeError):
                    registrar.add_quota_store("Not A Scheme", lambda url: None)  # type: ignore[arg-type,return-value]

        with pytest.warns(PluginWarning), isolated_registry(Broken(), builtins=False) as registry:
            assert registry.failures
        assert exercised.current == set()
        with isolated_registry(Good(), builtins=False) as registry:
            assert registry.spec("metatest") == spec
        assert exercised.current == {"codekit_register", "add_code_set", "add_release"}
    finally:
        exercised.current = kept  # this test's plugins are no evidence for the suite
