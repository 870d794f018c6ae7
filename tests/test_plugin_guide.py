"""Meta-test: every registrar method and every hook is in the plugin guide and has a test.

What a plugin author may call is found by introspection, not from a list kept here: every
public method of :class:`~codekit.plugins.Registrar`, and every public method of each
section a registrar carries (a public attribute whose value is a codekit object with public
methods, such as ``registrar.tables``). Every hook is every ``codekit_*`` specification in
:mod:`codekit.hookspecs`. For each, the plugin guide (docs/plugins.md) must name it, and a
test module must really use it, which is checked on the syntax tree of ``tests/``: a call
``<anything>.method(...)`` (``<anything>.section.method(...)`` for a section's method) or a
function of the hook's name decorated with ``@hookimpl``.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from codekit import hookspecs
from codekit.plugins import Registrar

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "plugins.md"


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


@cache
def _trees() -> tuple[ast.Module, ...]:
    files = sorted((ROOT / "tests").rglob("*.py"))
    return tuple(ast.parse(f.read_text(encoding="utf-8"), str(f)) for f in files)


def _called(section: str | None, method: str, trees: tuple[ast.Module, ...] = ()) -> bool:
    for tree in trees or _trees():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            if node.func.attr != method:
                continue
            receiver = node.func.value
            if section is None or (
                isinstance(receiver, ast.Attribute) and receiver.attr == section
            ):
                return True
    return False


def _is_hookimpl(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
    return name == "hookimpl"


def _implemented(hook: str, trees: tuple[ast.Module, ...] = ()) -> bool:
    for tree in trees or _trees():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.FunctionDef)
                and node.name == hook
                and any(_is_hookimpl(d) for d in node.decorator_list)
            ):
                return True
    return False


API = list(_api())
HOOKS = _hooks()


def test_the_api_is_found() -> None:
    """Introspection sees the registrar methods every plugin in the guide uses."""
    methods = {method for _, method in API}
    assert {"add_code_set", "add_release", "add_descriptions"} <= methods
    assert "codekit_register" in HOOKS


@pytest.mark.parametrize(("section", "method"), API, ids=[f"{s}.{m}" if s else m for s, m in API])
def test_every_registrar_method_is_documented_and_tested(section: str | None, method: str) -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    spelled = f"{section}.{method}" if section else method
    assert f"{spelled}(" in guide, f"docs/plugins.md documents {spelled}(...)"
    assert _called(section, method), f"a test in tests/ calls registrar.{spelled}(...)"


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented_and_tested(hook: str) -> None:
    doc = inspect.getdoc(getattr(hookspecs, hook)) or ""
    assert ":param" in doc, f"{hook} documents its parameters"
    assert "versionadded" in doc, f"{hook} says when it was added"
    assert hook in GUIDE.read_text(encoding="utf-8"), f"docs/plugins.md documents {hook}"
    assert _implemented(hook), f"a test in tests/ implements {hook} with @hookimpl"


def test_the_check_itself_tells_a_call_from_a_mention() -> None:
    """A name in a string or a bare attribute is no use; a call and an implementation are."""
    tree = ast.parse(
        "x = 'registrar.add_nothing(1)'\n"
        "y = registrar.add_mentioned\n"
        "registrar.add_called(1)\n"
        "registrar.tables.add(2)\n"
        "def codekit_plain(r): ...\n"
        "@hookimpl(trylast=True)\n"
        "def codekit_marked(r): ...\n"
    )
    trees = (tree,)
    assert not _called(None, "add_nothing", trees)
    assert not _called(None, "add_mentioned", trees)
    assert _called(None, "add_called", trees)
    assert _called("tables", "add", trees)
    assert not _called("quota", "add", trees)
    assert not _implemented("codekit_plain", trees)
    assert _implemented("codekit_marked", trees)
